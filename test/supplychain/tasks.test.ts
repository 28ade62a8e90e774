import { cliHistory } from "../../src/history/endpoint";
import { withIndexerUrl } from "../fixtures/history";
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Gs1Error, buildDigitalLink, makeGtin } from "../../src/gs1";
import { LotFileError, SerialTree, lotIdOf, textHash } from "../../src/supplychain";
import { DEMO_EPOCH, custodyHop, demoGln, epcisEventHash } from "../../src/epcis";
import { listMembers } from "../../src/consortium";
import { palletView } from "../../src/pallet";
import { SERIALS, SSCC, deploySupplyChainFixture, shipment } from "../fixtures/supplychain";

/** Runs a task with console output captured. */
async function run(name: string, args: Record<string, unknown>): Promise<string> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.map(String).join(" "));
  try {
    await hre.run(name, args);
  } finally {
    console.log = log;
  }
  return lines.join("\n");
}

describe("supply:* tasks", function () {
  it("registers a product, commissions a CSV lot, verifies, traces and recalls it", async function () {
    const { sc, consortium, actors, orgIds } = await loadFixture(deploySupplyChainFixture);
    const address = await sc.getAddress();
    const gtin = makeGtin("0401234500099");
    await run("supply:product", { gtin, documents: "Ibuprofen 200 mg", from: "manufacturer", address });
    expect((await sc.product(gtin)).metadataHash).to.equal(textHash("Ibuprofen 200 mg"));

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "supply-"));
    const file = path.join(dir, "lot.csv");
    const rows = Array.from({ length: 300 }, (_, i) => `${gtin},IBU-1,301231,I${i + 1}`);
    fs.writeFileSync(file, ["gtin,lot,expiry,serial", ...rows].join("\n"));
    const out = await run("supply:commission", {
      file,
      origin: "urn:epc:id:sgln:4012345.00001.0",
      inputs: "",
      from: "manufacturer",
      address,
    });
    expect(out).to.contain("Lot IBU-1 commissioned");
    const lotId = lotIdOf(gtin, "IBU-1");
    expect((await sc.lot(lotId)).itemCount).to.equal(300n);
    expect(fs.existsSync(path.join(dir, "lot.tree.json"))).to.equal(true);

    const link = buildDigitalLink({ gtin, lot: "IBU-1", serial: "I7", expiry: "301231" });
    expect(await run("supply:verify", { link, tree: path.join(dir, "lot.tree.json"), address })).to.contain("VERIFIED");
    expect(await run("supply:verify", { link, address })).to.contain("NOT SELLABLE: unknown serial");
    // Every GS1 form: raw DataMatrix scanner data with a keyboard-wedge separator, and the bracketed text.
    const tree = path.join(dir, "lot.tree.json");
    const scanned = await run("supply:verify", { link: `]d201${gtin}17301231` + "10IBU-1<GS>21I7", tree, address });
    expect(scanned).to.contain("VERIFIED");
    expect(scanned).to.contain("element string (]d2)");
    expect(await run("supply:verify", { link: `(01)${gtin}(17)301231(10)IBU-1(21)I7`, tree, address })).to.contain(
      "VERIFIED",
    );
    await expect(run("supply:verify", { link: `]d201${gtin}17301399` + "10IBU-1", address })).to.be.rejectedWith(
      Gs1Error,
      "AI (17)",
    );

    // Labels: the lot is found by number among the tree files of --dir, checked against the chain, one PNG a page.
    const labels = path.join(dir, "labels");
    const printed = await run("supply:labels", {
      lot: "IBU-1",
      dir,
      out: labels,
      first: 1,
      count: 9,
      resolver: "https://id.example",
      address,
    });
    expect(printed).to.contain("Labels of lot IBU-1");
    expect(fs.readdirSync(labels).sort()).to.deep.equal(["IBU-1-labels-001.png", "IBU-1-labels-002.png"]);
    await expect(
      run("supply:labels", {
        lot: "NOPE",
        dir,
        out: labels,
        first: 1,
        count: 0,
        resolver: "https://id.example",
        address,
      }),
    ).to.be.rejectedWith(Error, "no *.tree.json");
    // the pack leaves the plant documented by a real EPCIS event: the trace names its step, read point and anchor
    const hop = custodyHop({
      what: { items: [{ gtin, serial: "I7" }] },
      from: orgIds.manufacturer,
      to: orgIds.distributor,
      owner: orgIds.manufacturer,
      time: DEMO_EPOCH,
    });
    const proof = SerialTree.load(tree).proof("I7");
    await sc
      .connect(actors.manufacturer)
      .shipItem(lotId, textHash("I7"), proof, { receiver: orgIds.distributor, newOwner: 0, ...hop.shipment });
    expect(
      await run("supply:recall", { gtin, lot: "IBU-1", reason: "label misprint", from: "manufacturer", address }),
    ).to.contain("Lot IBU-1 recalled");
    const trace = await withIndexerUrl({ supplyChain: sc }, () => run("supply:trace", { link, depth: 3, address }));
    expect(trace).to.contain("Lot commissioned");
    expect(trace).to.contain("Lot recalled");
    const plant = (await listMembers(consortium)).find((m) => m.id === orgIds.manufacturer)!.name;
    expect(trace).to.contain(
      `shipping · ${plant} (GLN ${demoGln(orgIds.manufacturer)}) · ${epcisEventHash(hop.shipping)}`,
    );
  });

  it("traces a pallet from its SSCC Digital Link or its ]C1 scan: contents by lot, shipments and receipts", async function () {
    const { sc, actors, orgIds, lotId, tree } = await loadFixture(deploySupplyChainFixture);
    const address = await sc.getAddress();
    const mp = tree.multiProof(SERIALS.slice(0, 10));
    await sc.connect(actors.manufacturer).packItems(SSCC, lotId, mp.serialHashes, mp.proof, mp.proofFlags);
    await sc.connect(actors.manufacturer).shipPallet(SSCC, shipment(orgIds.carrier));
    await sc.connect(actors.carrier).receivePallet(SSCC, textHash("hub"), textHash("epcis"));
    await withIndexerUrl({ supplyChain: sc }, async () => {
      const view = await palletView(sc, SSCC, await cliHistory(hre));
      expect(view.itemCount).to.equal(10);
      expect(view.lots).to.deep.equal([{ lotId, items: 10 }]);
      expect(view.custodian).to.equal(BigInt(orgIds.carrier));
      expect(view.events.map((e) => e.kind)).to.deep.equal(["packed", "shipped", "received"]);
      expect(view.events[0].items).to.equal(10);
      expect(view.events[0].lotId).to.equal(lotId);
      const sscc = SSCC.toString().padStart(18, "0");
      for (const link of [`https://id.example/logistics/00/${sscc}`, `]C100${sscc}`]) {
        const trace = await run("supply:trace", { link, depth: 3, address });
        expect(trace).to.contain(`Pallet SSCC ${sscc}: 10 items`);
        expect(trace).to.match(/packed[\s\S]*10 items of lot[\s\S]*shipped[\s\S]*received/);
      }
    });
  });

  it("stops a commission at the first bad CSV with row-precise problems and sends nothing", async function () {
    const { sc } = await loadFixture(deploySupplyChainFixture);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "supply-"));
    const file = path.join(dir, "bad.csv");
    fs.writeFileSync(file, "gtin,lot,expiry,serial\n04012345000016,B1,301231,A\n04012345000016,B1,301231,A\n");
    const before = await hre.ethers.provider.getBlockNumber();
    await expect(
      run("supply:commission", { file, origin: "x", inputs: "", from: "manufacturer", address: await sc.getAddress() }),
    ).to.be.rejectedWith(LotFileError, 'line 3, serial: duplicate "A" (first on line 2)');
    expect(await hre.ethers.provider.getBlockNumber()).to.equal(before);
  });
});
