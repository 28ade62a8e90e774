import { cliHistory } from "../src/history/endpoint";
import fs from "node:fs";
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { AssetPPA } from "../typechain-types";
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
import { MeterSimulator, type PpaTerms, ppaDomain, ppaTermsHash, settleBatch, solarDay } from "../src/ppa";
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
    const { holdings, history, lag } = await portfolio(hre, s, investor, await cliHistory(hre));
    if (lag) console.log(`history ${lag}`);
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

// ---------------------------------------------------------------- metered revenue (issue 20)

async function ppaAt(hre: HardhatRuntimeEnvironment, explicit?: string): Promise<AssetPPA> {
  const address = await resolveAddress(hre, "AssetPPA", explicit);
  return (await hre.ethers.getContractAt("AssetPPA", address)) as unknown as AssetPPA;
}

task("assets:ppa", "Proposes or accepts a solar PPA (the asset's operator and its grid operator, one each)")
  .addParam("from", "Party: an actor key (assetOperator, gridOperator), an address or a signer index")
  .addParam("action", "propose | accept")
  .addParam("asset", "Asset id")
  .addParam("meter", "POWER_METER device address bound to the asset")
  .addParam("paymentToken", "ERC-20 the grid pays in")
  .addParam("payer", "Grid operator account whose allowance is pulled")
  .addParam("gridOrg", "GRID_OPERATOR organisation id")
  .addParam("propertyOrg", "Organisation receiving the rooftop rent (0: none)")
  .addParam("capacityW", "Plant capacity in W")
  .addParam("tariff", "Payment-token units per kWh")
  .addOptionalParam("rentBps", "Rent as basis points of value", "0")
  .addOptionalParam("rentPerKwh", "Rent in payment-token units per kWh", "0")
  .addOptionalParam("omBps", "O&M fee as basis points of value", "0")
  .addOptionalParam("period", "Longest span of one settlement (seconds)", "86400")
  .addOptionalParam("opening", "Opening register of the meter (Wh)", "0")
  .addOptionalParam("ppa", "AssetPPA address (default: the Ignition deployment)")
  .setAction(async (args: Record<string, string | undefined>, hre) => {
    if (args.action !== "propose" && args.action !== "accept") throw new Error("--action must be propose or accept");
    for (const k of ["meter", "paymentToken", "payer"]) {
      if (!hre.ethers.isAddress(args[k])) throw new Error(`--${k} is not an address`);
    }
    const n = (flag: string, v?: string) => uint(flag).parse(v ?? "");
    const terms: PpaTerms = {
      meter: args.meter!,
      paymentToken: args.paymentToken!,
      payer: args.payer!,
      gridOrg: n("grid-org", args.gridOrg),
      propertyOrg: n("property-org", args.propertyOrg),
      period: n("period", args.period),
      capacityW: n("capacity-w", args.capacityW),
      tariff: n("tariff", args.tariff),
      rentPerKWh: n("rent-per-kwh", args.rentPerKwh),
      rentBps: n("rent-bps", args.rentBps),
      omBps: n("om-bps", args.omBps),
      openingRegister: n("opening", args.opening),
    };
    const ppa = (await ppaAt(hre, args.ppa)).connect(await resolveSigner(hre, args.from!));
    const assetId = n("asset", args.asset);
    await (args.action === "propose" ? await ppa.propose(assetId, terms) : await ppa.accept(assetId, terms)).wait();
    console.log(`PPA of asset ${assetId}: ${args.action}ed terms ${ppaTermsHash(terms)}`);
  });

task("assets:meter", "Simulates a solar meter's day (96 quarter-hour readings), signs it and relays it to settle")
  .addParam("asset", "Asset id")
  .addParam("key", "The meter's private key (the device key registered in the IoT registry)")
  .addParam("capacityW", "Plant capacity in W (shape of the curve)")
  .addParam("start", "Unix time of the first reading")
  .addOptionalParam("from", "Relayer: an actor key, an address or a signer index", "0")
  .addOptionalParam("dayOfYear", "Day of the year (day length)", "172", types.string)
  .addOptionalParam("seed", "Cloud seed", "1", types.string)
  .addOptionalParam("out", "Write the signed batch to this JSON file instead of relaying it")
  .addOptionalParam("ppa", "AssetPPA address (default: the Ignition deployment)")
  .setAction(async (args: Record<string, string | undefined>, hre) => {
    const ppa = await ppaAt(hre, args.ppa);
    const { chainId } = await hre.ethers.provider.getNetwork();
    const wallet = new hre.ethers.Wallet(args.key!);
    const assetId = uint("asset").parse(args.asset ?? "");
    const account = await ppa.account(assetId);
    const meter = new MeterSimulator(
      wallet,
      ppaDomain(chainId, await ppa.getAddress()),
      account.register,
      account.sequence + 1n,
    );
    const day = solarDay({
      capacityW: Number(uint("capacity-w").parse(args.capacityW ?? "")),
      dayOfYear: Number(args.dayOfYear),
      seed: Number(args.seed),
    });
    const signed = await meter.sign(assetId, Number(uint("start").parse(args.start ?? "")), day);
    if (args.out) {
      fs.writeFileSync(
        args.out,
        JSON.stringify(signed, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2),
      );
      console.log(`signed batch ${signed.batch.sequence} (${signed.total} Wh) written to ${args.out}`);
      return;
    }
    const w = await settleBatch(ppa, await resolveSigner(hre, args.from!), signed);
    printTable(
      ["energy Wh", "value", "paid", "rent", "O&M", "investors", "dust", "arrears", "held"],
      [[w.energyWh, w.value, w.paid, w.rent, w.om, w.investors, w.dust, w.arrears, w.held ? "yes" : "no"]],
      `Asset ${assetId}: day settled by meter ${short(wallet.address)}`,
    );
  });

task("assets:settle", "Settles a signed meter batch file (anyone), or pulls arrears from the grid's allowance")
  .addParam("asset", "Asset id")
  .addOptionalParam("file", "Signed batch JSON written by assets:meter --out (without it: collect arrears)")
  .addOptionalParam("from", "Keeper: an actor key, an address or a signer index", "0")
  .addOptionalParam("ppa", "AssetPPA address (default: the Ignition deployment)")
  .setAction(async (args: { asset: string; file?: string; from: string; ppa?: string }, hre) => {
    const ppa = await ppaAt(hre, args.ppa);
    const keeper = await resolveSigner(hre, args.from);
    const assetId = uint("asset").parse(args.asset);
    if (!args.file) {
      await (await ppa.connect(keeper).collect(assetId)).wait();
      console.log(`asset ${assetId}: arrears collected; now owed ${await ppa.arrears(assetId)}`);
      return;
    }
    const signed = SignedBatchFile.parse(JSON.parse(fs.readFileSync(args.file, "utf8")));
    const w = await settleBatch(ppa, keeper, signed);
    console.log(
      `asset ${assetId}: ${w.held ? "held for review" : "settled"} ${w.energyWh} Wh, value ${w.value}, paid ${w.paid}, arrears ${w.arrears}`,
    );
  });

task("assets:arrears", "What the grid owes an asset, the register, dust and the organisations' credits")
  .addParam("asset", "Asset id")
  .addOptionalParam("orgs", "Comma-separated organisation ids whose credit to show")
  .addOptionalParam("ppa", "AssetPPA address (default: the Ignition deployment)")
  .setAction(async (args: { asset: string; orgs?: string; ppa?: string }, hre) => {
    const ppa = await ppaAt(hre, args.ppa);
    const assetId = uint("asset").parse(args.asset);
    const t = await ppa.terms(assetId);
    const a = await ppa.account(assetId);
    const rows: (string | bigint | number)[][] = [
      ["register (Wh)", a.register],
      ["settlements", a.settlements],
      ["arrears: rent", a.rentOwed],
      ["arrears: O&M", a.omOwed],
      ["arrears: investors", a.investorsOwed],
      ["arrears total", await ppa.arrears(assetId)],
      ["dust carried", a.dust],
    ];
    for (const org of list(args.orgs))
      rows.push([`credit of org ${org}`, await ppa.credit(t.paymentToken, Number(org))]);
    printTable(["", "value"], rows, `Asset ${assetId}: PPA account`);
  });

const SignedBatchFile = z.object({
  batch: z.object({
    device: z.string().refine((v) => /^0x[0-9a-fA-F]{40}$/.test(v), "batch.device must be an address"),
    assetId: z.string().regex(/^\d+$/, "batch.assetId must be an integer"),
    sequence: z.string().regex(/^\d+$/, "batch.sequence must be an integer"),
    startTime: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
    interval: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
    registers: z.string().regex(/^0x([0-9a-fA-F]{16})+$/, "batch.registers must be packed uint64 words"),
  }),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "signature must be 65 bytes"),
});
