import { Presets, SingleBar } from "cli-progress";
import type { Signer } from "ethers";
import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { JsonObject } from "../src/epcis";
import type { Consortium, EpcisAnchors, SupplyChain } from "../typechain-types";
import { resolveAddress, resolveSigner } from "../src/deployments";
import { anchorOf as hashOfEvent } from "../src/epcis";
import { anchorEpcisEvents, chainAnchors, readEpcisFile, verifyEpcisEvent } from "../src/epcis-anchor";
import { captureEvents, epcisDocument, signIn } from "../src/epcis-rest/client";
import { cliHistory, indexerUrl } from "../src/history/endpoint";
import { orgNamer } from "../src/supplychain";
import { printTable, short } from "../src/table";

/** What `anchor` and `capture` act on: the file's events, the --from member's signer and the EpcisAnchors contract. */
async function memberInput(
  hre: HardhatRuntimeEnvironment,
  args: { action: string; file: string; address?: string; from?: string },
): Promise<{ events: JsonObject[]; signer: Signer; contract: EpcisAnchors }> {
  if (!args.from) throw new Error(`supply:epcis ${args.action}: --from (the capturing member's signer) is required`);
  const events = readEpcisFile(args.file);
  const signer = await resolveSigner(hre, args.from);
  const contract = (await hre.ethers.getContractAt(
    "EpcisAnchors",
    await resolveAddress(hre, "EpcisAnchors", args.address),
  )) as unknown as EpcisAnchors;
  return { events, signer, contract };
}

task(
  "supply:epcis",
  "EPCIS 2.0 events and the chain: `anchor <file>` anchors each event of a document as the --from member's " +
    "assertion; `capture <file>` anchors what the member has not anchored yet and captures the document into the " +
    "EPCIS interface (CITY_INDEXER_URL); `verify <file>` checks each event of a document against its anchor",
)
  .addPositionalParam("action", "anchor | capture | verify")
  .addPositionalParam("file", "An EPCIS 2.0 event, an EPCISDocument or a JSON array of events")
  .addOptionalParam(
    "address",
    "anchor, capture: the EpcisAnchors address; verify: the SupplyChain address (default: the Ignition deployment of this network)",
  )
  .addOptionalParam("from", "anchor, capture: the capturing member's signer (actor key, address or signer index)")
  .setAction(async (args: { action: string; file: string; address?: string; from?: string }, hre) => {
    if (args.action === "anchor") {
      const { events, signer, contract } = await memberInput(hre, args);
      const names = await orgNamer(
        (await hre.ethers.getContractAt("Consortium", await contract.consortium())) as unknown as Consortium,
      );
      // Shown once the hashes to send are known (the progress counts only new anchors).
      const bar = new SingleBar({ format: "  anchoring [{bar}] {value}/{total} hashes" }, Presets.shades_classic);
      let started = false;
      let results;
      try {
        results = await anchorEpcisEvents(contract, signer, events, {
          onProgress: (done, total) => {
            if (!started) bar.start(total, 0);
            started = true;
            bar.update(done);
          },
        });
      } finally {
        if (started) bar.stop();
      }
      printTable(
        ["#", "event", "hash", "status", "block", "transaction", "member"],
        results.map((r) => [
          r.index + 1,
          `${String(events[r.index].type)} ${String(events[r.index].bizStep ?? "")}`,
          short(r.epcisHash),
          r.status,
          r.block,
          short(r.tx),
          names(r.org),
        ]),
        `supply:epcis anchor ${args.file}`,
      );
      const sent = results.filter((r) => r.status === "anchored").length;
      console.log(`${sent} event(s) anchored, ${results.length - sent} already anchored by this member`);
      return;
    }
    if (args.action === "capture") {
      const { events, signer, contract } = await memberInput(hre, args);
      const consortium = (await hre.ethers.getContractAt(
        "Consortium",
        await contract.consortium(),
      )) as unknown as Consortium;
      const org = Number(await consortium.memberOf(await signer.getAddress()));
      // The interface stores an event only when the member's organisation anchored it: in a custody call or
      // through EpcisAnchors. What it has not anchored yet is anchored now, with its key.
      const history = await cliHistory(hre);
      const missing = [];
      for (const event of events) {
        const { epcisHash } = hashOfEvent(event);
        if (!(await chainAnchors(history, epcisHash)).some((a) => a.org === org)) missing.push(event);
      }
      if (missing.length > 0) await anchorEpcisEvents(contract, signer, missing);
      await cliHistory(hre); // the indexer reads the new anchors before the interface checks them
      const session = await signIn(signer, indexerUrl());
      const job = await captureEvents(session, epcisDocument(events));
      printTable(
        ["capture", "events", "stored", "newly anchored", "result"],
        [[job.captureID, job.eventCount, job.storedCount, missing.length, job.success ? "captured" : "refused"]],
        `supply:epcis capture ${args.file}`,
      );
      if (!job.success) {
        const why = job.errors.map((e) => `event ${e.eventIndex + 1}: ${e.exception}: ${e.detail}`).join("; ");
        throw new Error(`supply:epcis capture: the interface refused the document (${why})`);
      }
      console.log(`${job.storedCount} event(s) captured`);
      return;
    }
    if (args.action !== "verify")
      throw new Error(`supply:epcis: unknown action "${args.action}" (expected anchor, capture or verify)`);
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
