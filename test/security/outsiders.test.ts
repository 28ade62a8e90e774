import { expect } from "chai";
import hre from "hardhat";
import { type BaseContract, type ErrorDescription, Interface } from "ethers";
import {
  ACCESS_ERRORS,
  type OutsiderTarget,
  loadTargets,
  revertData,
  stateChangingFunctions,
  zeroValue,
} from "./outsiders";

/** Decodes a custom error with the target's ABI, then with the ABIs of the contracts it calls. */
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
    if (artifact.bytecode === "0x") continue; // interfaces and abstract contracts
    let changesState = false;
    new Interface(artifact.abi).forEachFunction((f) => (changesState ||= !f.constant));
    if (changesState) names.push(artifact.contractName);
  }
  return names.sort();
}

function describeTarget(file: string, target: OutsiderTarget): void {
  describe(`${target.contractName} (test/security/registry/${file})`, function () {
    it("refuses an account without a role on every state-changing function that is not allow-listed", async function () {
      const { contract, outsider, overrides = {}, errorSources = [] } = await target.load();
      const permissionless = target.permissionless ?? {};
      const accessErrors = { ...ACCESS_ERRORS, ...target.accessErrors };
      const problems: string[] = [];
      let probed = 0;
      for (const fn of stateChangingFunctions(contract)) {
        const sig = fn.format("sighash");
        if (sig in permissionless) continue;
        probed++;
        const args = overrides[sig] ?? fn.inputs.map(zeroValue);
        try {
          const tx = await contract.connect(outsider).getFunction(sig)(...args);
          await tx.wait();
          problems.push(`${sig}: ACCEPTED from an outsider (restrict it, or allow-list it with the reason)`);
          continue;
        } catch (error) {
          const data = revertData(error);
          const parsed = data ? decode(data, [contract, ...errorSources]) : null;
          if (!parsed) {
            problems.push(`${sig}: reverted without a custom error of the system (${String(error).slice(0, 120)})`);
            continue;
          }
          if (!(parsed.name in accessErrors)) {
            problems.push(
              `${sig}: reverted with ${parsed.signature}, not an access error (override its arguments so the ` +
                `call reaches the caller check, or check the caller first)`,
            );
            continue;
          }
          const position = accessErrors[parsed.name];
          if (typeof position === "object") {
            // the error names the caller's organisation: an outsider has none (0)
            const org = parsed.args[position.org] as bigint;
            if (org !== 0n) problems.push(`${sig}: ${parsed.name} names organisation ${org}, not the outsider's 0`);
            continue;
          }
          const caller = parsed.args[position] as string;
          if (caller.toLowerCase() !== outsider.address.toLowerCase()) {
            problems.push(`${sig}: ${parsed.name} names ${caller}, not the outsider ${outsider.address}`);
          }
        }
      }
      expect(problems.length, `functions that do not refuse the outsider:\n  ${problems.join("\n  ")}\n`).to.equal(0);
      expect(probed + Object.keys(permissionless).length, "every state-changing function is probed or listed").to.equal(
        stateChangingFunctions(contract).length,
      );
    });

    it("allow-lists and overrides only functions of the ABI, each allow-listed one with its reason", async function () {
      const { contract, overrides = {} } = await target.load();
      const sigs = new Set(stateChangingFunctions(contract).map((f) => f.format("sighash")));
      for (const [sig, reason] of Object.entries(target.permissionless ?? {})) {
        expect(sigs.has(sig), `permissionless ${sig} is not a state-changing function of the ABI`).to.equal(true);
        expect(reason.trim().length, `permissionless ${sig} has no reason`).to.be.greaterThan(10);
      }
      for (const sig of Object.keys(overrides)) {
        expect(sigs.has(sig), `override ${sig} is not a state-changing function of the ABI`).to.equal(true);
        expect(sig in (target.permissionless ?? {}), `override ${sig} is also allow-listed`).to.equal(false);
      }
    });
  });
}

describe("outsider gate: every state-changing function refuses an account without a role (from the ABI)", function () {
  const targets = loadTargets();

  it("has a registry entry for every deployable contract with a state-changing function", async function () {
    const registered = targets.map((t) => t.target.contractName).sort();
    const needed = await contractsNeedingATarget();
    const missing = needed.filter((n) => !registered.includes(n));
    const unknown = registered.filter((n) => !needed.includes(n));
    expect(missing, "add a file to test/security/registry/ for").to.deep.equal([]);
    expect(unknown, "registry entries naming no deployable contract").to.deep.equal([]);
    expect(new Set(registered).size, "one registry entry per contract").to.equal(registered.length);
  });

  for (const { file, target } of targets) describeTarget(file, target);
});
