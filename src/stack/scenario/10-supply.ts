import type { EpcisAnchors, SupplyChain } from "../../../typechain-types";
import { buildDigitalLink } from "../../gs1";
import { AMOXICILLIN, AMOXICILLIN_API, CATALOGUE, INSULIN_VIAL, catalogueHash } from "../../catalogue";
import { SerialTree, cbv, commissionLot, deploySupplyChain, lotIdOf, textHash } from "../../supplychain";
import { type DemoContext, DemoChapter, requireCity, say } from "../../demo/context";
import {
  DEMO_EPOCH,
  type EpcisEvent,
  commissioningEvent,
  custodyHop,
  decommissioningEvent,
  demoGln,
  recallEvent,
  transformationEvent,
} from "../../epcis";
import { anchorEpcisEvents, deployEpcisAnchors } from "../../epcis-anchor";
import { recordEpcis } from "../../demo/epcis";
import type { ActorKey } from "../../city";
import type { SupplyChainLotFact } from "../../demo/chapters/02-supplychain";
import type { ColdChainLotsFact } from "../../demo/chapters/03-coldchain";

/** The lots the app's pages and tests use: GTIN, lot number, expiry (AI 17) and place of origin. */
export const APP_LOTS = {
  api: {
    gtin: AMOXICILLIN_API,
    lot: "API-2607",
    expiry: "291231",
    origin: CATALOGUE[AMOXICILLIN_API].origin,
    serials: 10,
  },
  good: { gtin: AMOXICILLIN, lot: "AMX-2611", expiry: "281130", origin: CATALOGUE[AMOXICILLIN].origin, serials: 50 },
  recalled: {
    gtin: AMOXICILLIN,
    lot: "AMX-2608",
    expiry: "280831",
    origin: CATALOGUE[AMOXICILLIN].origin,
    serials: 50,
  },
  // a third lot of the demo's insulin vial (the demo's shipments of its two lots end received and destroyed)
  cold: { gtin: INSULIN_VIAL, lot: "INS-2610", expiry: "271031", origin: CATALOGUE[INSULIN_VIAL].origin, serials: 40 },
} as const;

const serialsOf = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(4, "0")}`);

/** One pack moving from `from` to `to` (ownership passes too), documented by real EPCIS 2.0 events. */
function hopOf(gtin: string, serial: string, from: number, to: number, leg: number) {
  return custodyHop({
    what: { items: [{ gtin, serial }] },
    from,
    to,
    owner: from,
    newOwner: to,
    time: DEMO_EPOCH + leg * 86_400,
    purchaseOrder: `urn:epcglobal:cbv:bt:4012345000009:PO-${serial}`,
  });
}

interface LotFact {
  lotId: string;
  gtin: string;
  lot: string;
  origin: string;
}

/** The lots the demo's chapters commissioned (when they ran), named for the pages like the seed's own. */
function storyLots(ctx: DemoContext): Record<string, LotFact> {
  const lots: Record<string, LotFact> = {};
  const supply = ctx.system.supplyChainLot as SupplyChainLotFact | undefined;
  if (supply) {
    lots.storyInput = {
      lotId: supply.input.lotId,
      gtin: supply.gtin,
      lot: supply.input.lot,
      origin: supply.input.origin,
    };
    lots.story = { lotId: supply.lotId, gtin: supply.gtin, lot: supply.lot, origin: supply.origin };
  }
  const cold = ctx.system.coldChainLots as ColdChainLotsFact | undefined;
  for (const [lot, lotId] of Object.entries(cold?.lots ?? {})) {
    lots[`story${lot}`] = { lotId, gtin: cold!.gtin, lot, origin: cold!.origin };
  }
  return lots;
}

/** The app-relative GS1 Digital Link path of one pack of a catalogue lot (what its label's QR code holds). */
export function appItemLink(key: keyof typeof APP_LOTS, serial: string): string {
  return itemPath(APP_LOTS[key], serial);
}

function itemPath(l: { gtin: string; lot: string; expiry: string }, serial: string): string {
  return new URL(buildDigitalLink({ gtin: l.gtin, lot: l.lot, serial, expiry: l.expiry })).pathname + `?17=${l.expiry}`;
}

/**
 * The supply-chain states the web app shows and the browser tests scan: a good item that went manufacturer →
 * distributor → pharmacy, an item already sold, a clone the regulator confirmed and one still awaiting its
 * decision, an item of a recalled lot, and the insulin lot whose pallet the cold-chain chapter (next) ships into
 * an excursion. Reuses the demo's SupplyChain when a chapter deployed one.
 */
export const chapter: DemoChapter = {
  title: "Web app: supply-chain items to scan (good, sold, clone, recalled, quarantined)",
  async run(ctx) {
    const { hre, actors } = ctx;
    const city = requireCity(ctx);
    const ids = city.orgIds;
    let sc = ctx.system.supplyChain as SupplyChain | undefined;
    if (!sc) {
      sc = await deploySupplyChain(hre, await city.consortium.getAddress(), actors.deployer);
      ctx.system.supplyChain = sc;
    }
    const m = sc.connect(actors.manufacturer);
    // The catalogue's products the demo's chapters did not register (all of them when the seed runs alone)
    for (const gtin of Object.keys(CATALOGUE)) {
      if ((await sc.product(BigInt(gtin))).manufacturer === 0n) {
        await (await m.registerProduct(BigInt(gtin), catalogueHash(gtin))).wait();
      }
    }
    const trees: Record<string, SerialTree> = {};
    const lotIds: Record<string, string> = {};
    for (const [key, l] of Object.entries(APP_LOTS)) {
      const prefix = `${l.lot.split("-")[0]}${l.lot.split("-")[1]}-`;
      const inputLots = key === "good" ? [lotIdOf(APP_LOTS.api.gtin, APP_LOTS.api.lot)] : [];
      const { lotId, tree } = await commissionLot(
        sc,
        actors.manufacturer,
        { gtin: l.gtin, lot: l.lot, expiry: l.expiry, serials: serialsOf(prefix, l.serials) },
        { origin: l.origin, inputLots },
      );
      trees[key] = tree;
      lotIds[key] = lotId;
    }
    // Each lot's commissioning (the good lot's as the transformation of the API lot) documented and anchored by Acme.
    const site = demoGln(ids.manufacturer);
    const documented: EpcisEvent[] = Object.entries(APP_LOTS).map(([key, l], i) =>
      key === "good"
        ? transformationEvent({
            time: DEMO_EPOCH - 86_400 + i * 3_600,
            readPoint: site,
            bizLocation: site,
            inputs: [{ gtin: APP_LOTS.api.gtin, lot: APP_LOTS.api.lot, quantity: 1 }],
            output: { gtin: l.gtin, lot: l.lot, quantity: l.serials, expiry: l.expiry },
          })
        : commissioningEvent({
            time: DEMO_EPOCH - 86_400 + i * 3_600,
            readPoint: site,
            bizLocation: site,
            gtin: l.gtin,
            lot: l.lot,
            expiry: l.expiry,
            serials: trees[key].serials,
          }),
    );
    const anchors =
      (ctx.system.epcisAnchors as EpcisAnchors | undefined) ??
      (await deployEpcisAnchors(hre, await city.consortium.getAddress(), actors.deployer));
    ctx.system.epcisAnchors = anchors;
    const plant = "Acme Pharma plant Riverside";
    const move = async (key: string, serial: string, hops: [keyof typeof actors, number, string][]) => {
      const tree = trees[key];
      let proof = tree.proof(serial);
      let leg = 0;
      for (const [from, to] of hops) {
        const h = hopOf(APP_LOTS[key as keyof typeof APP_LOTS].gtin, serial, ids[from as keyof typeof ids], to, leg++);
        const receiver = Object.entries(ids).find(([, id]) => id === to)![0] as ActorKey;
        recordEpcis(ctx, from, [h.shipping]);
        recordEpcis(ctx, receiver, [h.receiving]);
        await (
          await sc
            .connect(actors[from])
            .shipItem(lotIds[key], textHash(serial), proof, { receiver: to, newOwner: to, ...h.shipment })
        ).wait();
        await (
          await sc
            .connect(actors[receiver])
            .receiveItem(lotIds[key], textHash(serial), true, h.receipt.location, h.receipt.epcisHash)
        ).wait();
        proof = [];
      }
    };
    const toPharmacy: [keyof typeof actors, number, string][] = [
      ["manufacturer", ids.distributor, plant],
      ["distributor", ids.pharmacy, "MedSupply Dealers warehouse"],
    ];
    const good = trees.good.serials;
    await move("good", good[0], toPharmacy);
    await move("good", good[1], toPharmacy);
    await move("good", good[2], toPharmacy);
    await move("good", good[3], toPharmacy);
    const sell = (serial: string) =>
      sc
        .connect(actors.pharmacy)
        .decommission(lotIds.good, textHash(serial), [], cbv("retail_selling"), textHash("Corner Pharmacy counter"));
    const counter = demoGln(ids.pharmacy);
    const sales = [good[1], good[2], good[3]].map((serial, i) =>
      decommissioningEvent({
        time: DEMO_EPOCH + 3 * 86_400 + i * 3_600,
        readPoint: counter,
        item: { gtin: APP_LOTS.good.gtin, serial },
        step: "retail_selling",
      }),
    );
    await anchorEpcisEvents(anchors, actors.pharmacy, sales);
    recordEpcis(ctx, "pharmacy", sales);
    await (await sell(good[1])).wait();
    await (await sell(good[2])).wait();
    await (await sell(good[2])).wait(); // the same code presented again: a clone report, pending the regulator
    await (
      await sc
        .connect(actors.regulator)
        .decideCloneReport(
          lotIds.good,
          textHash(good[2]),
          true,
          textHash("two packs with one code seized at the counter"),
        )
    ).wait();
    await (await sell(good[3])).wait();
    await (await sell(good[3])).wait(); // reported, still awaiting the regulator's decision
    say(
      `good item ${good[0]} at Corner Pharmacy; ${good[1]} sold; ${good[2]} sold twice, clone confirmed by the ` +
        `regulator; ${good[3]} sold twice, report pending`,
    );

    const recalledSerial = trees.recalled.serials[0];
    await move("recalled", recalledSerial, toPharmacy.slice(0, 1));
    await (
      await m.recallLot(lotIds.recalled, textHash("recall notice 2026-031: capsule dissolution out of spec"))
    ).wait();
    documented.push(
      recallEvent({
        time: DEMO_EPOCH + 5 * 86_400,
        readPoint: site,
        lot: { gtin: APP_LOTS.recalled.gtin, lot: APP_LOTS.recalled.lot },
      }),
    );
    await anchorEpcisEvents(anchors, actors.manufacturer, documented);
    recordEpcis(ctx, "manufacturer", documented);
    say(`lot ${APP_LOTS.recalled.lot} recalled by Acme Pharma (item ${recalledSerial} at the distributor)`);

    const coldSerial = trees.cold.serials[0];
    await move("cold", coldSerial, toPharmacy.slice(0, 1));
    ctx.system.appColdLot = { lotId: lotIds.cold, serial: coldSerial, serials: trees.cold.serials };

    ctx.system.appItems = {
      good: appItemLink("good", good[0]),
      sold: appItemLink("good", good[1]),
      clone: appItemLink("good", good[2]),
      cloneReported: appItemLink("good", good[3]),
      recalled: appItemLink("recalled", recalledSerial),
      quarantined: appItemLink("cold", coldSerial),
      notOnChain: appItemLink("good", good[10]),
    };
    // A pack of the demo's own story (sold at Corner Pharmacy, then its lot recalled), when the demo's chapters ran
    const story = ctx.system.supplyChainLot as SupplyChainLotFact | undefined;
    if (story) (ctx.system.appItems as Record<string, string>).demoPack = itemPath(story, story.sold);
    ctx.system.appProducts = CATALOGUE;
    ctx.system.appLots = {
      ...storyLots(ctx),
      ...Object.fromEntries(
        Object.entries(APP_LOTS).map(([k, l]) => [k, { lotId: lotIds[k], gtin: l.gtin, lot: l.lot, origin: l.origin }]),
      ),
    };
  },
};
