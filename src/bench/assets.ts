import { SingleBar, Presets } from "cli-progress";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { AssetShareToken, AssetsBenchPopulator, NaiveRevenueLoop, SettlementToken } from "../../typechain-types";
import { BenchRow, BenchSuite, gasOf, movedByProxies } from "./harness";
import { formCity } from "../city";
import { documentHash } from "../consortium";
import { deployAssets, openOffering, registerAsset } from "../assets";

const BIG_HOLDERS = 10_000;
const ADMIT_CHUNK = 120;
const ISSUE_CHUNK = 300;

async function latest(hre: HardhatRuntimeEnvironment): Promise<bigint> {
  return BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
}

/**
 * Tokenized assets: revenue deposit with 10 and 10,000 holders against a loop paying every holder, claim, share
 * transfer against a plain OpenZeppelin ERC-20 transfer, offering purchase and market fill.
 */
export const suite: BenchSuite = {
  name: "assets",
  async run(hre) {
    const { consortium, actors, orgIds } = await formCity(hre);
    const { ethers } = hre;
    const ceur = (await ethers.deployContract("SettlementToken", [
      "City EUR",
      "cEUR",
      2,
      actors.deployer.address,
    ])) as unknown as SettlementToken;
    const ceurAddr = await ceur.getAddress();
    for (const who of [actors.investor1, actors.investor2, actors.investor3, actors.gridOperator]) {
      await (await ceur.mint(who.address, 100_000_000_00n)).wait();
    }
    const system = await deployAssets(hre, consortium, actors.deployer);
    const populatorFactory = await ethers.getContractFactory("AssetsBenchPopulator");
    const admitter = (await populatorFactory.deploy()) as unknown as AssetsBenchPopulator;
    const issuer = (await populatorFactory.deploy()) as unknown as AssetsBenchPopulator;
    await (await consortium.connect(actors.kyc).addAccount(await admitter.getAddress())).wait();
    await (await consortium.connect(actors.assetOperator).addAccount(await issuer.getAddress())).wait();

    // --- asset A: a sale to the three investors, then 7 more holders: 10 holders ------------------------------
    const { assetId, token } = await registerAsset(hre, system.registry, actors.assetOperator, {
      kind: "Solar",
      documents: "bench solar",
      name: "Bench Solar",
      symbol: "BSOL",
      cap: 1_000_000n,
      paymentTokens: [ceurAddr],
      gridOperatorOrg: orgIds.gridOperator,
    });
    const start = (await latest(hre)) + 60n;
    const offeringId = await openOffering(system.offering, actors.assetOperator, {
      assetId,
      paymentToken: ceurAddr,
      price: 100_00n,
      softCap: 1_000n,
      hardCap: 100_000n,
      start,
      deadline: start + 86_400n,
      minPerInvestor: 1n,
      maxPerInvestor: 50_000n,
    });
    const offeringAddr = await system.offering.getAddress();
    for (const who of [actors.investor1, actors.investor2, actors.investor3]) {
      await (await ceur.connect(who).approve(offeringAddr, ethers.MaxUint256)).wait();
    }
    await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(start)]);
    const far = start + 10n ** 6n;
    const buyFirst = await gasOf(system.offering.connect(actors.investor1).buy(offeringId, 4_000, 100_00n, far));
    const buy = await gasOf(system.offering.connect(actors.investor2).buy(offeringId, 3_000, 100_00n, far));
    await gasOf(system.offering.connect(actors.investor3).buy(offeringId, 2_000, 100_00n, far));
    await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(start + 86_401n)]);
    await gasOf(system.offering.finalise(offeringId));
    await gasOf(admitter.admit(consortiumAddress(consortium), 0, 7));
    await gasOf(issuer.issue(await token.getAddress(), 0, 7, 100));
    const tenHolders = await holderCount(token, [
      actors.investor1.address,
      actors.investor2.address,
      actors.investor3.address,
      ...(await Promise.all([0, 1, 2, 3, 4, 5, 6].map((i) => admitter.holderAt(i)))),
    ]);
    if (tenHolders !== 10) throw new Error(`bench: asset A has ${tenHolders} holders, expected 10`);

    const tokenAddr = await token.getAddress();
    await (await ceur.connect(actors.gridOperator).approve(tokenAddr, ethers.MaxUint256)).wait();
    const deposit = (t: AssetShareToken, n: number) =>
      t.connect(actors.gridOperator).deposit(ceurAddr, 1_234_56n, 5_000, documentHash(`invoice ${n}`));
    const firstDeposit = await gasOf(deposit(token, 1));
    const deposit10 = await gasOf(deposit(token, 2));
    const claimFirst = await gasOf(token.connect(actors.investor2).claim(ceurAddr));
    await gasOf(deposit(token, 3));
    const claimRepeat = await gasOf(token.connect(actors.investor2).claim(ceurAddr));
    // first transfers after the sale write each party's correction slot once
    const transferFirst = await gasOf(token.connect(actors.investor1).transfer(actors.investor3.address, 10));
    const transfer = await gasOf(token.connect(actors.investor1).transfer(actors.investor3.address, 10));
    const ozTransfer = await gasOf(ceur.connect(actors.investor1).transfer(actors.investor3.address, 10));

    const marketAddr = await system.market.getAddress();
    await (await ceur.connect(actors.investor2).approve(marketAddr, ethers.MaxUint256)).wait();
    await gasOf(system.market.connect(actors.investor3).list(assetId, 500, ceurAddr, 120_00n, far));
    const fill = await gasOf(system.market.connect(actors.investor2).buy(1, 100, 120_00n, far));
    await gasOf(system.market.connect(actors.assetOperator).setFee(assetId, 100));
    // a fee increase after funding takes effect after the market's notice period
    await hre.network.provider.send("evm_increaseTime", [Number(await system.market.FEE_NOTICE())]);
    await hre.network.provider.send("evm_mine", []);
    await gasOf(system.market.connect(actors.investor3).list(assetId, 300, ceurAddr, 120_00n, far));
    await gasOf(system.market.connect(actors.investor2).buy(2, 100, 120_00n, far)); // first fee: market balance 0 → x
    const fillFee = await gasOf(system.market.connect(actors.investor2).buy(2, 100, 120_00n, far));

    // --- naive baseline: pay each holder in a loop, measured for 10 and 20 holders and extrapolated ----------
    const naive = (await (await ethers.getContractFactory("NaiveRevenueLoop")).deploy()) as unknown as NaiveRevenueLoop;
    await (await ceur.connect(actors.gridOperator).approve(await naive.getAddress(), ethers.MaxUint256)).wait();
    const holders10 = [
      actors.investor1.address,
      actors.investor2.address,
      actors.investor3.address,
      ...(await Promise.all([0, 1, 2, 3, 4, 5, 6].map((i) => admitter.holderAt(i)))),
    ];
    const holders20 = [
      ...holders10,
      ...(await Promise.all(Array.from({ length: 10 }, (_, i) => admitter.holderAt(7 + i)))),
    ];
    // the ten extra addresses get shares so they are paid; every recipient is warmed once so both runs pay
    // existing balances (the loop's cheapest case)
    await gasOf(admitter.admit(consortiumAddress(consortium), 7, 10));
    await gasOf(issuer.issue(tokenAddr, 7, 10, 100));
    await gasOf(naive.connect(actors.gridOperator).payAll(tokenAddr, ceurAddr, holders20, 1_000_00n));
    const naive10 = await gasOf(naive.connect(actors.gridOperator).payAll(tokenAddr, ceurAddr, holders10, 1_000_00n));
    const naive20 = await gasOf(naive.connect(actors.gridOperator).payAll(tokenAddr, ceurAddr, holders20, 1_000_00n));
    const perHolder = (naive20 - naive10) / 10;
    const naive10k = Math.round(naive10 + perHolder * (BIG_HOLDERS - 10));

    // --- asset B: 10,000 holders --------------------------------------------------------------------------
    const big = await registerAsset(hre, system.registry, actors.assetOperator, {
      kind: "Vending",
      documents: "bench vending fleet",
      name: "Bench Vending",
      symbol: "BVND",
      cap: 1_000_000n,
      paymentTokens: [ceurAddr],
      gridOperatorOrg: orgIds.gridOperator,
    });
    await gasOf(system.registry.connect(actors.assetOperator).setStatus(big.assetId, 2));
    const bar = new SingleBar(
      { format: "  10,000 KYC'd holders {bar} {value}/{total} ({stage})", clearOnComplete: true },
      Presets.shades_classic,
    );
    bar.start(BIG_HOLDERS * 2, 0, { stage: "admit" });
    // holders 0..16 are already admitted (asset A)
    for (let i = 17; i < BIG_HOLDERS; i += ADMIT_CHUNK) {
      const n = Math.min(ADMIT_CHUNK, BIG_HOLDERS - i);
      await gasOf(admitter.admit(consortiumAddress(consortium), i, n, { gasLimit: 29_000_000 }));
      bar.update(i + n, { stage: "admit" });
    }
    const bigAddr = await big.token.getAddress();
    for (let i = 0; i < BIG_HOLDERS; i += ISSUE_CHUNK) {
      const n = Math.min(ISSUE_CHUNK, BIG_HOLDERS - i);
      await gasOf(issuer.issue(bigAddr, i, n, 10, { gasLimit: 29_000_000 }));
      bar.update(BIG_HOLDERS + i + n, { stage: "issue" });
    }
    bar.stop();
    if ((await big.token.totalSupply()) !== BigInt(BIG_HOLDERS * 10)) throw new Error("bench: 10,000 holders missing");
    await (await ceur.connect(actors.gridOperator).approve(bigAddr, ethers.MaxUint256)).wait();
    await gasOf(deposit(big.token, 1));
    const deposit10k = await gasOf(deposit(big.token, 2));

    const rows: BenchRow[] = [
      {
        name: "assets: revenue deposit, 10 holders (baseline: loop measured)",
        gas: deposit10,
        target: 87_000,
        moved: movedByProxies(75_000, ["beacon", "consortium"]),
        baseline: naive10,
      },
      {
        name: "assets: revenue deposit, 10,000 holders (baseline: loop extrapolated from 10 and 20)",
        gas: deposit10k,
        target: 87_000,
        moved: movedByProxies(75_000, ["beacon", "consortium"]),
        baseline: naive10k,
      },
      {
        name: "assets: first revenue deposit of an asset (ledger slots created)",
        gas: firstDeposit,
        target: null,
        baseline: null,
      },
      {
        name: "assets: claim revenue (holder's first claim)",
        gas: claimFirst,
        target: 79_000,
        moved: movedByProxies(70_000, ["beacon"]),
        baseline: null,
      },
      { name: "assets: claim revenue (later claims)", gas: claimRepeat, target: 70_000, baseline: null },
      {
        name: "assets: share transfer between investors (baseline: OZ ERC-20 transfer)",
        gas: transfer,
        target: 80_000,
        moved: movedByProxies(70_000, ["beacon", "consortium"]),
        baseline: ozTransfer,
      },
      {
        name: "assets: share transfer, first by both parties after a deposit (correction slots created)",
        gas: transferFirst,
        target: null,
        baseline: ozTransfer,
      },
      {
        name: "assets: buy in an offering",
        gas: buy,
        target: 151_000,
        moved: movedByProxies(130_000, ["domain", "consortium", "pause", "beacon"]),
        baseline: null,
      },
      {
        name: "assets: buy in an offering (sale's first purchase, escrow slot created)",
        gas: buyFirst,
        target: null,
        baseline: null,
      },
      { name: "assets: fill a market listing (no fee)", gas: fill, target: 150_000, baseline: null },
      {
        name: "assets: fill a market listing (1 % operator fee)",
        gas: fillFee,
        target: 152_000,
        moved: movedByProxies(150_000, ["domain", "consortium", "pause", "beacon"]),
        baseline: null,
      },
    ];
    return rows;
  },
};

function consortiumAddress(c: { target: unknown }): string {
  return c.target as string;
}

async function holderCount(token: AssetShareToken, candidates: string[]): Promise<number> {
  let n = 0;
  for (const a of candidates) if ((await token.balanceOf(a)) > 0n) n++;
  return n;
}
