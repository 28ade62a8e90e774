import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { buyShares, openOffering, registerAsset } from "../../src/assets";
import { deployAssetsFixture, termsFor } from "../fixtures/assets";

/**
 * The assets system with an offering in every state a restricted function needs, so the outsider gate reaches
 * each caller check (the offering and market validate the offering/listing state before the caller):
 * - `succeeded`: a finished sale paid in two milestones to the carrier, cosigned by the regulator (asset 1);
 * - `running`: a sale that has started (asset 2); `upcoming`: a sale that has not started yet (asset 3);
 * - `listingId`: investor1's market listing of asset 1 shares.
 */
export async function assetsInEveryStateFixture() {
  const f = await deployAssetsFixture();
  const { actors, orgIds, offering, market, registry } = f;
  const ceur = await f.ceur.getAddress();
  const succeededTerms = await termsFor(f, {
    beneficiaryOrg: orgIds.carrier,
    cosignerOrg: orgIds.regulator,
    milestoneBps: [5_000, 5_000],
  });
  const succeeded = await openOffering(offering, actors.assetOperator, succeededTerms);
  await time.increaseTo(succeededTerms.start);
  await buyShares(hre, offering, actors.investor1, succeeded, 1_000n);
  await time.increaseTo(succeededTerms.deadline + 1n);
  await offering.finalise(succeeded);

  const second = async (symbol: string) =>
    registerAsset(hre, registry, actors.assetOperator, {
      kind: "Solar",
      documents: `Outsider gate asset ${symbol}`,
      name: `Gate ${symbol}`,
      symbol,
      cap: 10_000n,
      paymentTokens: [ceur],
    });
  const running = await second("GATE2");
  const upcoming = await second("GATE3");
  const now = BigInt(await time.latest());
  const runningId = await openOffering(offering, actors.assetOperator, {
    ...(await termsFor(f)),
    assetId: running.assetId,
    start: now + 3600n,
    deadline: now + 30n * 86400n,
  });
  const upcomingId = await openOffering(offering, actors.assetOperator, {
    ...(await termsFor(f)),
    assetId: upcoming.assetId,
    start: now + 10n * 86400n,
    deadline: now + 30n * 86400n,
  });
  await time.increaseTo(now + 3600n);

  await market
    .connect(actors.investor1)
    .list(f.assetId, 100n, ceur, 150_00n, BigInt(await time.latest()) + 7n * 86400n);
  const listingId = await market.listingCount();
  return { ...f, offerings: { succeeded, running: runningId, upcoming: upcomingId }, listingId };
}
