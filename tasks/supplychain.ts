import path from "node:path";
import { SingleBar, Presets } from "cli-progress";
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Consortium, SupplyChain } from "../typechain-types";
import { resolveAddress, resolveSigner } from "../src/deployments";
import { buildDigitalLink, normaliseGtin, parseDigitalLink, validateLot } from "../src/gs1";
import {
  SerialTree,
  commissionLot,
  itemKeyOf,
  loadLotCsv,
  lotIdOf,
  orgNamer,
  textHash,
  traceItem,
  verifyCode,
} from "../src/supplychain";
import { printTable, short } from "../src/table";
import { historyFor } from "../src/history";
import { indexerUrlFor } from "../src/indexer/target";

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

task("supply:trace", "Prints an item's history (upstream lots, custody, recalls, alerts) from a GS1 Digital Link")
  .addPositionalParam("link", "https://id.example/01/<gtin>/10/<lot>/21/<serial>")
  .addOptionalParam("depth", "Levels of upstream input lots to follow", 3, types.int)
  .addOptionalParam("address", "SupplyChain address")
  .setAction(async (args: { link: string; depth: number; address?: string }, hre) => {
    const sc = await supplyChainAt(hre, args.address);
    const names = await orgNamer(await consortiumOf(hre, sc));
    const { lotId, itemKey, events } = await traceItem(
      sc,
      args.link,
      names,
      args.depth,
      historyFor(hre.ethers.provider, indexerUrlFor(hre.network.name)),
    );
    printTable(
      ["time (UTC)", "block", "event", "detail"],
      events.map((e) => [new Date(e.timestamp * 1000).toISOString().slice(0, 19), e.block, e.what, e.detail]),
      `Trace of ${args.link} (lot ${short(lotId)}, item ${short(itemKey)})`,
    );
  });

task("supply:verify", "Is this code genuine and sellable? (GS1 Digital Link with ?17=YYMMDD)")
  .addPositionalParam("link", "https://id.example/01/<gtin>/10/<lot>/21/<serial>?17=<YYMMDD>")
  .addOptionalParam("tree", "The lot's tree file, to prove a serial that is not on chain yet")
  .addOptionalParam("address", "SupplyChain address")
  .setAction(async (args: { link: string; tree?: string; address?: string }, hre) => {
    const sc = await supplyChainAt(hre, args.address);
    const link = parseDigitalLink(args.link);
    const proof = args.tree && link.serial ? SerialTree.load(args.tree).proof(link.serial) : [];
    const { sellable, reason } = await verifyCode(sc, link, proof);
    const lotId = lotIdOf(link.gtin, link.lot!);
    const item = await sc.item(lotId, textHash(link.serial!));
    printTable(
      ["field", "value"],
      [
        ["code", buildDigitalLink(link)],
        ["sellable", sellable],
        ["reason", reason],
        ["item key", itemKeyOf(lotId, link.serial!)],
        ["on chain", item.activated],
      ],
      sellable ? "VERIFIED" : `NOT SELLABLE: ${reason}`,
    );
  });

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
