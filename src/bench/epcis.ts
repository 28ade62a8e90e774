import { id } from "ethers";
import { BenchSuite, gasOf } from "./harness";
import { formCity } from "../city";
import { deployEpcisAnchors } from "../epcis-anchor";

/** `n` distinct event hashes (CBV 2.0 digests are 32 bytes; any distinct non-zero words measure the same). */
const hashes = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => id(`${prefix}-${i}`));

/**
 * EpcisAnchors: a member organisation anchors EPCIS event hashes as its own assertion (issue 19), behind its proxy
 * (issue 21). One hash pays the membership check and the proxies once; each further hash one fresh slot and one event.
 */
export const suite: BenchSuite = {
  name: "epcis",
  async run(hre) {
    const { consortium, actors } = await formCity(hre);
    const anchors = await deployEpcisAnchors(hre, await consortium.getAddress(), actors.deployer);
    const asManufacturer = anchors.connect(actors.manufacturer);
    const one = await gasOf(asManufacturer.anchor(hashes("one", 1)));
    const max = Number(await anchors.MAX_BATCH());
    const batch = await gasOf(asManufacturer.anchor(hashes("batch", max)));
    return [
      {
        name: "epcis: anchor one event hash (a member organisation's assertion)",
        gas: one,
        target: 80_000,
        baseline: null,
      },
      {
        name: `epcis: anchor a batch of ${max} event hashes, per hash (baseline = one hash per transaction)`,
        gas: Math.round(batch / max),
        target: 27_000,
        baseline: one,
      },
    ];
  },
};
