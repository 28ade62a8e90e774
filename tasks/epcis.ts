import { task } from "hardhat/config";
import type { Consortium, SupplyChain } from "../typechain-types";
import { resolveAddress } from "../src/deployments";
import { chainAnchors, readEpcisFile, verifyEpcisEvent } from "../src/epcis-anchor";
import { cliHistory } from "../src/history/endpoint";
import { orgNamer } from "../src/supplychain";
import { printTable, short } from "../src/table";

task(
  "supply:epcis",
  "EPCIS 2.0 events and the chain: `verify <file>` checks each event of a document against its anchor",
)
  .addPositionalParam("action", "verify")
  .addPositionalParam("file", "An EPCIS 2.0 event, an EPCISDocument or a JSON array of events")
  .addOptionalParam("address", "SupplyChain address (default: the Ignition deployment of this network)")
  .setAction(async (args: { action: string; file: string; address?: string }, hre) => {
    if (args.action !== "verify") throw new Error(`supply:epcis: unknown action "${args.action}" (expected verify)`);
    const sc = (await hre.ethers.getContractAt(
      "SupplyChain",
      await resolveAddress(hre, "SupplyChain", args.address),
    )) as unknown as SupplyChain;
    const consortium = (await hre.ethers.getContractAt("Consortium", await sc.consortium())) as unknown as Consortium;
    const names = await orgNamer(consortium);
    const events = readEpcisFile(args.file);
    const history = await cliHistory(hre);
    // One document is checked against one read of the anchors; a single event looks its hash up directly.
    const anchors = events.length > 1 ? await chainAnchors(history) : undefined;
    let anchored = 0;
    for (const [i, event] of events.entries()) {
      const v = await verifyEpcisEvent(history, event, anchors);
      const title = `event ${i + 1}/${events.length} (${String(event.type)} ${String(event.bizStep ?? "")}): ${v.status.toUpperCase()}`;
      if (v.status === "anchored") {
        anchored++;
        printTable(
          ["hash", "anchor", "block", "transaction", "actor", "sender"],
          v.anchors.map((a) => [short(v.epcisHash), a.kind, a.block, short(a.tx), names(a.org), a.sender]),
          title,
        );
      } else {
        printTable(
          ["hash", "nearest anchor", "block", "actor", "what differs"],
          v.candidates.length > 0
            ? v.candidates.map((c) => [
                short(v.epcisHash),
                c.anchor.kind,
                c.anchor.block,
                names(c.anchor.org),
                c.differs.join("; "),
              ])
            : [[short(v.epcisHash), "none", "", "", "no anchor of this pallet or read point"]],
          title,
        );
      }
    }
    console.log(`${anchored} of ${events.length} event(s) anchored`);
    if (anchored < events.length)
      throw new Error(`${events.length - anchored} of ${events.length} event(s) not anchored`);
  });
