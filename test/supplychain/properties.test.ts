import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ITEM_STATE, cbv, textHash } from "../../src/supplychain";
import { SSCC, SSCC2, deploySupplyChainFixture, shipment } from "../fixtures/supplychain";

/** mulberry32: a tiny deterministic PRNG so that a failing sequence replays exactly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("SupplyChain properties (fixed seeds)", function () {
  for (const seed of [7, 2026]) {
    it(`keeps pallet counts, custody and recall rules consistent over 120 random operations (seed ${seed})`, async function () {
      const { sc, actors, orgIds, perItemLotId } = await loadFixture(deploySupplyChainFixture);
      const rnd = prng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
      const serials = Array.from({ length: 12 }, (_, i) => `R${i + 1}`);
      await sc.connect(actors.manufacturer).registerItems(perItemLotId, serials.map(textHash));
      const parties = ["manufacturer", "carrier", "distributor", "pharmacy", "hospital"] as const;
      const signer = (k: (typeof parties)[number]): HardhatEthersSigner => actors[k];
      const custody = new Set(parties.map((k) => BigInt(orgIds[k])));
      const ssccs = [SSCC, SSCC2];
      let recalledAt = -1;
      let ok = 0;
      for (let step = 0; step < 120; step++) {
        const serial = textHash(pick(serials));
        const sscc = pick(ssccs);
        const to = orgIds[pick(parties)];
        const op = Math.floor(rnd() * 9);
        // Mostly the party entitled to act (so that operations succeed), sometimes anyone (so that refusals are tested).
        const item = await sc.item(perItemLotId, serial);
        const pallet = await sc.pallet(sscc);
        const entitled = [1].includes(op)
          ? item.receiver
          : op === 5
            ? pallet.receiver
            : op === 4 || op === 3
              ? pallet.custodian
              : item.custodian;
        const byOrg = parties.find((k) => BigInt(orgIds[k]) === entitled);
        const who = byOrg && rnd() < 0.8 ? byOrg : pick(parties);
        const c = sc.connect(signer(who));
        const calls = [
          () => c.shipItem(perItemLotId, serial, [], shipment(to, rnd() < 0.3 ? to : 0)),
          () => c.receiveItem(perItemLotId, serial, rnd() < 0.8, textHash("loc"), textHash("e")),
          () => c.packItems(sscc, perItemLotId, [serial], [], []),
          () => c.unpackItems(sscc, perItemLotId, [serial]),
          () => c.shipPallet(sscc, shipment(to)),
          () => c.receivePallet(sscc, textHash("loc"), textHash("e")),
          () => c.decommission(perItemLotId, serial, [], cbv("retail_selling"), textHash("loc")),
          () => c.undoDecommission(perItemLotId, serial),
          () => c.reportItem(perItemLotId, serial, [], ITEM_STATE.Stolen, textHash("r")),
        ];
        if (step === 80) {
          await sc.connect(actors.manufacturer).recallLot(perItemLotId, textHash("recall"));
          recalledAt = await sc.runner!.provider!.getBlockNumber();
        }
        try {
          await (await calls[op]()).wait();
          ok++;
        } catch (e) {
          expect((e as Error).message, `step ${step}`).to.match(/custom error|reverted/);
        }
        // Invariants, checked after every step.
        const counts = new Map<bigint, number>();
        for (const s of serials) {
          const it = await sc.item(perItemLotId, textHash(s));
          expect(custody.has(it.custodian), `${s} custodian ${it.custodian}`).to.equal(true);
          if (it.pallet !== 0n) counts.set(it.pallet, (counts.get(it.pallet) ?? 0) + 1);
          if (Number(it.state) === ITEM_STATE.InTransit) expect(custody.has(it.receiver)).to.equal(true);
          else expect(it.receiver).to.equal(0n);
        }
        for (const sscc of ssccs) expect((await sc.pallet(sscc)).itemCount).to.equal(BigInt(counts.get(sscc) ?? 0));
      }
      // Nothing was sold after the recall, and the run did real work.
      const sales = await sc.queryFilter(sc.filters.ItemDecommissioned(), recalledAt + 1);
      expect(sales.length).to.equal(0);
      expect(ok).to.be.greaterThan(12);
    });
  }
});
