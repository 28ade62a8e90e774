import type { SettlementToken } from "../../../typechain-types";
import { buyShares, deployAssets, depositRevenue, openOffering, portfolio, registerAsset } from "../../assets";
import { deployPaymentToken } from "../../medical";
import { printTable, short } from "../../table";
import { DemoChapter, describeSpan, requireCity, say, sendAll } from "../context";
import { storyHistory } from "../../history/demo";

const EUR = (cents: bigint) => `€${(Number(cents) / 100).toLocaleString("en-GB", { minimumFractionDigits: 2 })}`;

/**
 * Tokenized assets: a rooftop solar plant is crowdfunded by the city's investors (a first sale fails and refunds,
 * a second succeeds and pays the installer in approved milestones), the meter reports generation and the grid
 * operator pays for it, investors claim, one sells shares on the market, and a vending-machine fleet shares its
 * sales revenue.
 */
export const chapter: DemoChapter = {
  title: "Tokenized assets: crowdfunded solar, revenue sharing and a secondary market",
  async run(ctx) {
    const { hre, clock } = ctx;
    const { consortium, actors, orgIds } = requireCity(ctx);
    const now = async () => BigInt(await clock.now());
    const advanceTo = (t: bigint, label: string) => clock.until(Number(t), label);
    // A sale opens shortly after it is announced and runs two weeks; on a sealed chain, whose clock runs in real
    // time, it opens in a few seconds (after the announcing block) and runs long enough for the buyers' transactions.
    const lead = BigInt(clock.span(60, 10));
    const saleLength = BigInt(clock.span(14 * 86_400, 30));
    const { investor1, investor2, investor3, assetOperator, gridOperator, regulator, deviceManager } = actors;
    const investors = { investor1, investor2, investor3 };

    let ceur = ctx.system.settlementToken as SettlementToken | undefined;
    if (!ceur) {
      ceur = await deployPaymentToken(hre, actors.deployer);
      ctx.system.settlementToken = ceur;
    }
    const ceurAddr = await ceur.getAddress();
    // the settlement bank (whoever issued the token, if an earlier chapter did) funds the participants
    const bank = await hre.ethers.getSigner(await ceur.owner());
    await sendAll(
      [investor1, investor2, investor3, gridOperator, assetOperator].map(
        (who) => () => ceur.connect(bank).mint(who.address, 500_000_00n),
      ),
    );
    const assets = await deployAssets(hre, consortium, actors.deployer);
    ctx.system.assets = assets;
    say(`assets system deployed: registry ${short(await assets.registry.getAddress())}, offering, market`);

    const meter = (ctx.system.solarMeter as string | undefined) ?? hre.ethers.Wallet.createRandom().address;
    const solar = await registerAsset(hre, assets.registry, assetOperator, {
      kind: "Solar",
      documents: "Harbour School rooftop PV, 250 kWp, permit 2026-PV-88",
      name: "Harbour School Solar",
      symbol: "HSOL",
      cap: 5_000n,
      paymentTokens: [ceurAddr],
      devices: [meter],
      gridOperatorOrg: orgIds.gridOperator,
    });
    // the market fee is set while the asset is funding (later increases only take effect after a week's notice)
    await (await assets.market.connect(assetOperator).setFee(solar.assetId, 50)).wait();
    say(
      `City Assets Co registered the Harbour School solar plant (asset ${solar.assetId}, metered by ${short(meter)}, paid by SunGrid Utility, 0.5 % market fee)`,
    );

    // --- first sale: too few buyers, every one is refunded ----------------------------------------------------
    let start = (await now()) + lead;
    const first = await openOffering(assets.offering, assetOperator, {
      assetId: solar.assetId,
      paymentToken: ceurAddr,
      price: 100_00n,
      softCap: 3_000n,
      hardCap: 4_000n,
      start,
      deadline: start + saleLength,
      minPerInvestor: 10n,
      maxPerInvestor: 2_000n,
    });
    await advanceTo(start, "the sale opens");
    // the investors buy at the same time, each from their own wallet
    await Promise.all([
      buyShares(hre, assets.offering, investor1, first, 800n),
      buyShares(hre, assets.offering, investor2, first, 500n),
    ]);
    await advanceTo(start + saleLength + 1n, "the sale runs to its deadline");
    await (await assets.offering.finalise(first)).wait();
    await sendAll([investor1, investor2].map((inv) => () => assets.offering.connect(inv).refund(first)));
    const f1 = await assets.offering.offering(first);
    say(
      `sale ${first}: ${f1.sold} of the 3,000 shares needed by the deadline (${describeSpan(Number(saleLength))}) → failed; ${EUR(f1.refunded)} refunded in full, shares burned`,
    );

    // --- second sale: the installer is paid in milestones approved by the initiator and the regulator ---------
    start = (await now()) + lead;
    const second = await openOffering(assets.offering, assetOperator, {
      assetId: solar.assetId,
      paymentToken: ceurAddr,
      price: 80_00n,
      softCap: 2_000n,
      hardCap: 4_000n,
      start,
      deadline: start + saleLength,
      minPerInvestor: 10n,
      maxPerInvestor: 2_000n,
      beneficiaryOrg: orgIds.deviceManager,
      cosignerOrg: orgIds.regulator,
      milestoneBps: [4_000, 6_000],
    });
    await advanceTo(start, "the sale opens");
    const bought = { investor1: 1_500n, investor2: 1_000n, investor3: 700n };
    await Promise.all(
      Object.entries(bought).map(([k, n]) =>
        buyShares(hre, assets.offering, investors[k as keyof typeof investors], second, n),
      ),
    );
    await advanceTo(start + saleLength + 1n, "the sale runs to its deadline");
    await (await assets.offering.finalise(second)).wait();
    const o2 = await assets.offering.offering(second);
    say(`sale ${second} at €80.00: ${o2.sold} shares sold → succeeded; the plant moves to construction`);
    for (const i of [0, 1]) {
      // the initiator and the co-signer approve independently
      await sendAll(
        [assetOperator, regulator].map((who) => () => assets.offering.connect(who).approveMilestone(second, i)),
      );
      const paid = await assets.offering.connect(deviceManager).withdraw.staticCall(second);
      await (await assets.offering.connect(deviceManager).withdraw(second)).wait();
      say(
        `milestone ${i + 1} (${i === 0 ? "panels mounted" : "inverter and meter commissioned"}) approved by City Assets Co and the regulator: ${EUR(paid)} to Metro IoT Operations`,
      );
    }
    await (await assets.registry.connect(assetOperator).setStatus(solar.assetId, 3)).wait();

    // --- the meter reports, the grid pays, investors claim ----------------------------------------------------
    const months = [
      { month: "2026-06", kWh: 31_250n },
      { month: "2026-07", kWh: 33_900n },
    ];
    const TARIFF = 12n; // cents per kWh
    for (const m of months.slice(0, 1)) {
      await depositRevenue(
        hre,
        solar.token,
        gridOperator,
        ceurAddr,
        m.kWh * TARIFF,
        m.kWh,
        `SunGrid PPA invoice ${m.month}`,
      );
      say(
        `meter ${short(meter)} reported ${m.kWh.toLocaleString()} kWh for ${m.month}; SunGrid Utility paid ${EUR(m.kWh * TARIFF)} (invoice hash on chain)`,
      );
    }

    // investor1 lists 500 shares; the July payment arrives while they are listed and stays with the seller
    const expiry = (await now()) + 30n * 86_400n;
    await (await assets.market.connect(investor1).list(solar.assetId, 500n, ceurAddr, 95_00n, expiry)).wait();
    const listingId = await assets.market.listingCount();
    say(`investor1 listed 500 shares at €95.00 (0.5 % operator fee); the shares stay in their wallet, locked`);
    const july = months[1];
    await depositRevenue(
      hre,
      solar.token,
      gridOperator,
      ceurAddr,
      july.kWh * TARIFF,
      july.kWh,
      `SunGrid PPA invoice ${july.month}`,
    );
    say(`${july.month}: ${july.kWh.toLocaleString()} kWh, ${EUR(july.kWh * TARIFF)} paid while the shares were listed`);
    await (await ceur.connect(investor3).approve(await assets.market.getAddress(), 500n * 95_00n)).wait();
    await (await assets.market.connect(investor3).buy(listingId, 500n, 95_00n, (await now()) + 600n)).wait();
    say(`investor3 bought the 500 shares: payment and delivery in one transaction`);

    const holders = Object.entries(investors);
    const claimed = await Promise.all(holders.map(([, inv]) => solar.token.claimableOf(inv.address, ceurAddr)));
    await sendAll(
      holders.map(
        ([, inv]) =>
          () =>
            solar.token.connect(inv).claim(ceurAddr),
      ),
    );
    const rows = await Promise.all(
      holders.map(async ([k, inv], i) => [
        k,
        bought[k as keyof typeof bought],
        await solar.token.balanceOf(inv.address),
        EUR(claimed[i]),
      ]),
    );
    printTable(
      ["investor", "bought in sale", "shares now", "revenue claimed"],
      rows,
      "Harbour School Solar: two months of revenue",
    );
    const [, , deposited] = await solar.token.revenueLedger(ceurAddr);
    say(
      `deposited ${EUR(deposited)}; left in the token after every claim: ${EUR(await ceur.balanceOf(await solar.token.getAddress()))} (rounding dust)`,
    );

    // --- a vending-machine fleet shares its sales ----------------------------------------------------------
    const machines = Array.from({ length: 12 }, () => hre.ethers.Wallet.createRandom().address);
    const vending = await registerAsset(hre, assets.registry, assetOperator, {
      kind: "Vending",
      documents: "Metro station vending fleet, 12 machines",
      name: "Metro Vending Fleet",
      symbol: "MVEND",
      cap: 1_000n,
      paymentTokens: [ceurAddr],
      devices: machines,
    });
    start = (await now()) + lead;
    const vsale = await openOffering(assets.offering, assetOperator, {
      assetId: vending.assetId,
      paymentToken: ceurAddr,
      price: 250_00n,
      softCap: 400n,
      hardCap: 600n,
      start,
      deadline: start + BigInt(clock.span(7 * 86_400, 30)),
      minPerInvestor: 1n,
      maxPerInvestor: 300n,
    });
    await advanceTo(start, "the sale opens");
    await Promise.all([
      buyShares(hre, assets.offering, investor2, vsale, 300n),
      buyShares(hre, assets.offering, investor3, vsale, 300n),
    ]);
    await (await assets.offering.finalise(vsale)).wait(); // hard cap hit: closes at once
    await (await assets.offering.connect(assetOperator).withdraw(vsale)).wait();
    await (await assets.registry.connect(assetOperator).setStatus(vending.assetId, 3)).wait();
    const weeks = [1_840_55n, 2_112_30n, 1_975_00n];
    for (const [i, w] of weeks.entries()) {
      await depositRevenue(hre, vending.token, assetOperator, ceurAddr, w, 0, `vending sales week ${i + 1}`);
    }
    say(
      `Metro Vending Fleet (12 machines) sold out its 600 shares; City Assets Co shared 3 weeks of sales: ${EUR(weeks.reduce((a, b) => a + b))}`,
    );

    const table: string[][] = [];
    const history = await storyHistory(ctx, ["assetRegistry", "assetOffering", "assetMarket"]);
    for (const [k, inv] of Object.entries(investors)) {
      const { holdings } = await portfolio(hre, assets, inv.address, history);
      for (const h of holdings) {
        table.push([
          k,
          h.symbol,
          h.status,
          h.balance.toString(),
          h.listed.toString(),
          EUR(h.claimable[0]?.amount ?? 0n),
        ]);
      }
    }
    printTable(["investor", "asset", "status", "shares", "listed", "claimable"], table, "Investor portfolios");
  },
};
