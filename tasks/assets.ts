import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { z } from "zod";
import {
  ASSET_KIND,
  AssetKindName,
  AssetsSystem,
  assetsAt,
  buyShares,
  depositRevenue,
  openOffering,
  portfolio,
  registerAsset,
  shareToken,
} from "../src/assets";
import { resolveAddress, resolveSigner } from "../src/deployments";
import { printTable, short } from "../src/table";

async function system(hre: HardhatRuntimeEnvironment, registry?: string): Promise<AssetsSystem> {
  return assetsAt(hre, { registry: await resolveAddress(hre, "AssetRegistry", registry) });
}

const uint = (flag: string) =>
  z
    .string()
    .regex(/^\d+$/, `--${flag} must be a non-negative integer`)
    .transform((v) => BigInt(v));
const list = (v?: string) =>
  v
    ? v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

task("assets:register", "Registers an asset (ASSET_OPERATOR) and deploys its share token")
  .addParam("from", "Operator: an actor key (assetOperator), an address or a signer index")
  .addParam("kind", "Solar | Vending | AdScreen | Other")
  .addParam("documents", "Off-chain documents (location, capacity, permits); the chain keeps their hash")
  .addParam("name", "Share token name")
  .addParam("symbol", "Share token symbol")
  .addParam("cap", "Maximum number of shares")
  .addParam("paymentTokens", "Comma-separated ERC-20 addresses accepted for revenue")
  .addOptionalParam("devices", "Comma-separated metering device addresses (IoT registry)")
  .addOptionalParam("gridOperator", "Organisation id of the GRID_OPERATOR that pays the revenue (default: none)")
  .addOptionalParam("registry", "AssetRegistry address (default: the Ignition deployment)")
  .setAction(
    async (
      args: {
        from: string;
        kind: string;
        documents: string;
        name: string;
        symbol: string;
        cap: string;
        paymentTokens: string;
        devices?: string;
        gridOperator?: string;
        registry?: string;
      },
      hre,
    ) => {
      if (!(args.kind in ASSET_KIND)) throw new Error(`--kind must be one of ${Object.keys(ASSET_KIND).join(", ")}`);
      const cap = uint("cap").parse(args.cap);
      const tokens = list(args.paymentTokens);
      const devices = list(args.devices);
      for (const a of [...tokens, ...devices]) if (!hre.ethers.isAddress(a)) throw new Error(`${a} is not an address`);
      const s = await system(hre, args.registry);
      const { assetId, token } = await registerAsset(hre, s.registry, await resolveSigner(hre, args.from), {
        kind: args.kind as AssetKindName,
        documents: args.documents,
        name: args.name,
        symbol: args.symbol,
        cap,
        paymentTokens: tokens,
        devices,
        gridOperatorOrg: args.gridOperator === undefined ? 0 : Number(uint("grid-operator").parse(args.gridOperator)),
      });
      console.log(`asset ${assetId} registered (${args.kind}); share token ${await token.getAddress()}`);
    },
  );

task("assets:offer", "Opens a sale of an asset's shares (its operator)")
  .addParam("from", "Initiator: an actor key, an address or a signer index")
  .addParam("asset", "Asset id", undefined, types.int)
  .addParam("paymentToken", "ERC-20 the investors pay in")
  .addParam("price", "Price per share in payment token units")
  .addParam("softCap", "Shares to sell for success")
  .addParam("hardCap", "Most shares sold")
  .addOptionalParam("startIn", "Seconds from now until the start", "60")
  .addOptionalParam("duration", "Seconds the sale runs", String(14 * 86_400))
  .addOptionalParam("min", "Minimum shares per investor", "1")
  .addOptionalParam("max", "Maximum shares per investor (default: hard cap)")
  .addOptionalParam("beneficiary", "Construction organisation id paid in milestones")
  .addOptionalParam("cosigner", "Organisation id that co-approves milestones")
  .addOptionalParam("milestones", "Comma-separated basis points summing to 10000, e.g. 3000,3000,4000")
  .addOptionalParam("registry", "AssetRegistry address")
  .setAction(
    async (
      args: {
        from: string;
        asset: number;
        paymentToken: string;
        price: string;
        softCap: string;
        hardCap: string;
        startIn: string;
        duration: string;
        min: string;
        max?: string;
        beneficiary?: string;
        cosigner?: string;
        milestones?: string;
        registry?: string;
      },
      hre,
    ) => {
      if (!hre.ethers.isAddress(args.paymentToken))
        throw new Error(`--payment-token ${args.paymentToken} is not an address`);
      const s = await system(hre, args.registry);
      const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
      const start = now + uint("start-in").parse(args.startIn);
      const hardCap = uint("hard-cap").parse(args.hardCap);
      const id = await openOffering(s.offering, await resolveSigner(hre, args.from), {
        assetId: args.asset,
        paymentToken: args.paymentToken,
        price: uint("price").parse(args.price),
        softCap: uint("soft-cap").parse(args.softCap),
        hardCap,
        start,
        deadline: start + uint("duration").parse(args.duration),
        minPerInvestor: uint("min").parse(args.min),
        maxPerInvestor: args.max ? uint("max").parse(args.max) : hardCap,
        beneficiaryOrg: args.beneficiary ? Number(uint("beneficiary").parse(args.beneficiary)) : 0,
        cosignerOrg: args.cosigner ? Number(uint("cosigner").parse(args.cosigner)) : 0,
        milestoneBps: list(args.milestones).map((m) => Number(uint("milestones").parse(m))),
      });
      console.log(
        `offering ${id} opened for asset ${args.asset}; starts ${new Date(Number(start) * 1000).toISOString()}`,
      );
    },
  );

task("assets:buy", "Buys shares in an offering (KYC'd investor); approves the exact cost")
  .addParam("from", "Buyer: an actor key, an address or a signer index")
  .addParam("offering", "Offering id", undefined, types.int)
  .addParam("shares", "Number of shares")
  .addOptionalParam("maxPrice", "Highest price per share accepted (default: the current price)")
  .addOptionalParam("registry", "AssetRegistry address")
  .setAction(
    async (args: { from: string; offering: number; shares: string; maxPrice?: string; registry?: string }, hre) => {
      const s = await system(hre, args.registry);
      const cost = await buyShares(
        hre,
        s.offering,
        await resolveSigner(hre, args.from),
        args.offering,
        uint("shares").parse(args.shares),
        {
          maxPrice: args.maxPrice ? uint("max-price").parse(args.maxPrice) : undefined,
        },
      );
      console.log(`bought ${args.shares} shares in offering ${args.offering} for ${cost}`);
    },
  );

task("assets:deposit", "Deposits revenue for an asset's holders (its operator or a GRID_OPERATOR)")
  .addParam("from", "Depositor: an actor key, an address or a signer index")
  .addParam("asset", "Asset id", undefined, types.int)
  .addParam("paymentToken", "Accepted ERC-20")
  .addParam("amount", "Amount in payment token units")
  .addOptionalParam("kwh", "Metered kWh the payment is for", "0")
  .addParam("invoice", "Invoice or sales report reference (hashed on chain)")
  .addOptionalParam("registry", "AssetRegistry address")
  .setAction(
    async (
      args: {
        from: string;
        asset: number;
        paymentToken: string;
        amount: string;
        kwh: string;
        invoice: string;
        registry?: string;
      },
      hre,
    ) => {
      const s = await system(hre, args.registry);
      const token = await shareToken(hre, s.registry, args.asset);
      await depositRevenue(
        hre,
        token,
        await resolveSigner(hre, args.from),
        args.paymentToken,
        uint("amount").parse(args.amount),
        uint("kwh").parse(args.kwh),
        args.invoice,
      );
      console.log(
        `deposited ${args.amount} for the holders of asset ${args.asset} (${await token.totalSupply()} shares)`,
      );
    },
  );

task("assets:claim", "Claims the caller's revenue of an asset (every payment token with something to claim)")
  .addParam("from", "Holder: an actor key, an address or a signer index")
  .addParam("asset", "Asset id", undefined, types.int)
  .addOptionalParam("registry", "AssetRegistry address")
  .setAction(async (args: { from: string; asset: number; registry?: string }, hre) => {
    const s = await system(hre, args.registry);
    const token = await shareToken(hre, s.registry, args.asset);
    const holder = await resolveSigner(hre, args.from);
    const rows: string[][] = [];
    for (const pt of await token.paymentTokens()) {
      const amount = await token.claimableOf(holder.address, pt);
      if (amount === 0n) continue;
      await (await token.connect(holder).claim(pt)).wait();
      rows.push([pt, amount.toString()]);
    }
    if (rows.length === 0) console.log("nothing to claim");
    else printTable(["payment token", "claimed"], rows, `Revenue of asset ${args.asset} claimed by ${holder.address}`);
  });

task("assets:portfolio", "An investor's holdings, claimable revenue per payment token and history")
  .addPositionalParam("investor", "An actor key (investor1, …) or an address")
  .addOptionalParam("registry", "AssetRegistry address")
  .setAction(async (args: { investor: string; registry?: string }, hre) => {
    const s = await system(hre, args.registry);
    const investor = hre.ethers.isAddress(args.investor)
      ? args.investor
      : (await resolveSigner(hre, args.investor)).address;
    const { holdings, history } = await portfolio(hre, s, investor);
    printTable(
      ["asset", "kind", "status", "token", "shares", "of supply", "unlocked", "listed", "claimable"],
      holdings.map((h) => [
        h.assetId,
        h.kind,
        h.status,
        h.symbol,
        h.balance,
        h.supply === 0n ? "-" : `${((Number(h.balance) * 100) / Number(h.supply)).toFixed(2)} %`,
        h.unlocked,
        h.listed,
        h.claimable.map((c) => `${c.amount} @ ${short(c.paymentToken)}`).join("\n"),
      ]),
      `Portfolio of ${investor}`,
    );
    printTable(
      ["block", "asset", "what", "detail"],
      history.map((e) => [e.block, e.assetId, e.what, e.detail]),
      "History",
    );
  });
