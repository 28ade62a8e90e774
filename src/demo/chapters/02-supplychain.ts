import { Presets, SingleBar } from "cli-progress";
import { type ContractTransactionResponse, keccak256, toUtf8Bytes } from "ethers";
import { buildDigitalLink, makeSscc, yymmddFromExpiry } from "../../gs1";
import { PARACETAMOL, catalogueHash } from "../../catalogue";
import {
  DEMO_EPOCH,
  type EpcisEvent,
  commissioningEvent,
  custodyHop,
  decommissioningEvent,
  demoGln,
  itemUri,
  locationUri,
  packingEvent,
  recallEvent,
  transformationEvent,
  unpackingEvent,
} from "../../epcis";
import { anchorEpcisEvents, deployEpcisAnchors } from "../../epcis-anchor";
import { eventsOfEpc, queryEvents, signIn } from "../../epcis-rest/client";
import { captureStory, recordEpcis } from "../epcis";
import type { ActorKey } from "../../city";
import {
  cbv,
  commissionLot,
  deploySupplyChain,
  memberPlaces,
  orgNamer,
  textHash,
  traceItem,
  verifyCode,
} from "../../supplychain";
import { epcisLine } from "../../history/timeline";
import type { SupplyChain } from "../../../typechain-types";
import { printTable } from "../../table";
import { DemoChapter, heading, refusal, requireCity, say, sendAll } from "../context";
import { storyHistory } from "../../history/demo";

const LOT_SIZE = 10_000;
const PALLET_SIZE = 1_000;
const PACK_CALL = 250;
/** Gas budget per packed item (a sparse multiproof costs about 40,000): two pack calls fit a 30M-gas block. */
const PACK_GAS_PER_ITEM = 45_000;

/** What this chapter hands over as `ctx.system.supplyChainLot`: its finished lot, the lot's input and a sold pack. */
export interface SupplyChainLotFact {
  gtin: string;
  lot: string;
  lotId: string;
  expiry: string;
  origin: string;
  input: { lot: string; lotId: string; origin: string };
  /** A serial sold at Corner Pharmacy in this chapter (its lot is recalled later). */
  sold: string;
}

/**
 * Acme Pharma commissions a lot of 10,000 serials in one transaction, packs it on ten pallets that ColdLine
 * carries to MedSupply; Corner Pharmacy sells packs, Northside Hospital scans a cloned code, Acme recalls the
 * lot in O(1) and a consumer traces the pack she bought.
 */
export const chapter: DemoChapter = {
  title: "Supply chain: 10,000 serials, pallets, a clone, a recall, a trace",
  async run(ctx) {
    const { hre, actors } = ctx;
    const { consortium, orgIds } = requireCity(ctx);
    const sc: SupplyChain = await deploySupplyChain(hre, await consortium.getAddress(), actors.deployer);
    ctx.system.supplyChain = sc;
    say(`SupplyChain deployed at ${await sc.getAddress()}`);
    const names = await orgNamer(consortium);
    const gasRows: [string, bigint | number][] = [];
    const gas = async (label: string, sent: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) => {
      const receipt = await (await sent).wait();
      gasRows.push([label, receipt!.gasUsed]);
      return receipt!.gasUsed;
    };
    const m = sc.connect(actors.manufacturer);
    const origin = "urn:epc:id:sgln:4012345.00001.0";
    const apiOrigin = "urn:epc:id:sgln:4098765.00002.0";

    heading("Products and lots");
    // the product's master data is the city catalogue's entry; the chain keeps its hash
    const gtin = PARACETAMOL;
    await gas("register product", m.registerProduct(gtin, catalogueHash(gtin)));
    say(`Acme registers GTIN ${gtin} (check digit verified on chain)`);
    const expiry = yymmddFromExpiry(Math.floor(Date.UTC(2028, 5, 30) / 1000) + 86_400);
    const api = await commissionLot(
      m,
      actors.manufacturer,
      { gtin, lot: "API-2026-07", expiry, serials: Array.from({ length: 12 }, (_, i) => `DRUM${i + 1}`) },
      { origin: apiOrigin },
    );
    say(`raw material lot API-2026-07 (12 drums of paracetamol powder) commissioned`);
    const bar = new SingleBar({ format: "  hashing 10,000 serials [{bar}] {value}/{total}" }, Presets.shades_classic);
    bar.start(LOT_SIZE, 0);
    const serials = Array.from({ length: LOT_SIZE }, (_, i) => `PCM${String(i + 1).padStart(6, "0")}`);
    const lot = await commissionLot(
      m,
      actors.manufacturer,
      { gtin, lot: "PCM-2026-118", expiry, serials },
      { origin, inputLots: [api.lotId] },
      (done) => bar.update(done),
    );
    bar.stop();
    gasRows.push(["commission 10,000 serials (one Merkle root)", lot.gas]);
    say(`lot PCM-2026-118: ${LOT_SIZE} serials committed as one Merkle root for ${lot.gas} gas, input lot API-2026-07`);

    heading("Ten pallets through the carrier to the distributor");
    const pallets = Array.from({ length: LOT_SIZE / PALLET_SIZE }, (_, i) =>
      BigInt(makeSscc(`0040123450000${String(i + 1).padStart(4, "0")}`)),
    );
    const packBar = new SingleBar(
      { format: "  packing pallets [{bar}] {value}/{total} items" },
      Presets.shades_classic,
    );
    packBar.start(LOT_SIZE, 0);
    const packs = pallets.flatMap((sscc, p) =>
      Array.from({ length: PALLET_SIZE / PACK_CALL }, (_, k) => {
        const from = p * PALLET_SIZE + k * PACK_CALL;
        const mp = lot.tree.multiProof(serials.slice(from, from + PACK_CALL));
        // a fixed limit avoids a slow estimate of each call
        const gasLimit = 1_000_000 + PACK_CALL * PACK_GAS_PER_ITEM;
        return () => m.packItems(sscc, lot.lotId, mp.serialHashes, mp.proof, mp.proofFlags, { gasLimit });
      }),
    );
    await sendAll(packs, (n) => packBar.update(n * PACK_CALL));
    packBar.stop();
    say(`${pallets.length} pallets (SSCC) of ${PALLET_SIZE} packs each; every pack materialised from the multiproof`);
    // Each hop is documented by real EPCIS 2.0 shipping and receiving events; their CBV 2.0 hashes are anchored.
    const po = "urn:epcglobal:cbv:bt:4012345000009:PO-7781";
    const hop = (sscc: bigint, from: number, to: number, owner: number, newOwner: number, leg: number) =>
      custodyHop({ what: { sscc }, from, to, owner, newOwner, time: DEMO_EPOCH + leg * 86_400, purchaseOrder: po });
    const { manufacturer: mfr, carrier: crr, distributor: dst, pharmacy: pha } = orgIds;
    // The event documents stay with the members who anchored them (their EPCIS capture, below).
    const actorOf: Record<number, ActorKey> = {
      [mfr]: "manufacturer",
      [crr]: "carrier",
      [dst]: "distributor",
      [pha]: "pharmacy",
    };
    const documents = new Map<ActorKey, EpcisEvent[]>();
    const record = (by: ActorKey, ...events: EpcisEvent[]) =>
      documents.set(by, [...(documents.get(by) ?? []), ...events]);
    const ship = (sscc: bigint, from: number, to: number, owner: number, newOwner: number, leg: number) => {
      const h = hop(sscc, from, to, owner, newOwner, leg);
      record(actorOf[from], h.shipping);
      return { receiver: to, newOwner, ...h.shipment };
    };
    const arrival = (sscc: bigint, from: number, to: number, owner: number, newOwner: number, leg: number) => {
      const h = hop(sscc, from, to, owner, newOwner, leg);
      record(actorOf[to], h.receiving);
      return h.receipt;
    };
    const carrier = sc.connect(actors.carrier);
    const legs: ((sscc: bigint) => Promise<ContractTransactionResponse>)[] = [
      (sscc) => m.shipPallet(sscc, ship(sscc, mfr, crr, mfr, dst, 0)),
      (sscc) => {
        const r = arrival(sscc, mfr, crr, mfr, dst, 0);
        return carrier.receivePallet(sscc, r.location, r.epcisHash);
      },
      (sscc) => carrier.shipPallet(sscc, ship(sscc, crr, dst, dst, 0, 1)),
      (sscc) => {
        const r = arrival(sscc, crr, dst, dst, 0, 1);
        return sc.connect(actors.distributor).receivePallet(sscc, r.location, r.epcisHash);
      },
    ];
    let moves = 0n;
    // Each leg moves all ten pallets at once; the next leg starts when they have all arrived.
    for (const leg of legs) {
      for (const r of await sendAll(pallets.map((sscc) => () => leg(sscc)))) moves += r.gasUsed;
    }
    gasRows.push([`${pallets.length} pallets: ship+receive twice (10,000 packs)`, moves]);
    say(
      `Acme → ColdLine → MedSupply: ${pallets.length * legs.length} pallet transactions moved ${LOT_SIZE} packs (${moves} gas)`,
    );
    const first = await sc.item(lot.lotId, textHash(serials[0]));
    say(`pack ${serials[0]} now: custodian ${names(first.custodian)}, owner ${names(first.owner)}`);

    heading("The pharmacy sells; a clone is caught");
    /** A member's site as the contract commits read points: keccak256 of its GLN-based id. */
    const siteOf = (org: number) => keccak256(toUtf8Bytes(locationUri(demoGln(org))));
    const d = sc.connect(actors.distributor);
    await (await d.shipPallet(pallets[0], ship(pallets[0], dst, pha, dst, pha, 2))).wait();
    const shop = arrival(pallets[0], dst, pha, dst, pha, 2);
    await (await sc.connect(actors.pharmacy).receivePallet(pallets[0], shop.location, shop.epcisHash)).wait();
    const shelf = serials.slice(0, 20).map(textHash);
    await gas("unpack 20 packs at the pharmacy", sc.connect(actors.pharmacy).unpackItems(pallets[0], lot.lotId, shelf));
    const p = sc.connect(actors.pharmacy);
    const sold = await sendAll(
      shelf.slice(0, 5).map((h) => () => p.decommission(lot.lotId, h, [], cbv("retail_selling"), siteOf(pha))),
    );
    gasRows.push(["sell one pack", sold[0].gasUsed]);
    say(`Corner Pharmacy unpacks 20 packs and sells 5 (${serials.slice(0, 5).join(", ")})`);
    const link = buildDigitalLink({ gtin, lot: "PCM-2026-118", serial: serials[2], expiry });
    const cloned = await sc
      .connect(actors.hospital)
      .decommission(lot.lotId, textHash(serials[2]), [], cbv("dispensing"), siteOf(orgIds.hospital));
    const receipt = await cloned.wait();
    const alert = receipt!.logs.map((l) => sc.interface.parseLog(l)).find((e) => e?.name === "CloneAlerted");
    gasRows.push(["clone alert (second decommission)", receipt!.gasUsed]);
    say(
      `Northside Hospital scans a pack carrying ${serials[2]}'s code: no revert, CloneAlerted(reporter ${names(alert!.args.reporter)}, first sold by ${names(alert!.args.firstBy)})` +
        ` — a report, pending the regulator (a code seen is not a pack held)`,
    );
    say(`verify ${link} → ${(await verifyCode(sc, link)).reason}`);

    heading("Recall in O(1)");
    await gas("recall the 10,000-pack lot", m.recallLot(lot.lotId, textHash("API-2026-07 impurity above limit")));
    say(`Acme traces the impurity to API-2026-07 and recalls PCM-2026-118: one flag, every pack reads recalled`);
    const refused = await refusal(sc, () =>
      p.decommission.staticCall(lot.lotId, shelf[10], [], cbv("retail_selling"), siteOf(pha)),
    );
    say(`the pharmacy tries to sell ${serials[10]}: ${refused}`);
    const unsold = buildDigitalLink({ gtin, lot: "PCM-2026-118", serial: serials[9_999], expiry });
    say(`verify ${unsold} (with proof) → ${(await verifyCode(sc, unsold, lot.tree.proof(serials[9_999]))).reason}`);

    heading("EPCIS 2.0: every step anchored by the member that documents it");
    // Shipments and receipts carry their event's CBV 2.0 hash in the custody call itself; every other step's
    // event is anchored through EpcisAnchors as its member's assertion (documents off chain, digests on chain).
    const anchors = await deployEpcisAnchors(hre, await consortium.getAddress(), actors.deployer);
    ctx.system.epcisAnchors = anchors;
    const plant = demoGln(mfr);
    const item = (serial: string) => ({ gtin, serial });
    const made: EpcisEvent[] = [
      commissioningEvent({
        time: DEMO_EPOCH - 3 * 86_400,
        readPoint: demoGln(mfr),
        bizLocation: demoGln(mfr),
        gtin,
        lot: "API-2026-07",
        expiry,
        serials: api.tree.serials,
      }),
      transformationEvent({
        time: DEMO_EPOCH - 2 * 86_400,
        readPoint: plant,
        bizLocation: plant,
        inputs: [{ gtin, lot: "API-2026-07", quantity: 12 }],
        output: { gtin, lot: "PCM-2026-118", quantity: LOT_SIZE, expiry },
      }),
      ...pallets.map((sscc, p) =>
        packingEvent({
          time: DEMO_EPOCH - 86_400 + p * 600,
          readPoint: plant,
          sscc,
          items: serials.slice(p * PALLET_SIZE, (p + 1) * PALLET_SIZE).map(item),
        }),
      ),
      recallEvent({ time: DEMO_EPOCH + 4 * 86_400, readPoint: plant, lot: { gtin, lot: "PCM-2026-118" } }),
    ];
    const counter = demoGln(pha);
    const shelved: EpcisEvent[] = [
      unpackingEvent({
        time: DEMO_EPOCH + 3 * 86_400,
        readPoint: counter,
        sscc: pallets[0],
        items: serials.slice(0, 20).map(item),
      }),
      ...serials.slice(0, 5).map((serial, i) =>
        decommissioningEvent({
          time: DEMO_EPOCH + 3 * 86_400 + 3_600 * (i + 1),
          readPoint: counter,
          item: item(serial),
          step: "retail_selling",
        }),
      ),
    ];
    const dispensed = [
      decommissioningEvent({
        time: DEMO_EPOCH + 3 * 86_400 + 7_200,
        readPoint: demoGln(orgIds.hospital),
        item: item(serials[2]),
        step: "dispensing",
      }),
    ];
    const anchoredBy = async (by: ActorKey, events: EpcisEvent[]) => {
      const done = await anchorEpcisEvents(anchors, actors[by], events);
      record(by, ...events);
      const tx = await hre.ethers.provider.getTransactionReceipt(done[0].tx);
      return { count: done.length, gas: tx!.gasUsed };
    };
    const a1 = await anchoredBy("manufacturer", made);
    const a2 = await anchoredBy("pharmacy", shelved);
    await anchoredBy("hospital", dispensed);
    gasRows.push([`anchor ${a1.count} EPCIS events (commissioning, transformation, 10 packings, recall)`, a1.gas]);
    say(
      `Acme anchored ${a1.count} events (commissioning, the transformation of API-2026-07 into PCM-2026-118, ` +
        `10 packings of 1,000 packs, the recall) in one transaction; Corner Pharmacy ${a2.count} (unpacking, 5 sales), ` +
        `Northside Hospital its dispensing`,
    );
    for (const [by, events] of documents) recordEpcis(ctx, by, events);

    heading("The EPCIS 2.0 interface: partners capture and query, each sees what it may");
    const history = await storyHistory(ctx, ["consortium", "supplyChain", "epcisAnchors"]);
    const captured = await captureStory(ctx, history.base);
    say(
      `each member signed in with Ethereum (EIP-4361) and captured the documents it anchored: ` +
        [...captured].map(([by, n]) => `${names(orgIds[by as keyof typeof orgIds])} ${n}`).join(", ") +
        ` (an event whose hash its organisation did not anchor is refused)`,
    );
    const regulatorView = await queryEvents(await signIn(actors.regulator, history.base), {
      EQ_bizStep: ["shipping"],
      perPage: 500,
    });
    const matched = regulatorView.events.filter((e) => e["citychain:anchor"].hashMatches).length;
    say(
      `the regulator queries EQ_bizStep=shipping: ${regulatorView.events.length} events, ${matched} of them recomputed to ` +
        `the hash anchored on chain`,
    );
    const packUri = itemUri({ gtin, serial: serials[1] });
    const pharmacyView = await eventsOfEpc(await signIn(actors.pharmacy, history.base), packUri);
    const outsiderView = await queryEvents(await signIn(actors.assetOperator, history.base), { perPage: 500 });
    say(
      `Corner Pharmacy, which held pack ${serials[1]}, reads its ${pharmacyView.events.length} events ` +
        `(${pharmacyView.events.map((e) => e.bizStep).join(", ")}); City Assets Co, a member that never held these ` +
        `goods, sees ${outsiderView.events.length} events`,
    );
    const consumerView = await eventsOfEpc(history.base, packUri);
    say(
      `a consumer asks without signing in: ${consumerView.events.length} events, only what the verify page shows ` +
        `(${Object.keys(consumerView.events[0] ?? {}).join(", ")})`,
    );

    heading("A consumer traces her pack");
    const bought = buildDigitalLink({ gtin, lot: "PCM-2026-118", serial: serials[1], expiry });
    const places = await memberPlaces(consortium);
    const trace = await traceItem(history, bought, names, 3, places);
    printTable(
      ["block", "event", "detail", "EPCIS step · read point · anchor"],
      trace.events.map((e) => [e.block, e.what, e.detail, epcisLine(e.epcis)]),
      `Trace of ${bought}`,
    );
    printTable(
      ["operation", "gas"],
      gasRows.map(([k, v]) => [k, v]),
      "Supply-chain gas in this chapter",
    );
    // What later chapters and the web app's seed name and link to (the lots, their origin, a pack sold in this chapter)
    ctx.system.supplyChainLot = {
      gtin,
      lot: "PCM-2026-118",
      lotId: lot.lotId,
      expiry,
      origin,
      input: { lot: "API-2026-07", lotId: api.lotId, origin: apiOrigin },
      sold: serials[0],
    } satisfies SupplyChainLotFact;
  },
};
