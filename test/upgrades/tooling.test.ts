import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { PROXIED } from "../../src/deploy/system";
import {
  IncompatibleLayoutError,
  LayoutNotRecordedError,
  UPGRADEABLE,
  UnsafeImplementationError,
  assertCheckPassed,
  checkAll,
  checkImplementation,
  describeLayoutDiff,
  readLayouts,
  readValidationData,
  recordedLayout,
} from "../../src/upgrades";

/** The test-only version 2 of each contract (contracts/mocks/upgrades): a new field in a namespace of its own. */
const V2: Record<string, string> = {
  Consortium: "ConsortiumV2",
  SupplyChain: "SupplyChainV2",
  EpcisAnchors: "EpcisAnchorsV2",
  DeviceRegistry: "DeviceRegistryV2",
  ColdChain: "ColdChainV2",
  MedicalRecords: "MedicalRecordsV2",
  HealthInsurance: "HealthInsuranceV2",
  AssetRegistry: "AssetRegistryV2",
  AssetOffering: "AssetOfferingV2",
  AssetMarket: "AssetMarketV2",
  AssetShareToken: "AssetShareTokenV2",
  AssetPPA: "AssetPPAV2",
  AssetVending: "AssetVendingV2",
};

describe("upgrades:check (issue 21)", function () {
  before(async function () {
    await hre.run("compile", { quiet: true });
  });

  it("passes every upgradeable implementation against the recorded layouts", async function () {
    // every proxied contract of the system and the share token behind its beacon, nothing else
    expect(Object.keys(UPGRADEABLE)).to.have.members([...PROXIED, "AssetShareToken"]);
    const rows = await checkAll(hre);
    expect(rows.map((r) => r.contract)).to.have.members(Object.keys(UPGRADEABLE));
    for (const r of rows) {
      expect(r.problem, `${r.contract}: ${r.problem?.message}`).to.equal(undefined);
      expect(r.check.errors.ok, r.contract).to.equal(true);
      expect(r.check.report?.pass, r.contract).to.equal(true);
    }
    // the share token is checked as a beacon implementation, the rest as UUPS
    expect(rows.find((r) => r.contract === "AssetShareToken")!.check.kind).to.equal("beacon");
    // every domain keeps its state in its ERC-7201 namespace, nothing in plain storage
    for (const r of rows) expect(r.check.layout.storage, r.contract).to.deep.equal([]);
    expect(Object.keys(rows.find((r) => r.contract === "SupplyChain")!.check.layout.namespaces ?? {})).to.include(
      "erc7201:citychain.storage.SupplyChain",
    );
  });

  it("needs the library-linking allowance for SupplyChain, and the UUPS upgrade function for a UUPS proxy", async function () {
    const data = readValidationData(hre);
    const linked = await checkImplementation(hre, data, UPGRADEABLE.SupplyChain.artifact, "uups");
    expect(() => assertCheckPassed("SupplyChain", linked))
      .to.throw(UnsafeImplementationError)
      .with.property("kinds")
      .that.deep.equals(["external-library-linking"]);
    // a plain contract is no UUPS implementation (a proxy running it could never be upgraded again)
    const plain = await checkImplementation(hre, data, "PlainV1Mock", "uups");
    expect(() => assertCheckPassed("PlainV1Mock", plain))
      .to.throw(UnsafeImplementationError)
      .with.property("kinds")
      .that.includes("missing-public-upgradeto");
    // behind a beacon the upgrade function lives in the beacon: the same contract is fine
    const behindBeacon = await checkImplementation(hre, data, "PlainV1Mock", "beacon");
    expect(behindBeacon.errors.ok).to.equal(true);
  });

  it("finds every test-only version 2 layout-compatible with version 1 (a new namespace, nothing moved)", async function () {
    const data = readValidationData(hre);
    for (const [contract, v2] of Object.entries(V2)) {
      const spec = UPGRADEABLE[contract];
      const reference = recordedLayout(contract);
      const check = await checkImplementation(hre, data, v2, spec.kind, spec.unsafeAllow, reference);
      expect(check.report?.pass, `${v2}: ${check.report?.explain(false)}`).to.equal(true);
      // Upgrade-only versions that define no initializer of their own say so (missing-initializer annotations).
      expect(check.errors.ok, `${v2}: ${check.errors.explain(false)}`).to.equal(true);
      const added = contract === "Consortium" ? "ConsortiumV2" : "UpgradeV2Note";
      expect(describeLayoutDiff(reference, check.layout, check.report), v2).to.equal(
        `+ namespace erc7201:citychain.storage.${added}: ${contract === "Consortium" ? "charterHash" : "note"}`,
      );
    }
  });

  it("refuses a namespaced struct with a retyped field, naming the field", async function () {
    const data = readValidationData(hre);
    const check = await checkImplementation(
      hre,
      data,
      "SupplyChainBadLayout",
      "uups",
      [],
      recordedLayout("SupplyChain"),
    );
    expect(check.errors.ok).to.equal(true);
    expect(check.report?.pass).to.equal(false);
    let error: unknown;
    try {
      assertCheckPassed("SupplyChain", check);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(IncompatibleLayoutError);
    expect((error as IncompatibleLayoutError).fields).to.deep.equal(["lots"]);
    expect((error as Error).message).to.match(/`lots`/);
    expect((error as Error).message).to.include("BadLayout.sol:18: Upgraded `lots` to an incompatible type");
    expect((error as Error).message).to.include("Bad upgrade from struct SupplyChain.LotData to bytes32");
  });

  it("reports an incompatible and an unrecorded layout per contract", async function () {
    const layouts = readLayouts();
    const data = readValidationData(hre);
    const bad = await checkImplementation(hre, data, "SupplyChainBadLayout", "uups");
    // The deployed SupplyChain as if it were the bad one: today's SupplyChain retypes `lots` back.
    layouts.contracts.SupplyChain = { ...layouts.contracts.SupplyChain, layout: bad.layout };
    delete layouts.contracts.ColdChain;
    const rows = await checkAll(hre, layouts);
    const problems = Object.fromEntries(rows.filter((r) => r.problem).map((r) => [r.contract, r.problem]));
    expect(Object.keys(problems)).to.have.members(["SupplyChain", "ColdChain"]);
    expect(problems.SupplyChain).to.be.instanceOf(IncompatibleLayoutError);
    expect((problems.SupplyChain as IncompatibleLayoutError).fields).to.deep.equal(["lots"]);
    expect(problems.ColdChain).to.be.instanceOf(LayoutNotRecordedError);
  });

  it("npm run upgrades:check exits non-zero on an incompatible recorded layout, zero on the committed one", async function () {
    this.timeout(300_000);
    const root = path.resolve(__dirname, "../..");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "citychain-layouts-"));
    try {
      const layouts = readLayouts();
      const bad = await checkImplementation(hre, readValidationData(hre), "SupplyChainBadLayout", "uups");
      layouts.contracts.SupplyChain = { ...layouts.contracts.SupplyChain, layout: bad.layout };
      const file = path.join(dir, "layouts.json");
      fs.writeFileSync(file, JSON.stringify(layouts));
      const run = (env: Record<string, string>) =>
        spawnSync(process.execPath, [require.resolve("hardhat/internal/cli/cli"), "run", "scripts/upgrades-check.ts"], {
          cwd: root,
          env: { ...process.env, FORCE_COLOR: "0", ...env },
          encoding: "utf8",
        });
      const failed = run({ UPGRADES_LAYOUTS: file });
      expect(failed.status, failed.stdout + failed.stderr).to.equal(1);
      expect(failed.stdout).to.match(/SupplyChain\s.*INCOMPATIBLE/);
      expect(failed.stderr).to.include("SupplyChain: contracts/supplychain/SupplyChain.sol:SupplyChain has a storage");
      expect(failed.stderr).to.include("`lots`");
      const passed = run({});
      expect(passed.status, passed.stdout + passed.stderr).to.equal(0);
      expect(passed.stdout).to.include("13 implementations upgrade safe");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
