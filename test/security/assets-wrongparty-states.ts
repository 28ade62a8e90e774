import { assetsInEveryStateFixture } from "./assets-states";
import { proposeRoles, voteUntilClosed } from "../../src/consortium";

/**
 * The assets system in every state (see assets-states.ts) plus a rival operator: the grid operator's organisation is
 * voted ASSET_OPERATOR too, so it holds every role an asset's operator holds but operates none of these assets.
 * The wrong-party gate (test/security/wrongparty/assets-*.ts) calls each function on the city's assets as that rival.
 */
export async function assetsWithRivalFixture() {
  const f = await assetsInEveryStateFixture();
  const { actors, consortium, orgIds } = f;
  const id = await proposeRoles(consortium, actors.regulator, orgIds.gridOperator, ["GRID_OPERATOR", "ASSET_OPERATOR"]);
  await voteUntilClosed(consortium, id, [
    actors.manufacturer,
    actors.manufacturer2,
    actors.distributor,
    actors.carrier,
    actors.hospital,
    actors.pharmacy,
    actors.insurer,
    actors.assetOperator,
    actors.gridOperator,
    actors.deviceManager,
    actors.kyc,
  ]);
  return { ...f, rival: actors.gridOperator };
}
