import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { expect } from "chai";
import type { BaseContract, ContractFactory, FunctionFragment, ParamType } from "ethers";
import { DemoChapter, demoContext, requireCity } from "../../src/demo/context";
import type { AssetsSystem } from "../../src/assets";
import { applyUpgrade } from "../../src/consortium";
import { implementationOf } from "../../src/deploy/proxy";
import { scheduleUpgrade, supplyChainLibrary } from "../fixtures/upgrades";

/**
 * The issue's end-to-end upgrade: the demo's whole story puts data through every domain on version 1, the members
 * vote an upgrade of every domain (and of the consortium itself, and of the share tokens' beacon) to a test-only
 * version 2 with a new view and a new field in its own ERC-7201 namespace (contracts/mocks/upgrades), and every view
 * of every contract answers the same as before: records, balances, consents, audit entries, pending claims, lots,
 * devices, assets, listings, PPAs, vending ledgers. Every address stays what members hold.
 */

const CHAPTERS = path.join(__dirname, "..", "..", "src", "demo", "chapters");

/** Candidate arguments by ABI type; every view is called with every combination (capped). */
interface Candidates {
  uint: bigint[];
  address: string[];
  bytes32: string[];
}

function valuesFor(p: ParamType, c: Candidates): unknown[] | undefined {
  if (p.type.startsWith("uint") || p.type.startsWith("int")) return c.uint;
  if (p.type === "address") return c.address;
  if (p.type === "bytes32") return c.bytes32;
  if (p.type === "bool") return [false, true];
  return undefined;
}

function combinations(lists: unknown[][]): unknown[][] {
  // Fewer candidates per input the more inputs a view takes: a few hundred calls per view at most.
  const cap = lists.length <= 1 ? Infinity : lists.length === 2 ? 14 : 5;
  return lists.reduce<unknown[][]>(
    (acc, list) => acc.flatMap((prefix) => list.slice(0, cap).map((v) => [...prefix, v])),
    [[]],
  );
}

function show(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
}

/**
 * Every answer of every view of `contract` over the candidates (a revert is an answer too, by its data), keyed by
 * signature and arguments. Views that carry no state of their own (pure) and the upgrade machinery are left out.
 */
async function snapshot(contract: BaseContract, c: Candidates, skip: string[] = []): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const views: FunctionFragment[] = [];
  contract.interface.forEachFunction((f) => {
    if (f.stateMutability === "view" && !skip.includes(f.name)) views.push(f);
  });
  for (const f of views) {
    const lists = f.inputs.map((p) => valuesFor(p, c));
    if (lists.some((l) => l === undefined)) continue;
    for (const args of combinations(lists as unknown[][])) {
      let answer: string;
      try {
        answer = show(await contract.getFunction(f)(...args));
      } catch (e) {
        answer = `revert ${(e as { data?: string }).data ?? (e as Error).message}`;
      }
      out.set(`${f.format("sighash")} ${show(args)}`, answer);
    }
  }
  return out;
}

interface Target {
  name: string;
  /** The proxy (or, for the share tokens, the beacon) the vote names. */
  upgraded: string;
  /** The contracts whose views are compared (the proxy itself, or every asset's share token). */
  read: BaseContract[];
  v2: () => Promise<string>;
}

async function deploy(factory: Promise<ContractFactory>, args: unknown[]): Promise<string> {
  const c = await (await factory).deploy(...args);
  await c.waitForDeployment();
  return c.getAddress();
}

describe("upgrading every domain by vote after the demo's story", function () {
  this.timeout(600_000);

  it("keeps every record, balance, consent, audit entry and pending claim, and every address", async function () {
    const ctx = await demoContext(hre);
    const files = fs
      .readdirSync(CHAPTERS)
      .filter((f) => f.endsWith(".ts"))
      .sort();
    const tokens = new Set<string>();
    const log = console.log;
    console.log = () => undefined; // the story's narration
    try {
      for (const file of files) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { chapter } = require(path.join(CHAPTERS, file)) as { chapter: DemoChapter };
        await chapter.run(ctx);
        const token = ctx.system.settlementToken as BaseContract | undefined;
        if (token) tokens.add(await token.getAddress());
      }
    } finally {
      console.log = log;
    }
    const city = requireCity(ctx);
    const { consortium } = city;
    const s = ctx.system;
    const supplyChain = s.supplyChain as BaseContract;
    const epcisAnchors = s.epcisAnchors as BaseContract;
    const deviceRegistry = s.deviceRegistry as BaseContract;
    const coldChain = s.coldChain as BaseContract;
    const records = s.medicalRecords as BaseContract;
    const insurance = s.healthInsurance as BaseContract;
    const assets = s.assets as AssetsSystem;
    const { ppa, vending } = s.metered as { ppa: BaseContract; vending: BaseContract };
    const consortiumAddress = await consortium.getAddress();

    const shareTokens: BaseContract[] = [];
    for (let id = 1n; id <= (await assets.registry.assetCount()); id++) {
      const { shareToken } = await assets.registry.asset(id);
      shareTokens.push(await hre.ethers.getContractAt("AssetShareToken", shareToken));
    }
    expect(shareTokens.length).to.be.at.least(2);

    const proxies = {
      SupplyChain: supplyChain,
      EpcisAnchors: epcisAnchors,
      DeviceRegistry: deviceRegistry,
      ColdChain: coldChain,
      MedicalRecords: records,
      HealthInsurance: insurance,
      AssetRegistry: assets.registry,
      AssetOffering: assets.offering,
      AssetMarket: assets.market,
      AssetPPA: ppa,
      AssetVending: vending,
    } as const;
    const addressOf = async (c: BaseContract) => c.getAddress();
    const registryAddress = await addressOf(assets.registry);
    const targets: Target[] = [
      {
        name: "SupplyChain",
        upgraded: await addressOf(supplyChain),
        read: [supplyChain],
        v2: async () =>
          deploy(
            hre.ethers.getContractFactory("SupplyChainV2", {
              libraries: { SupplyChainOversight: await supplyChainLibrary(await addressOf(supplyChain)) },
            }),
            [consortiumAddress],
          ),
      },
      {
        name: "EpcisAnchors",
        upgraded: await addressOf(epcisAnchors),
        read: [epcisAnchors],
        v2: () => deploy(hre.ethers.getContractFactory("EpcisAnchorsV2"), [consortiumAddress]),
      },
      {
        name: "DeviceRegistry",
        upgraded: await addressOf(deviceRegistry),
        read: [deviceRegistry],
        v2: () => deploy(hre.ethers.getContractFactory("DeviceRegistryV2"), [consortiumAddress]),
      },
      {
        name: "ColdChain",
        upgraded: await addressOf(coldChain),
        read: [coldChain],
        v2: () =>
          deploy(hre.ethers.getContractFactory("ColdChainV2"), [
            consortiumAddress,
            addressOf(deviceRegistry),
            addressOf(supplyChain),
          ]),
      },
      {
        name: "MedicalRecords",
        upgraded: await addressOf(records),
        read: [records],
        v2: () => deploy(hre.ethers.getContractFactory("MedicalRecordsV2"), [consortiumAddress]),
      },
      {
        name: "HealthInsurance",
        upgraded: await addressOf(insurance),
        read: [insurance],
        v2: async () =>
          deploy(hre.ethers.getContractFactory("HealthInsuranceV2"), [
            consortiumAddress,
            await addressOf(records),
            await insurance.getFunction("paymentToken")(),
          ]),
      },
      {
        name: "AssetRegistry",
        upgraded: registryAddress,
        read: [assets.registry],
        v2: () => deploy(hre.ethers.getContractFactory("AssetRegistryV2"), [consortiumAddress]),
      },
      {
        name: "AssetOffering",
        upgraded: await addressOf(assets.offering),
        read: [assets.offering],
        v2: () => deploy(hre.ethers.getContractFactory("AssetOfferingV2"), [consortiumAddress, registryAddress]),
      },
      {
        name: "AssetMarket",
        upgraded: await addressOf(assets.market),
        read: [assets.market],
        v2: () => deploy(hre.ethers.getContractFactory("AssetMarketV2"), [consortiumAddress, registryAddress]),
      },
      {
        name: "AssetShareToken",
        upgraded: await assets.registry.shareTokenBeacon(),
        read: shareTokens,
        v2: () =>
          deploy(hre.ethers.getContractFactory("AssetShareTokenV2"), [
            consortiumAddress,
            registryAddress,
            addressOf(assets.offering),
            addressOf(assets.market),
          ]),
      },
      {
        name: "AssetPPA",
        upgraded: await addressOf(ppa),
        read: [ppa],
        v2: () =>
          deploy(hre.ethers.getContractFactory("AssetPPAV2"), [
            consortiumAddress,
            registryAddress,
            addressOf(deviceRegistry),
          ]),
      },
      {
        name: "AssetVending",
        upgraded: await addressOf(vending),
        read: [vending],
        v2: () =>
          deploy(hre.ethers.getContractFactory("AssetVendingV2"), [
            consortiumAddress,
            registryAddress,
            addressOf(deviceRegistry),
          ]),
      },
      {
        name: "Consortium",
        upgraded: consortiumAddress,
        read: [],
        v2: () => deploy(hre.ethers.getContractFactory("ConsortiumV2"), []),
      },
    ];
    expect(targets.map((t) => t.name)).to.include.members(Object.keys(proxies));

    // Candidates: the cast, the contracts and tokens, the first ids, and the ids the story recorded.
    const lot = s.supplyChainLot as { lotId: string };
    const candidates: Candidates = {
      uint: Array.from({ length: 13 }, (_, i) => BigInt(i)),
      address: [
        ...Object.values(ctx.actors).map((a) => a.address),
        ...(await Promise.all(Object.values(proxies).map(addressOf))),
        ...(await Promise.all(shareTokens.map(addressOf))),
        ...tokens,
      ],
      bytes32: [lot.lotId, hre.ethers.ZeroHash],
    };
    const watched = [...Object.values(proxies), ...shareTokens];
    const moneyHeld = async () =>
      Promise.all(
        [...tokens].flatMap((t) =>
          watched.map(async (c) => (await hre.ethers.getContractAt("IERC20", t)).balanceOf(await c.getAddress())),
        ),
      );

    // Vote every upgrade (the regulator proposes, every organisation votes), then wait out the delay once, so that
    // the story's clock moves as little as possible between the two readings.
    const implementations = new Map<string, string>();
    for (const t of targets) {
      const v2 = await t.v2();
      implementations.set(t.name, v2);
      await scheduleUpgrade(city, t.upgraded, v2);
    }
    let eta = 0n;
    for (const t of targets) {
      const scheduled = await consortium.scheduledUpgrade(t.upgraded);
      if (scheduled.eta > eta) eta = scheduled.eta;
    }
    await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(eta)]);
    await hre.network.provider.send("evm_mine", []);

    const before = await Promise.all(watched.map((c) => snapshot(c, candidates)));
    const consortiumSkip = ["proposal", "proposalCount", "hasVoted", "scheduledUpgrade", "upgradeRequest"];
    const consortiumBefore = await snapshot(consortium, candidates, consortiumSkip);
    const heldBefore = await moneyHeld();
    const addressesBefore = await Promise.all(watched.map(addressOf));

    for (const t of targets) await applyUpgrade(consortium, city.actors.outsider, t.upgraded);

    // Every proxy now runs version 2, at the address it always had.
    for (const t of targets) {
      const v2 = implementations.get(t.name)!;
      if (t.name === "AssetShareToken") {
        const beacon = await hre.ethers.getContractAt("UpgradeableBeacon", t.upgraded);
        expect(await beacon.implementation(), t.name).to.equal(v2);
      } else {
        expect(await implementationOf(hre, t.upgraded), t.name).to.equal(v2);
      }
    }
    expect(await Promise.all(watched.map(addressOf))).to.deep.equal(addressesBefore);

    // The same answers from the new code: nothing was lost or moved.
    const after = await Promise.all(watched.map((c) => snapshot(c, candidates)));
    for (let i = 0; i < watched.length; i++) {
      expect(before[i].size, addressesBefore[i]).to.be.greaterThan(10);
      expect(Object.fromEntries(after[i]), addressesBefore[i]).to.deep.equal(Object.fromEntries(before[i]));
    }
    expect(Object.fromEntries(await snapshot(consortium, candidates, consortiumSkip))).to.deep.equal(
      Object.fromEntries(consortiumBefore),
    );
    expect(await moneyHeld()).to.deep.equal(heldBefore);

    // The new view and the new field work, and the new field sits apart from the old state.
    for (const c of watched) {
      const v2 = await hre.ethers.getContractAt(
        [
          "function upgradeVersion() view returns (uint256)",
          "function setV2Note(bytes32)",
          "function v2Note() view returns (bytes32)",
        ],
        await c.getAddress(),
      );
      expect(await v2.upgradeVersion()).to.equal(2n);
      expect(await v2.v2Note()).to.equal(hre.ethers.ZeroHash);
      await v2.setV2Note(hre.ethers.id("version 2"));
      expect(await v2.v2Note()).to.equal(hre.ethers.id("version 2"));
    }
    const consortiumV2 = await hre.ethers.getContractAt("ConsortiumV2", consortiumAddress);
    expect(await consortiumV2.version()).to.equal("2");
    for (let i = 0; i < watched.length; i++) {
      expect(Object.fromEntries(await snapshot(watched[i], candidates)), addressesBefore[i]).to.deep.equal(
        Object.fromEntries(before[i]),
      );
    }
  });
});
