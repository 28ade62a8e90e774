import { expect } from "chai";
import hre from "hardhat";
import { type BaseContract, type ErrorDescription, Interface } from "ethers";
import { ROLES } from "../../src/roles";
import { revertData, stateChangingFunctions } from "./outsiders";
import { type WrongPartyTarget, isExemption, loadWrongPartyTargets } from "./wrongparty";

function decode(data: string, sources: BaseContract[]): ErrorDescription | null {
  for (const c of sources) {
    try {
      const parsed = c.interface.parseError(data);
      if (parsed) return parsed;
    } catch {
      // not this contract's error; try the next ABI
    }
  }
  return null;
}

/** Deployable contracts under contracts/ (mocks excepted) that have at least one state-changing function. */
async function contractsNeedingATarget(): Promise<string[]> {
  const names: string[] = [];
  for (const fqn of await hre.artifacts.getAllFullyQualifiedNames()) {
    if (!fqn.startsWith("contracts/") || fqn.startsWith("contracts/mocks/")) continue;
    const artifact = await hre.artifacts.readArtifact(fqn);
    if (artifact.bytecode === "0x") continue;
    let changesState = false;
    new Interface(artifact.abi).forEachFunction((f) => (changesState ||= !f.constant));
    if (changesState) names.push(artifact.contractName);
  }
  return names.sort();
}

/** Normalises values for comparison of error arguments (bigint/number, address case). */
function norm(v: unknown): unknown {
  if (typeof v === "number") return BigInt(v);
  if (typeof v === "string" && /^0x[0-9a-fA-F]*$/.test(v)) return v.toLowerCase();
  if (Array.isArray(v)) return v.map(norm);
  return v;
}

function describeTarget(file: string, target: WrongPartyTarget): void {
  describe(`${target.contractName} (test/security/wrongparty/${file})`, function () {
    it("lists every state-changing function of the ABI, as a case or an exemption with its reason", async function () {
      const contract = await target.load();
      const sigs = stateChangingFunctions(contract).map((f) => f.format("sighash"));
      const missing = sigs.filter((s) => !(s in target.functions));
      const unknown = Object.keys(target.functions).filter((s) => !sigs.includes(s));
      expect(missing, "functions without a wrong-party case or exemption").to.deep.equal([]);
      expect(unknown, "entries naming no state-changing function of the ABI").to.deep.equal([]);
      for (const [sig, entry] of Object.entries(target.functions)) {
        if (isExemption(entry)) expect(entry.exempt.trim().length, `${sig}: exemption without a reason`).to.be.gte(20);
        else expect(entry.rule.trim().length, `${sig}: case without its rule`).to.be.gte(20);
      }
    });

    for (const [sig, entry] of Object.entries(target.functions)) {
      if (isExemption(entry)) continue;
      it(`${sig}: refuses a member with the role that is no party (${entry.rule})`, async function () {
        const call = await entry.setup();
        const roleOrg = await call.consortium.roleOrg(ROLES[call.role], call.caller.address);
        expect(
          roleOrg,
          `the wrong party must hold ${call.role}, or the case tests the outsider gate again`,
        ).to.not.equal(0n);
        let accepted = false;
        try {
          const tx = await call.contract.connect(call.caller).getFunction(sig)(
            ...call.args,
            ...(call.value !== undefined ? [{ value: call.value }] : []),
          );
          await tx.wait();
          accepted = true;
        } catch (error) {
          const data = revertData(error);
          const parsed = data ? decode(data, [call.contract, ...(call.errorSources ?? []), call.consortium]) : null;
          expect(parsed?.name, `reverted without the expected custom error: ${String(error).slice(0, 200)}`).to.equal(
            call.error,
          );
          if (call.errorArgs) expect(norm([...parsed!.args])).to.deep.equal(norm(call.errorArgs));
        }
        expect(accepted, `${sig} was ACCEPTED from a member that is no party to the object`).to.equal(false);
      });
    }
  });
}

describe("wrong-party gate: a member with the role but no relation to the object is refused (from the ABI)", function () {
  const targets = loadWrongPartyTargets();

  it("has a registry entry for every deployable contract with a state-changing function", async function () {
    const registered = targets.map((t) => t.target.contractName).sort();
    const needed = await contractsNeedingATarget();
    expect(
      needed.filter((n) => !registered.includes(n)),
      "add a file to test/security/wrongparty/ for",
    ).to.deep.equal([]);
    expect(
      registered.filter((n) => !needed.includes(n)),
      "entries naming no deployable contract",
    ).to.deep.equal([]);
    expect(new Set(registered).size, "one entry per contract").to.equal(registered.length);
  });

  for (const { file, target } of targets) describeTarget(file, target);
});
