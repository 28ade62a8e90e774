import { getAddress } from "ethers";
import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type {
  AssetMarket,
  AssetOffering,
  AssetRegistry,
  AssetShareToken,
  Consortium,
  SettlementToken,
} from "../typechain-types";
import { documentHash } from "./consortium";
import { deployProxied } from "./deploy/proxy";
import { type HistoryClient, lagNote } from "./history/client";
import type { HistoryEvent } from "./history/types";

/** Asset kinds as in IAssetRegistry.Kind. */
export const ASSET_KIND = { Solar: 0, Vending: 1, AdScreen: 2, Other: 3 } as const;
export type AssetKindName = keyof typeof ASSET_KIND;
export const ASSET_KIND_NAMES = Object.keys(ASSET_KIND) as AssetKindName[];

/** Lifecycle as in IAssetRegistry.Status. */
export const ASSET_STATUS = ["None", "Funding", "Construction", "Operating", "Decommissioned"] as const;
export type AssetStatusName = (typeof ASSET_STATUS)[number];

/** Offering states as in IAssetOffering.State. */
export const OFFERING_STATE = ["None", "Open", "Succeeded", "Failed"] as const;

/** The deployed assets system. */
export interface AssetsSystem {
  registry: AssetRegistry;
  offering: AssetOffering;
  market: AssetMarket;
}

/**
 * Deploys the registry (behind its UUPS proxy), offering and market, the share token implementation and the
 * beacon every asset's token follows (owned by the consortium: one vote upgrades every asset's token), then binds
 * them; only the account that deployed the registry's proxy may bind it.
 */
export async function deployAssets(
  hre: HardhatRuntimeEnvironment,
  consortium: Consortium | string,
  deployer?: Signer,
): Promise<AssetsSystem> {
  const consortiumAddress = typeof consortium === "string" ? consortium : await consortium.getAddress();
  const { contract: registry, proxy: registryAddress } = await deployProxied<AssetRegistry>(
    hre,
    "AssetRegistry",
    [consortiumAddress],
    [],
    deployer,
  );
  const { contract: offering } = await deployProxied<AssetOffering>(
    hre,
    "AssetOffering",
    [consortiumAddress, registryAddress],
    [],
    deployer,
  );
  const { contract: market } = await deployProxied<AssetMarket>(
    hre,
    "AssetMarket",
    [consortiumAddress, registryAddress],
    [],
    deployer,
  );
  const offeringAddress = await offering.getAddress();
  const marketAddress = await market.getAddress();
  const beacon = await deployShareTokenBeacon(
    hre,
    consortiumAddress,
    registryAddress,
    offeringAddress,
    marketAddress,
    deployer,
  );
  await (await registry.initialise(offeringAddress, marketAddress, beacon)).wait();
  return { registry, offering, market };
}

/**
 * Deploys the share token implementation (wired to the registry, offering and market) and the `UpgradeableBeacon`
 * pointing at it, owned by the consortium; returns the beacon's address.
 */
export async function deployShareTokenBeacon(
  hre: HardhatRuntimeEnvironment,
  consortium: string,
  registry: string,
  offering: string,
  market: string,
  deployer?: Signer,
): Promise<string> {
  const implementation = await (
    await hre.ethers.getContractFactory("AssetShareToken", deployer)
  ).deploy(consortium, registry, offering, market);
  await implementation.waitForDeployment();
  const beacon = await (
    await hre.ethers.getContractFactory("UpgradeableBeacon", deployer)
  ).deploy(await implementation.getAddress(), consortium);
  await beacon.waitForDeployment();
  return beacon.getAddress();
}

/** Binds the SDK to deployed addresses. */
export async function assetsAt(
  hre: HardhatRuntimeEnvironment,
  addresses: { registry: string; offering?: string; market?: string },
): Promise<AssetsSystem> {
  const registry = (await hre.ethers.getContractAt("AssetRegistry", addresses.registry)) as unknown as AssetRegistry;
  const offering = (await hre.ethers.getContractAt(
    "AssetOffering",
    addresses.offering ?? (await registry.offering()),
  )) as unknown as AssetOffering;
  const market = (await hre.ethers.getContractAt(
    "AssetMarket",
    addresses.market ?? (await registry.market()),
  )) as unknown as AssetMarket;
  return { registry, offering, market };
}

/** What an operator registers. */
export interface AssetSpec {
  kind: AssetKindName;
  /** Off-chain documents (location, capacity, permits); the chain keeps their hash. */
  documents: string;
  name: string;
  symbol: string;
  cap: bigint | number;
  paymentTokens: string[];
  devices?: string[];
  /** The GRID_OPERATOR organisation that pays the asset's revenue (only it and the operator may deposit). */
  gridOperatorOrg?: number;
}

/** The share token of an asset. */
export async function shareToken(
  hre: HardhatRuntimeEnvironment,
  registry: AssetRegistry,
  assetId: bigint | number,
): Promise<AssetShareToken> {
  const a = await registry.asset(assetId);
  return (await hre.ethers.getContractAt("AssetShareToken", a.shareToken)) as unknown as AssetShareToken;
}

/** Registers an asset and returns its id and share token. */
export async function registerAsset(
  hre: HardhatRuntimeEnvironment,
  registry: AssetRegistry,
  operator: Signer,
  spec: AssetSpec,
): Promise<{ assetId: bigint; token: AssetShareToken }> {
  const receipt = await (
    await registry.connect(operator).register({
      kind: ASSET_KIND[spec.kind],
      metadataHash: documentHash(spec.documents),
      name: spec.name,
      symbol: spec.symbol,
      cap: spec.cap,
      paymentTokens: spec.paymentTokens,
      devices: spec.devices ?? [],
      gridOperatorOrg: spec.gridOperatorOrg ?? 0,
    })
  ).wait();
  for (const log of receipt?.logs ?? []) {
    const parsed = registry.interface.parseLog(log);
    if (parsed?.name === "AssetRegistered") {
      const assetId = parsed.args.assetId as bigint;
      return { assetId, token: await shareToken(hre, registry, assetId) };
    }
  }
  throw new Error("transaction did not register an asset");
}

/** Terms of a sale as the SDK takes them (times in seconds since the epoch). */
export interface OfferingTerms {
  assetId: bigint | number;
  paymentToken: string;
  price: bigint | number;
  softCap: bigint | number;
  hardCap: bigint | number;
  start: bigint | number;
  deadline: bigint | number;
  minPerInvestor?: bigint | number;
  maxPerInvestor?: bigint | number;
  /** Construction organisation paid in milestones (with `cosignerOrg` and `milestoneBps`). */
  beneficiaryOrg?: number;
  cosignerOrg?: number;
  milestoneBps?: number[];
}

/** Opens a sale; returns the offering id. */
export async function openOffering(offering: AssetOffering, initiator: Signer, terms: OfferingTerms): Promise<bigint> {
  const receipt = await (
    await offering.connect(initiator).open({
      assetId: terms.assetId,
      paymentToken: terms.paymentToken,
      price: terms.price,
      softCap: terms.softCap,
      hardCap: terms.hardCap,
      start: terms.start,
      deadline: terms.deadline,
      minPerInvestor: terms.minPerInvestor ?? 1,
      maxPerInvestor: terms.maxPerInvestor ?? terms.hardCap,
      beneficiaryOrg: terms.beneficiaryOrg ?? 0,
      cosignerOrg: terms.cosignerOrg ?? 0,
      milestoneBps: terms.milestoneBps ?? [],
    })
  ).wait();
  for (const log of receipt?.logs ?? []) {
    const parsed = offering.interface.parseLog(log);
    if (parsed?.name === "OfferingOpened") return parsed.args.offeringId as bigint;
  }
  throw new Error("transaction did not open an offering");
}

async function paymentTokenAt(hre: HardhatRuntimeEnvironment, address: string): Promise<SettlementToken> {
  return (await hre.ethers.getContractAt("SettlementToken", address)) as unknown as SettlementToken;
}

/** Approves the exact cost and buys shares at the current price (maxPrice = that price, 10-minute deadline). */
export async function buyShares(
  hre: HardhatRuntimeEnvironment,
  offering: AssetOffering,
  buyer: Signer,
  offeringId: bigint | number,
  shares: bigint | number,
  options: { maxPrice?: bigint; txDeadline?: bigint } = {},
): Promise<bigint> {
  const o = await offering.offering(offeringId);
  const cost = o.price * BigInt(shares);
  const pay = await paymentTokenAt(hre, o.paymentToken);
  await (await pay.connect(buyer).approve(await offering.getAddress(), cost)).wait();
  const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
  await (
    await offering.connect(buyer).buy(offeringId, shares, options.maxPrice ?? o.price, options.txDeadline ?? now + 600n)
  ).wait();
  return cost;
}

/** Approves and deposits revenue for an asset's holders. */
export async function depositRevenue(
  hre: HardhatRuntimeEnvironment,
  token: AssetShareToken,
  depositor: Signer,
  paymentToken: string,
  amount: bigint,
  meteredKWh: bigint | number,
  invoice: string,
): Promise<void> {
  const pay = await paymentTokenAt(hre, paymentToken);
  await (await pay.connect(depositor).approve(await token.getAddress(), amount)).wait();
  await (await token.connect(depositor).deposit(paymentToken, amount, meteredKWh, documentHash(invoice))).wait();
}

/** One holding in a portfolio. */
export interface Holding {
  assetId: bigint;
  kind: AssetKindName;
  status: AssetStatusName;
  symbol: string;
  token: string;
  balance: bigint;
  unlocked: bigint;
  listed: bigint;
  supply: bigint;
  claimable: { paymentToken: string; amount: bigint }[];
}

/** One line of an investor's history, from events. */
export interface HistoryEntry {
  block: number;
  assetId: bigint;
  what: string;
  detail: string;
}

/**
 * An investor's holdings and claimable revenue per payment token now (the share tokens' views), and what happened
 * (transfers, purchases, refunds, claims, market fills) from the indexer. The assets considered are those the
 * investor ever held: the indexer knows them without a scan of every asset.
 */
export async function portfolio(
  hre: HardhatRuntimeEnvironment,
  system: AssetsSystem,
  investor: string,
  history: HistoryClient,
): Promise<{ holdings: Holding[]; history: HistoryEntry[]; lag?: string }> {
  const me = investor.toLowerCase();
  const [past, offerings, listings, assets] = await Promise.all([
    history.portfolio(investor),
    history.offerings(),
    history.listings(),
    history.assets(),
  ]);
  const assetOfToken = new Map(assets.data.map((a) => [a.shareToken.toLowerCase(), BigInt(a.assetId)]));
  const assetOfOffering = new Map(offerings.data.map((o) => [o.offeringId, BigInt(o.assetId)]));
  const assetOfListing = new Map(listings.data.map((l) => [l.listingId, BigInt(l.assetId)]));
  const p = past.data;
  const involved = new Set<bigint>();
  for (const h of p.holdings) involved.add(BigInt(h.assetId));
  for (const e of [...p.transfers, ...p.claims]) {
    const id = assetOfToken.get(e.contract.toLowerCase());
    if (id !== undefined) involved.add(id);
  }
  const holdings: Holding[] = [];
  for (const id of [...involved].sort((x, y) => (x < y ? -1 : 1))) {
    const a = await system.registry.asset(id);
    const token = await shareToken(hre, system.registry, id);
    const balance = await token.balanceOf(investor);
    const claimable = [];
    for (const pt of await token.paymentTokens()) {
      claimable.push({ paymentToken: pt, amount: await token.claimableOf(investor, pt) });
    }
    if (balance === 0n && !claimable.some((c) => c.amount > 0n)) continue;
    const [listed] = await token.locksOf(investor);
    holdings.push({
      assetId: id,
      kind: ASSET_KIND_NAMES[Number(a.kind)],
      status: ASSET_STATUS[Number(a.status)],
      symbol: await token.symbol(),
      token: a.shareToken,
      balance,
      unlocked: await token.unlockedBalanceOf(investor),
      listed,
      supply: await token.totalSupply(),
      claimable,
    });
  }
  const out: (HistoryEntry & { index: number })[] = [];
  const push = (e: HistoryEvent, assetId: bigint, what: string, detail: string) =>
    out.push({ block: Number(e.blockNumber), index: e.logIndex, assetId, what, detail });
  const arg = (e: HistoryEvent, name: string) => String(e.args[name]);
  for (const e of p.transfers) {
    const id = assetOfToken.get(e.contract.toLowerCase()) ?? 0n;
    if (arg(e, "from").toLowerCase() === me)
      push(e, id, "shares out", `${arg(e, "value")} → ${getAddress(arg(e, "to"))}`);
    if (arg(e, "to").toLowerCase() === me)
      push(e, id, "shares in", `${arg(e, "value")} ← ${getAddress(arg(e, "from"))}`);
  }
  for (const e of p.claims) {
    const id = assetOfToken.get(e.contract.toLowerCase()) ?? 0n;
    push(e, id, "revenue claimed", `${arg(e, "amount")} of ${getAddress(arg(e, "paymentToken"))}`);
  }
  for (const e of p.purchases) {
    const id = assetOfOffering.get(arg(e, "offeringId")) ?? 0n;
    push(
      e,
      id,
      "bought in offering",
      `${arg(e, "shares")} shares for ${arg(e, "paid")} (offering ${arg(e, "offeringId")})`,
    );
  }
  for (const e of p.refunds) {
    const id = assetOfOffering.get(arg(e, "offeringId")) ?? 0n;
    push(e, id, "refunded", `${arg(e, "amount")} back (offering ${arg(e, "offeringId")})`);
  }
  for (const e of p.fills) {
    const id = assetOfListing.get(arg(e, "listingId")) ?? 0n;
    const listing = arg(e, "listingId");
    if (arg(e, "buyer").toLowerCase() === me) {
      push(e, id, "bought on market", `${arg(e, "amount")} shares for ${arg(e, "paid")} (listing ${listing})`);
    }
    if (arg(e, "seller").toLowerCase() === me) {
      const net = BigInt(arg(e, "paid")) - BigInt(arg(e, "fee"));
      push(e, id, "sold on market", `${arg(e, "amount")} shares for ${net} net (listing ${listing})`);
    }
  }
  out.sort((x, y) => x.block - y.block || x.index - y.index);
  return { holdings, history: out.map(({ index: _index, ...h }) => h), lag: lagNote(past) };
}
