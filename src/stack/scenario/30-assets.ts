import type { SettlementToken } from "../../../typechain-types";
import {
  AssetSpec,
  AssetsSystem,
  buyShares,
  deployAssets,
  depositRevenue,
  openOffering,
  registerAsset,
} from "../../assets";
import { DemoChapter, requireCity, say } from "../../demo/context";
import { deployPaymentToken } from "../../medical";

/** The assets the app shows, with the off-chain documents whose hash the registry keeps. */
export const APP_ASSETS: Record<"solar" | "vending" | "screens", Omit<AssetSpec, "paymentTokens">> = {
  solar: {
    kind: "Solar",
    documents: "Riverside school rooftop PV, 250 kWp, grid connection permit 2026-118",
    name: "Riverside Solar Shares",
    symbol: "RSOL",
    cap: 10_000,
  },
  vending: {
    kind: "Vending",
    documents: "Metro station vending fleet, 40 machines, concession 2026-07",
    name: "Metro Vending Shares",
    symbol: "MVEN",
    cap: 5_000,
  },
  screens: {
    kind: "AdScreen",
    documents: "Harbour Mall multimedia ad screens, 12 x 86-inch, lease 2026-22",
    name: "Harbour Screens Shares",
    symbol: "HSCR",
    cap: 8_000,
  },
};

const DAY = 86_400;

/**
 * The investor states the web app shows and the browser tests use: a solar plant funded to its hard cap that
 * earns weekly grid revenue in two payment tokens (claimable, part already claimed, some shares listed on the
 * market), a vending fleet whose sale failed (refund due), and an ad-screen sale open for buyers.
 */
export const chapter: DemoChapter = {
  title: "Web app: assets, offerings, revenue and the market",
  async run(ctx) {
    const { hre, actors } = ctx;
    const city = requireCity(ctx);
    // One settlement currency for the whole story: the demo's cEUR (issued here only when the seed runs alone), and
    // USD Coin, a second payment token the app's assets also accept.
    let ceur = ctx.system.settlementToken as SettlementToken | undefined;
    if (!ceur) {
      ceur = await deployPaymentToken(hre, actors.deployer);
      ctx.system.settlementToken = ceur;
    }
    let usdc = ctx.system.usdc as SettlementToken | undefined;
    if (!usdc) {
      usdc = (await hre.ethers.deployContract(
        "SettlementToken",
        ["USD Coin", "USDC", 6, actors.deployer.address],
        actors.deployer,
      )) as unknown as SettlementToken;
      await usdc.waitForDeployment();
      ctx.system.usdc = usdc;
    }
    const payers = [actors.investor1, actors.investor2, actors.investor3, actors.gridOperator, actors.assetOperator];
    for (const [token, amount] of [
      [ceur, 1_000_000_00n],
      [usdc, 1_000_000_000000n],
    ] as const) {
      // the token's issuer (the settlement bank) funds the participants
      const bank = await hre.ethers.getSigner(await token.owner());
      for (const who of payers) await (await token.connect(bank).mint(who.address, amount)).wait();
    }
    // The demo's assets chapter leaves its system in `assets`: both stories share one registry.
    let system = ctx.system.assets as AssetsSystem | undefined;
    if (!system) {
      system = await deployAssets(hre, city.consortium, actors.deployer);
      ctx.system.assets = system;
    }
    const tokens = [await ceur.getAddress(), await usdc.getAddress()];
    const ids: Record<string, bigint> = {};
    const shares: Record<string, Awaited<ReturnType<typeof registerAsset>>["token"]> = {};
    for (const [key, spec] of Object.entries(APP_ASSETS)) {
      const { assetId, token } = await registerAsset(hre, system.registry, actors.assetOperator, {
        ...spec,
        paymentTokens: tokens,
        gridOperatorOrg: city.orgIds.gridOperator,
      });
      ids[key] = assetId;
      shares[key] = token;
    }
    const now = async () => BigInt(await ctx.clock.now());
    const advance = async (seconds: number) => ctx.clock.until((await ctx.clock.now()) + seconds);
    const operator = actors.assetOperator;
    /** The next block's time, fixed so that a sale can start in the very block that opens it. */
    const nextBlockAt = async () => {
      const at = (await now()) + 10n;
      await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(at)]);
      return at;
    };

    // The solar plant: sold out to three investors, built, then paid weekly by the grid.
    let t = await nextBlockAt();
    const solarSale = await openOffering(system.offering, operator, {
      assetId: ids.solar,
      paymentToken: tokens[0],
      price: 10_00n,
      softCap: 1_500,
      hardCap: 3_000,
      start: t,
      deadline: t + 14n * BigInt(DAY),
    });
    await buyShares(hre, system.offering, actors.investor1, solarSale, 1_500);
    await buyShares(hre, system.offering, actors.investor2, solarSale, 1_000);
    await buyShares(hre, system.offering, actors.investor3, solarSale, 500);
    await (await system.offering.connect(operator).finalise(solarSale)).wait();
    await (await system.registry.connect(operator).setStatus(ids.solar, 3)).wait();
    say(`Riverside Solar: 3,000 shares sold at 10.00 cEUR to three investors; the plant is operating`);

    // The vending fleet: a sale that misses its goal.
    t = await nextBlockAt();
    const vendingSale = await openOffering(system.offering, operator, {
      assetId: ids.vending,
      paymentToken: tokens[0],
      price: 5_00n,
      softCap: 2_000,
      hardCap: 4_000,
      start: t,
      deadline: t + 3n * BigInt(DAY),
    });
    await buyShares(hre, system.offering, actors.investor2, vendingSale, 300);

    // Eight weeks of metered generation paid by the grid (cEUR), and two vending-style USDC payments.
    for (let week = 1; week <= 8; week++) {
      await advance(7 * DAY);
      const kwh = 4_000 + ((week * 937) % 2_500);
      await depositRevenue(
        hre,
        shares.solar,
        actors.gridOperator,
        tokens[0],
        BigInt(kwh) * 32n,
        kwh,
        `invoice RSOL-W${week}`,
      );
      if (week % 4 === 0) {
        await depositRevenue(
          hre,
          shares.solar,
          operator,
          tokens[1],
          1_250_000000n,
          0,
          `green certificates Q${week / 4}`,
        );
      }
      if (week === 1) await (await system.offering.connect(operator).finalise(vendingSale)).wait();
      if (week === 4) await (await shares.solar.connect(actors.investor1).claim(tokens[0])).wait();
    }
    say(`8 weekly grid payments deposited; the vending sale failed (refund due to investor 2)`);

    // investor 1 lists 200 solar shares on the market.
    t = await now();
    await (
      await system.market.connect(actors.investor1).list(ids.solar, 200, tokens[0], 12_00n, t + 30n * BigInt(DAY))
    ).wait();

    // The ad screens: a sale open now, for the investors' page and tests.
    t = await nextBlockAt();
    const screensSale = await openOffering(system.offering, operator, {
      assetId: ids.screens,
      paymentToken: tokens[0],
      price: 2_50n,
      softCap: 1_000,
      hardCap: 8_000,
      start: t,
      deadline: t + 30n * BigInt(DAY),
      maxPerInvestor: 2_000,
    });
    await buyShares(hre, system.offering, actors.investor1, screensSale, 400);
    say(`Harbour Screens: sale ${screensSale} open (2.50 cEUR per share, goal 1,000, cap 8,000)`);

    ctx.system.appAssets = Object.fromEntries(
      Object.entries(APP_ASSETS).map(([k, a]) => [ids[k].toString(), { key: k, documents: a.documents }]),
    );
    ctx.system.appOfferings = { solar: solarSale, vending: vendingSale, screens: screensSale };
  },
};
