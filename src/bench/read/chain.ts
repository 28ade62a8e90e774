/**
 * The read benchmark's histories (issue 17): a fresh in-process chain per size, built with the real contracts and
 * the SDK before any indexer starts. Bulk events come from the contracts' batch functions (500 items registered,
 * packed or unpacked per transaction; 40 share holders admitted and issued per transaction) and the chain is
 * stretched with empty blocks (`hardhat_mine`) between the steps. One item and one investor, the ones the bench
 * reads, have histories spread over the whole chain: early, middle and late.
 */
import fs from "node:fs";
import path from "node:path";
import { Presets, SingleBar } from "cli-progress";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { AssetShareToken, AssetsBenchPopulator, SupplyChain } from "../../../typechain-types";
import type { AppDeployment } from "../../stack/deployment";
import { type AssetsSystem, deployAssets, openOffering, registerAsset } from "../../assets";
import { type ActorKey, formCity } from "../../city";
import { type DigitalLink, makeSscc } from "../../gs1";
import { deployPaymentToken } from "../../medical";
import { deploySupplyChain, itemKeyOf, lotIdOf, textHash } from "../../supplychain";
import { DEMO_EPOCH, type What, custodyHop } from "../../epcis";

/** A history size: how many indexed events over how many blocks. */
export interface HistorySize {
  name: "small" | "large";
  events: number;
  blocks: number;
}

export const HISTORY_SIZES: Record<HistorySize["name"], HistorySize> = {
  small: { name: "small", events: 10_000, blocks: 10_000 },
  large: { name: "large", events: 250_000, blocks: 1_000_000 },
};

/** Items registered, packed or unpacked per transaction (the contract takes up to 1,000; 500 fit a block's gas). */
const ITEM_BATCH = 500;
/** Share holders admitted and issued shares per transaction. */
const HOLDER_BATCH = 40;
const GTIN = 4012345000016n;
/** Blocks mined one by one at the end of the chain (more than the indexer's finality depth). */
const TAIL_BLOCKS = 100;
const MEASURED_LOT = "M-0001";
const MEASURED_SERIAL = "M-1";

export interface BuiltHistory {
  size: HistorySize;
  /** The deployment description the indexer reads (written to `deploymentFile`). */
  deployment: AppDeployment;
  deploymentFile: string;
  supplyChain: SupplyChain;
  assets: AssetsSystem;
  /** The measured item (verify page: its timeline). */
  item: DigitalLink;
  itemKey: string;
  /** The measured investor (portfolio). */
  investor: string;
  /** Events emitted by the indexed contracts. */
  events: number;
  /** The chain's head after the build. */
  blocks: number;
  /** Where the measured item's and investor's events are, in blocks (to show they span the chain). */
  spread: { item: number[]; investor: number[] };
  buildSeconds: number;
}

/** Builds one history on a fresh in-process chain (`hardhat_reset` first) and writes its deployment file. */
export async function buildHistory(
  hre: HardhatRuntimeEnvironment,
  size: HistorySize,
  rpcUrl: string,
  outDir: string,
): Promise<BuiltHistory> {
  const started = Date.now();
  const provider = hre.network.provider;
  await provider.send("hardhat_reset", []);
  const startBlock = Number(await provider.send("eth_blockNumber", []));

  // --- the system: the city, the supply chain, the assets with one funded asset ------------------------------
  const { consortium, actors, orgIds } = await formCity(hre);
  const sc = await deploySupplyChain(hre, await consortium.getAddress(), actors.deployer);
  const ceur = await deployPaymentToken(hre, actors.deployer);
  const assets = await deployAssets(hre, consortium, actors.deployer);
  const indexed = new Set<string>(
    [consortium, sc, assets.registry, assets.offering, assets.market].map((c) => String(c.target).toLowerCase()),
  );

  let events = 0;
  const blocksOf = { item: [] as number[], investor: [] as number[] };
  /** Sends, waits, counts the indexed contracts' events; returns the block. */
  const send = async (tx: Promise<ContractTransactionResponse>, mark?: keyof typeof blocksOf): Promise<number> => {
    const receipt = await (await tx).wait();
    if (!receipt) throw new Error("bench:read: a transaction has no receipt");
    events += receipt.logs.filter((l) => indexed.has(l.address.toLowerCase())).length;
    if (mark) blocksOf[mark].push(receipt.blockNumber);
    return receipt.blockNumber;
  };

  const { investor1, investor2, investor3, assetOperator, manufacturer, distributor, pharmacy, hospital, kyc } = actors;
  const ceurAddr = await ceur.getAddress();
  for (const who of [investor1, investor2, investor3]) {
    await (await ceur.mint(who.address, 10_000_000_00n)).wait();
    await (await ceur.connect(who).approve(await assets.offering.getAddress(), 10_000_000_00n)).wait();
  }
  const solar = await registerAsset(hre, assets.registry, assetOperator, {
    kind: "Solar",
    documents: "bench:read solar",
    name: "Bench Read Solar",
    symbol: "BRSOL",
    cap: 100_000_000n,
    paymentTokens: [ceurAddr],
    gridOperatorOrg: orgIds.gridOperator,
  });
  const token: AssetShareToken = solar.token;
  indexed.add(String(token.target).toLowerCase());
  const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
  const start = now + 60n;
  const offeringId = await openOffering(assets.offering, assetOperator, {
    assetId: solar.assetId,
    paymentToken: ceurAddr,
    price: 1_00n,
    softCap: 1_000n,
    hardCap: 1_000_000n,
    start,
    deadline: start + 86_400n,
    minPerInvestor: 1n,
    maxPerInvestor: 500_000n,
  });
  await provider.send("evm_setNextBlockTimestamp", [Number(start)]);
  const far = start + 10n ** 8n;
  await send(assets.offering.connect(investor1).buy(offeringId, 50_000, 1_00n, far), "investor");
  await send(assets.offering.connect(investor2).buy(offeringId, 30_000, 1_00n, far));
  await send(assets.offering.connect(investor3).buy(offeringId, 20_000, 1_00n, far));
  await provider.send("evm_setNextBlockTimestamp", [Number(start + 86_401n)]);
  await send(assets.offering.finalise(offeringId));
  // the populators (test-only helpers, as in the assets bench): one an account of the KYC provider, one of the
  // asset operator (an account belongs to one organisation)
  const populatorFactory = await hre.ethers.getContractFactory("AssetsBenchPopulator", actors.deployer);
  const admitter = (await populatorFactory.deploy()) as unknown as AssetsBenchPopulator;
  const issuer = (await populatorFactory.deploy()) as unknown as AssetsBenchPopulator;
  await Promise.all([admitter.waitForDeployment(), issuer.waitForDeployment()]);
  await send(consortium.connect(kyc).addAccount(await admitter.getAddress()));
  await send(consortium.connect(assetOperator).addAccount(await issuer.getAddress()));
  // everything the setup emitted (some of it sent by the SDK's helpers), counted exactly once
  const setupHead = Number(await provider.send("eth_blockNumber", []));
  events = (
    (await provider.send("eth_getLogs", [
      { fromBlock: "0x0", toBlock: `0x${setupHead.toString(16)}`, address: [...indexed] },
    ])) as unknown[]
  ).length;

  // --- the supply chain: the product and the measured item's lot ----------------------------------------------
  const m = sc.connect(manufacturer);
  await send(m.registerProduct(GTIN, textHash("bench:read product")));
  const expiry = Number(start) + 400 * 86_400;
  let ssccCounter = 0;
  const nextSscc = () => BigInt(makeSscc(`004012345${String(++ssccCounter).padStart(8, "0")}`));
  /** One custody hop documented by real EPCIS 2.0 events: their CBV 2.0 hashes are what the contract anchors. */
  let hops = 0;
  const hop = (what: What, from: number, to: number) => {
    hops++;
    const h = custodyHop({
      what,
      from,
      to,
      owner: from,
      newOwner: to,
      time: DEMO_EPOCH + hops * 3_600,
      purchaseOrder: `urn:epcglobal:cbv:bt:4012345000009:ASN-${hops}`,
    });
    return { shipment: { receiver: to, newOwner: to, ...h.shipment }, receipt: h.receipt };
  };
  /** One pallet move: a new per-item lot of ITEM_BATCH items, packed, shipped, received and unpacked. */
  const palletCycle = async (lot: string, serials: string[], mark?: "item") => {
    const lotNumberHash = textHash(lot);
    await send(
      m.commissionLot({
        gtin: GTIN,
        lotNumberHash,
        expiry,
        origin: textHash("bench:read plant"),
        merkleRoot: `0x${"00".repeat(32)}`,
        itemCount: 0,
        inputLots: [],
      }),
      mark,
    );
    const lotId = lotIdOf(GTIN, lot);
    const hashes = serials.map(textHash);
    await send(m.registerItems(lotId, hashes), mark);
    const sscc = nextSscc();
    await send(m.packItems(sscc, lotId, hashes, [], []), mark);
    const toDc = hop({ sscc }, orgIds.manufacturer, orgIds.distributor);
    await send(m.shipPallet(sscc, toDc.shipment), mark);
    await send(sc.connect(distributor).receivePallet(sscc, toDc.receipt.location, toDc.receipt.epcisHash), mark);
    await send(sc.connect(distributor).unpackItems(sscc, lotId, hashes), mark);
    return { lotId, hashes };
  };
  const serialsOf = (prefix: string) => Array.from({ length: ITEM_BATCH }, (_, i) => `${prefix}-${i + 1}`);
  const measured = await palletCycle(MEASURED_LOT, serialsOf("M"), "item");
  const measuredLotId = measured.lotId;
  const measuredHashes = measured.hashes.slice(0, 10); // the measured item and 9 companions
  const measuredSerial = serialsOf("M")[0];

  // --- bulk: pallet moves, share holders, the investor's transfers, empty blocks between --------------------
  const perCycle = 3 * ITEM_BATCH + 3 + 3 * HOLDER_BATCH;
  const cycles = Math.max(3, Math.ceil((size.events - events) / perCycle));
  const txPerCycle = 9;
  const gap = Math.max(0, Math.floor((size.blocks - cycles * txPerCycle - 100) / cycles));
  const middle = Math.floor(cycles / 2);
  const late = cycles - 1;
  let holders = 0;
  let midPallet = 0n;
  const bar = new SingleBar(
    { format: `  ${size.name}: {bar} {value}/{total} pallet moves | {events} events | block {block}` },
    Presets.shades_classic,
  );
  bar.start(cycles, 0, { events, block: setupHead });
  for (let c = 0; c < cycles; c++) {
    await palletCycle(`B-${c}`, serialsOf(`B${c}`));
    await send(admitter.connect(kyc).admit(await consortium.getAddress(), holders, HOLDER_BATCH));
    await send(issuer.connect(assetOperator).issue(await token.getAddress(), holders, HOLDER_BATCH, 1));
    holders += HOLDER_BATCH;
    // the investor: a transfer out every tenth cycle, one in at the middle (plus the purchase at the start)
    if (c % 10 === 0 || c === late) await send(token.connect(investor1).transfer(investor2.address, 10), "investor");
    if (c === middle) await send(token.connect(investor3).transfer(investor1.address, 25), "investor");
    // the item: repacked by the distributor and shipped to the pharmacy in the middle of the chain …
    if (c === middle) {
      const sscc = nextSscc();
      await send(sc.connect(distributor).packItems(sscc, measuredLotId, measuredHashes, [], []), "item");
      const toPharmacy = hop({ sscc }, orgIds.distributor, orgIds.pharmacy);
      await send(sc.connect(distributor).shipPallet(sscc, toPharmacy.shipment), "item");
      await send(
        sc.connect(pharmacy).receivePallet(sscc, toPharmacy.receipt.location, toPharmacy.receipt.epcisHash),
        "item",
      );
      midPallet = sscc;
    }
    // … and unpacked there and shipped on to the hospital near the end
    if (c === late) {
      await send(sc.connect(pharmacy).unpackItems(midPallet, measuredLotId, measuredHashes), "item");
      const pack = { gtin: GTIN.toString().padStart(14, "0"), serial: measuredSerial };
      const toWard = hop({ items: [pack] }, orgIds.pharmacy, orgIds.hospital);
      await send(sc.connect(pharmacy).shipItem(measuredLotId, measuredHashes[0], [], toWard.shipment), "item");
      await send(
        sc
          .connect(hospital)
          .receiveItem(measuredLotId, measuredHashes[0], true, toWard.receipt.location, toWard.receipt.epcisHash),
        "item",
      );
    }
    if (gap > 0) await provider.send("hardhat_mine", [`0x${gap.toString(16)}`]);
    bar.update(c + 1, { events, block: Number(await provider.send("eth_blockNumber", [])) });
  }
  bar.stop();
  const head = Number(await provider.send("eth_blockNumber", []));
  const rest = size.blocks - head - TAIL_BLOCKS;
  if (rest > 0) await provider.send("hardhat_mine", [`0x${rest.toString(16)}`]);
  // The head of the chain is made of blocks mined one by one: the indexer follows the head from its finalized block
  // on and must not sit inside a range reserved by hardhat_mine.
  for (let i = 0; i < TAIL_BLOCKS; i++) await provider.send("evm_mine", []);
  const blocks = Number(await provider.send("eth_blockNumber", []));

  const { chainId } = await hre.ethers.provider.getNetwork();
  const deployment: AppDeployment = {
    network: "hardhat",
    chainId: chainId.toString(),
    rpcUrl,
    devAccounts: true,
    contracts: {
      consortium: String(consortium.target),
      supplyChain: String(sc.target),
      assetRegistry: String(assets.registry.target),
      assetOffering: String(assets.offering.target),
      assetMarket: String(assets.market.target),
    },
    actors: (Object.entries(actors) as [ActorKey, { address: string }][]).map(([key, s]) => ({
      key,
      label: key,
      address: s.address,
    })),
    facts: {},
    startBlock: String(startBlock),
  };
  fs.mkdirSync(outDir, { recursive: true });
  const deploymentFile = path.join(outDir, `deployment.${size.name}.json`);
  fs.writeFileSync(deploymentFile, JSON.stringify(deployment, null, 2) + "\n");
  const item = { gtin: GTIN.toString().padStart(14, "0"), lot: MEASURED_LOT, serial: MEASURED_SERIAL };
  return {
    size,
    deployment,
    deploymentFile,
    supplyChain: sc,
    assets,
    item,
    itemKey: itemKeyOf(measuredLotId, MEASURED_SERIAL),
    investor: investor1.address,
    events,
    blocks,
    spread: blocksOf,
    buildSeconds: (Date.now() - started) / 1000,
  };
}
