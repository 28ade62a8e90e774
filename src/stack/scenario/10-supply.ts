import type { EpcisAnchors, SupplyChain } from "../../../typechain-types";
import { buildDigitalLink, makeGtin } from "../../gs1";
import { SerialTree, cbv, commissionLot, deploySupplyChain, lotIdOf, textHash } from "../../supplychain";
import { DemoChapter, requireCity, say } from "../../demo/context";
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

/** Off-chain product master data the app shows; the chain holds `textHash(JSON.stringify(entry))`. */
export interface CatalogueProduct {
  name: string;
  form: string;
  manufacturer: string;
  origin: string;
  storage: string;
}

/** The app's products (GS1 company prefix 950600 is GS1's example range). */
export const APP_PRODUCTS: Record<string, CatalogueProduct> = {
  [makeGtin("0950600013435")]: {
    name: "Amoxicillin 500 mg capsules, box of 21",
    form: "capsule",
    manufacturer: "Acme Pharma",
    origin: "Acme Pharma plant Riverside, GLN 9506000000017",
    storage: "controlled room temperature (15–25 °C)",
  },
  [makeGtin("0950600013442")]: {
    name: "Amoxicillin trihydrate (API), 25 kg drum",
    form: "active pharmaceutical ingredient",
    manufacturer: "Acme Pharma",
    origin: "Acme Pharma API synthesis, GLN 9506000000024",
    storage: "dry, below 25 °C",
  },
  [makeGtin("0950600013459")]: {
    name: "Insulin glargine 100 U/ml pen, box of 5",
    form: "solution for injection",
    manufacturer: "Acme Pharma",
    origin: "Acme Pharma biologics, GLN 9506000000031",
    storage: "refrigerated (2–8 °C)",
  },
};

const [AMOXICILLIN, API, INSULIN] = Object.keys(APP_PRODUCTS);

/** The lots the app's pages and tests use: GTIN, lot number, expiry (AI 17) and place of origin. */
export const APP_LOTS = {
  api: { gtin: API, lot: "API-2607", expiry: "291231", origin: APP_PRODUCTS[API].origin, serials: 10 },
  good: { gtin: AMOXICILLIN, lot: "AMX-2611", expiry: "281130", origin: APP_PRODUCTS[AMOXICILLIN].origin, serials: 50 },
  recalled: {
    gtin: AMOXICILLIN,
    lot: "AMX-2608",
    expiry: "280831",
    origin: APP_PRODUCTS[AMOXICILLIN].origin,
    serials: 50,
  },
  cold: { gtin: INSULIN, lot: "INS-2610", expiry: "271031", origin: APP_PRODUCTS[INSULIN].origin, serials: 40 },
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

/** The app-relative GS1 Digital Link path of one pack of a catalogue lot (what its label's QR code holds). */
export function appItemLink(key: keyof typeof APP_LOTS, serial: string): string {
  const l = APP_LOTS[key];
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
    for (const [gtin, entry] of Object.entries(APP_PRODUCTS)) {
      if ((await sc.product(BigInt(gtin))).manufacturer === 0n) {
        await (await m.registerProduct(BigInt(gtin), textHash(JSON.stringify(entry)))).wait();
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
    ctx.system.appProducts = APP_PRODUCTS;
    ctx.system.appLots = Object.fromEntries(
      Object.entries(APP_LOTS).map(([k, l]) => [k, { lotId: lotIds[k], gtin: l.gtin, lot: l.lot, origin: l.origin }]),
    );
  },
};
