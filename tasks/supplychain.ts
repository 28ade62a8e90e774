import { cliHistory } from "../src/history/endpoint";
import { epcisLine } from "../src/history/timeline";
import fs from "node:fs";
import path from "node:path";
import { SingleBar, Presets } from "cli-progress";
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Consortium, SupplyChain } from "../typechain-types";
import { resolveAddress, resolveSigner } from "../src/deployments";
import {
  buildDigitalLink,
  elementsOf,
  itemOf,
  normaliseGtin,
  parseGs1,
  toBracketed,
  toElementString,
  validateLot,
} from "../src/gs1";
import { palletOf } from "../src/gs1-chain";
import { labelSheetsOfLot } from "../src/labels";
import { palletView } from "../src/pallet";
import {
  SerialTree,
  commissionLot,
  itemKeyOf,
  loadLotCsv,
  lotIdOf,
  memberPlaces,
  orgNamer,
  textHash,
  traceItem,
  verifyCode,
} from "../src/supplychain";
import { printTable, short } from "../src/table";

async function supplyChainAt(hre: HardhatRuntimeEnvironment, address?: string): Promise<SupplyChain> {
  return (await hre.ethers.getContractAt(
    "SupplyChain",
    await resolveAddress(hre, "SupplyChain", address),
  )) as unknown as SupplyChain;
}

async function consortiumOf(hre: HardhatRuntimeEnvironment, sc: SupplyChain): Promise<Consortium> {
  return (await hre.ethers.getContractAt("Consortium", await sc.consortium())) as unknown as Consortium;
}

task("supply:product", "Registers a GTIN-14 (check digit validated) with the hash of its off-chain documents")
  .addParam("gtin", "GTIN-8/12/13/14")
  .addParam("documents", "Product documents or description (only the hash goes on chain)")
  .addOptionalParam("from", "Manufacturer: actor key, address or signer index", "manufacturer")
  .addOptionalParam("address", "SupplyChain address (default: the Ignition deployment of this network)")
  .setAction(async (args: { gtin: string; documents: string; from: string; address?: string }, hre) => {
    const sc = await supplyChainAt(hre, args.address);
    const gtin = normaliseGtin(args.gtin);
    const signer = await resolveSigner(hre, args.from);
    await (await sc.connect(signer).registerProduct(BigInt(gtin), textHash(args.documents))).wait();
    console.log(`GTIN ${gtin} registered`);
  });

task("supply:commission", "Commissions a lot from a CSV of serials (gtin,lot,expiry,serial) as one Merkle root")
  .addParam("file", "The lot CSV (header gtin,lot,expiry,serial; expiry as YYMMDD)")
  .addOptionalParam("origin", "Place of origin (GLN URN or text; hashed)", "unspecified")
  .addOptionalParam("inputs", "Comma-separated input lot ids (raw materials)", "")
  .addOptionalParam("tree", "Where to store the tree file (default: <file>.tree.json)")
  .addOptionalParam("from", "Manufacturer: actor key, address or signer index", "manufacturer")
  .addOptionalParam("address", "SupplyChain address")
  .setAction(
    async (
      args: { file: string; origin: string; inputs: string; tree?: string; from: string; address?: string },
      hre,
    ) => {
      const sc = await supplyChainAt(hre, args.address);
      const signer = await resolveSigner(hre, args.from);
      const lot = loadLotCsv(args.file);
      const bar = new SingleBar({ format: "  hashing serials [{bar}] {value}/{total}" }, Presets.shades_classic);
      bar.start(lot.serials.length, 0);
      const inputLots = args.inputs ? args.inputs.split(",").map((s) => s.trim()) : [];
      const { lotId, tree, gas } = await commissionLot(sc, signer, lot, { origin: args.origin, inputLots }, (done) =>
        bar.update(done),
      );
      bar.stop();
      const treeFile = args.tree ?? `${args.file.replace(/\.csv$/i, "")}.tree.json`;
      tree.save(treeFile, lot);
      printTable(
        ["field", "value"],
        [
          ["GTIN", lot.gtin],
          ["lot", lot.lot],
          ["expiry", lot.expiry],
          ["serials", tree.size],
          ["lot id", lotId],
          ["Merkle root", tree.root],
          ["gas", gas],
          ["tree file", path.resolve(treeFile)],
        ],
        `Lot ${lot.lot} commissioned`,
      );
    },
  );

const ANY_FORM =
  "a GS1 Digital Link (https://…/01/<gtin>/10/<lot>/21/<serial>?17=<YYMMDD>, any domain and path prefix), " +
  "scanner data (]d2010950…17…10…<GS>21…) or the bracketed form ((01)…(17)…(10)…(21)…)";

task("supply:trace", "Prints the history of an item or a pallet (SSCC) from any GS1 form")
  .addPositionalParam("link", ANY_FORM)
  .addOptionalParam("depth", "Levels of upstream input lots to follow", 3, types.int)
  .addOptionalParam("address", "SupplyChain address")
  .setAction(async (args: { link: string; depth: number; address?: string }, hre) => {
    const sc = await supplyChainAt(hre, args.address);
    const consortium = await consortiumOf(hre, sc);
    const names = await orgNamer(consortium);
    const data = parseGs1(args.link);
    const time = (t: number) => new Date(t * 1000).toISOString().slice(0, 19);
    if (data.elements[0].ai === "00" || (data.form !== "digital link" && data.elements.some((e) => e.ai === "00"))) {
      const sscc = palletOf(data);
      const view = await palletView(sc, sscc, await cliHistory(hre));
      printTable(
        ["time (UTC)", "block", "event", "detail"],
        view.events.map((e) => [
          time(e.timestamp),
          e.block,
          e.kind,
          e.kind === "shipped"
            ? `${names(e.from!)} → ${names(e.to!)}`
            : e.kind === "received"
              ? `by ${names(e.by!)}`
              : `${e.items} items of lot ${e.lotId ? short(e.lotId) : "?"}`,
        ]),
        `Pallet SSCC ${sscc.toString().padStart(18, "0")}: ${view.itemCount} items, custodian ${names(view.custodian)}` +
          (view.inTransit ? `, in transit to ${names(view.receiver)}` : ""),
      );
      return;
    }
    const link = itemOf(data);
    const places = await memberPlaces(consortium);
    const history = await cliHistory(hre);
    const { lotId, itemKey, events, lag } = await traceItem(history, link, names, args.depth, places);
    if (lag) console.log(`history ${lag}`);
    printTable(
      ["time (UTC)", "block", "event", "detail", "EPCIS step · read point · anchor"],
      events.map((e) => [time(e.timestamp), e.block, e.what, e.detail, epcisLine(e.epcis)]),
      `Trace of ${buildDigitalLink(link)} (lot ${short(lotId)}, item ${short(itemKey)})`,
    );
  });

task("supply:verify", "Is this pack genuine and sellable? Any GS1 form with lot, serial and expiry")
  .addPositionalParam("link", ANY_FORM)
  .addOptionalParam("tree", "The lot's tree file, to prove a serial that is not on chain yet")
  .addOptionalParam("address", "SupplyChain address")
  .setAction(async (args: { link: string; tree?: string; address?: string }, hre) => {
    const sc = await supplyChainAt(hre, args.address);
    const data = parseGs1(args.link);
    const link = itemOf(data);
    const proof = args.tree && link.serial ? SerialTree.load(args.tree).proof(link.serial) : [];
    const { sellable, reason } = await verifyCode(sc, link, proof);
    const lotId = lotIdOf(link.gtin, link.lot!);
    const item = await sc.item(lotId, textHash(link.serial!));
    const elements = elementsOf(link);
    printTable(
      ["field", "value"],
      [
        ["read as", data.form + (data.symbology ? ` (${data.symbology})` : "")],
        ["code", buildDigitalLink(link)],
        ["element string", toBracketed(elements)],
        ["sellable", sellable],
        ["reason", reason],
        ["item key", itemKeyOf(lotId, link.serial!)],
        ["on chain", item.activated],
      ],
      sellable ? "VERIFIED" : `NOT SELLABLE: ${reason}`,
    );
  });

task(
  "supply:labels",
  "Writes a printable sheet of a lot's pack labels (GS1 DataMatrix + Digital Link QR), PNG per A4 page",
)
  .addParam("lot", "The lot: its lot id (0x…) or its lot number")
  .addOptionalParam("tree", "The lot's tree file (written by supply:commission); default: found in --dir")
  .addOptionalParam("dir", "Where to look for *.tree.json files", ".")
  .addOptionalParam("out", "Output directory", "labels")
  .addOptionalParam("first", "First serial (1-based) to print", 1, types.int)
  .addOptionalParam("count", "How many labels (default: the whole lot)", 0, types.int)
  .addOptionalParam("resolver", "Digital Link resolver domain", "https://id.example")
  .addOptionalParam("address", "SupplyChain address")
  .setAction(
    async (
      args: {
        lot: string;
        tree?: string;
        dir: string;
        out: string;
        first: number;
        count: number;
        resolver: string;
        address?: string;
      },
      hre,
    ) => {
      const sc = await supplyChainAt(hre, args.address);
      const result = await labelSheetsOfLot(sc, args);
      fs.mkdirSync(args.out, { recursive: true });
      const files = result.pages.map((png, i) => {
        const file = path.join(args.out, `${result.lot.lot}-labels-${String(i + 1).padStart(3, "0")}.png`);
        fs.writeFileSync(file, png);
        return path.resolve(file);
      });
      printTable(
        ["field", "value"],
        [
          ["GTIN", result.lot.gtin],
          ["lot", result.lot.lot],
          ["lot id", result.lotId],
          ["labels", result.count],
          ["first label", toElementString(elementsOf(result.firstPack), { separator: "<GS>", symbology: "]d2" })],
          ["pages", files.join("\n")],
        ],
        `Labels of lot ${result.lot.lot}`,
      );
    },
  );

task("supply:recall", "Recalls a lot in O(1) (its manufacturer or a regulator)")
  .addParam("gtin", "GTIN of the lot")
  .addParam("lot", "Lot number")
  .addParam("reason", "Recall notice (only its hash goes on chain)")
  .addOptionalParam("from", "Manufacturer or regulator: actor key, address or signer index", "manufacturer")
  .addOptionalParam("address", "SupplyChain address")
  .setAction(async (args: { gtin: string; lot: string; reason: string; from: string; address?: string }, hre) => {
    const sc = await supplyChainAt(hre, args.address);
    const lotId = lotIdOf(normaliseGtin(args.gtin), validateLot(args.lot));
    const signer = await resolveSigner(hre, args.from);
    const receipt = await (await sc.connect(signer).recallLot(lotId, textHash(args.reason))).wait();
    const lot = await sc.lot(lotId);
    printTable(
      ["field", "value"],
      [
        ["lot id", lotId],
        ["items", lot.itemCount],
        ["expiry", new Date(Number(lot.expiry) * 1000).toISOString().slice(0, 10)],
        ["gas", receipt!.gasUsed],
      ],
      `Lot ${args.lot} recalled: every item reads as recalled`,
    );
  });
