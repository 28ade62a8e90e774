import { useMemo, useState } from "react";
import { SupplyChain__factory } from "../../../typechain-types";
import type { SupplyChain } from "../../../typechain-types";
import { expiryFromYymmdd } from "../../../src/gs1";
import { LotFile, LotFileError, SerialTree, parseLotCsv, textHash } from "../../../src/supplychain";
import { LabelSheetButton } from "../labels";
import { useApp } from "../app-context";
import { Hash, Loading, NotDeployed, useChainData, when } from "../components";
import { TxStatus, useTx } from "../tx";
import { Alarm, AlarmCard, useAlarms } from "./alarms";

interface LotFact {
  lotId: string;
  gtin: string;
  lot: string;
}

/** Manufacturers and regulators: commission a lot from a CSV, recall a lot, and the live list of alarms. */
export function ConsolePage() {
  const { deployment } = useApp();
  const address = deployment.contracts.supplyChain;
  const alarms = useAlarms();
  return (
    <>
      <h1>Manufacturers &amp; regulators</h1>
      <section className="card">
        <h2>
          Live alarms <span className="badge">{alarms.data ? alarms.data.filter((a) => a.open).length : "…"} open</span>
        </h2>
        <p className="muted">
          Temperature excursions that quarantined goods, clone alerts and break-glass accesses awaiting review, updated
          with every block.
        </p>
        {!alarms.data ? <Loading error={alarms.error} /> : <AlarmList alarms={alarms.data} />}
      </section>
      {address ? (
        <div className="grid2">
          <CommissionLot address={address} />
          <RecallLot address={address} />
        </div>
      ) : (
        <NotDeployed what="The supply chain" />
      )}
    </>
  );
}

function AlarmList({ alarms }: { alarms: Alarm[] }) {
  const [showClosed, setShowClosed] = useState(true);
  const shown = alarms.filter((a) => a.open || showClosed).sort((a, b) => Number(b.open) - Number(a.open));
  return (
    <>
      <label className="muted">
        <input type="checkbox" checked={showClosed} onChange={(e) => setShowClosed(e.target.checked)} /> show handled
        alarms
      </label>
      {shown.length === 0 ? <div className="muted">No open alarms.</div> : null}
      <div data-testid="alarms">
        {shown.map((a) => (
          <AlarmCard key={a.id} alarm={a} />
        ))}
      </div>
    </>
  );
}

type Phase = { step: string; done: number; total: number };

/** Reads a lot CSV in the browser with the SDK's validator, builds the serial tree and commits its root. */
function CommissionLot({ address }: { address: string }) {
  const [file, setFile] = useState<{ name: string; lot?: LotFile; problems?: string[] }>();
  const [origin, setOrigin] = useState("");
  const [phase, setPhase] = useState<Phase>();
  const [tree, setTree] = useState<{ lot: LotFile; tree: SerialTree }>();
  const tx = useTx();
  const onFile = async (f: File) => {
    setTree(undefined);
    setPhase({ step: "reading the file", done: 0, total: 3 });
    const text = await f.text();
    setPhase({ step: "validating rows", done: 1, total: 3 });
    await new Promise((r) => setTimeout(r, 0));
    try {
      const lot = parseLotCsv(text, f.name);
      setFile({ name: f.name, lot });
      setPhase({ step: `${lot.serials.length} serials valid`, done: 2, total: 3 });
    } catch (err) {
      setFile({ name: f.name, problems: err instanceof LotFileError ? err.problems : [(err as Error).message] });
      setPhase(undefined);
    }
  };
  const commit = async () => {
    if (!file?.lot) return;
    const lot = file.lot;
    setPhase({ step: `hashing ${lot.serials.length} serials into a Merkle tree`, done: 2, total: 4 });
    await new Promise((r) => setTimeout(r, 30));
    const t = SerialTree.of(lot.serials);
    setTree({ lot, tree: t });
    setPhase({ step: "committing the root on chain", done: 3, total: 4 });
    const ok = await tx.run(`Commission lot ${lot.lot} (${t.size} serials)`, (signer) =>
      SupplyChain__factory.connect(address, signer).commissionLot({
        gtin: BigInt(lot.gtin),
        lotNumberHash: textHash(lot.lot),
        expiry: BigInt(expiryFromYymmdd(lot.expiry)),
        origin: textHash(origin || "undisclosed"),
        merkleRoot: t.root,
        itemCount: t.size,
        inputLots: [],
      }),
    );
    setPhase(ok ? { step: "lot committed", done: 4, total: 4 } : undefined);
  };
  const download = useMemo(() => {
    if (!tree) return undefined;
    const data = {
      format: "citychain-lot-tree/1",
      gtin: tree.lot.gtin,
      lot: tree.lot.lot,
      expiry: tree.lot.expiry,
      serials: tree.tree.serials,
      tree: tree.tree.tree.dump(),
    };
    return URL.createObjectURL(new Blob([JSON.stringify(data)], { type: "application/json" }));
  }, [tree]);
  return (
    <section className="card">
      <h2>Commission a lot from a CSV</h2>
      <p className="muted">
        Header <code>gtin,lot,expiry,serial</code> (expiry as YYMMDD). One transaction commits every serial as a Merkle
        root, whatever the lot size; keep the tree file for proofs.
      </p>
      <div className="form-row">
        <input
          type="file"
          accept=".csv,text/csv"
          data-testid="csv-file"
          onChange={(e) => e.target.files?.[0] && void onFile(e.target.files[0])}
        />
      </div>
      {file?.problems ? (
        <div className="error" data-testid="csv-problems">
          {file.name}: {file.problems.length} problem(s)
          <ul>
            {file.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {file?.lot ? (
        <>
          <dl className="facts">
            <dt>GTIN</dt>
            <dd>{file.lot.gtin}</dd>
            <dt>Lot</dt>
            <dd>{file.lot.lot}</dd>
            <dt>Expiry</dt>
            <dd>{file.lot.expiry}</dd>
            <dt>Serials</dt>
            <dd data-testid="csv-count">{file.lot.serials.length}</dd>
          </dl>
          <div className="form-row">
            <input
              placeholder="place of origin (GLN or address)"
              value={origin}
              onChange={(e) => setOrigin(e.target.value)}
            />
            <button data-testid="commission" disabled={tx.state.status === "pending"} onClick={() => void commit()}>
              Commission
            </button>
          </div>
        </>
      ) : null}
      {phase ? (
        <div data-testid="progress">
          <div className="progress">
            <div style={{ width: `${(100 * phase.done) / phase.total}%` }} />
          </div>
          <span className="muted">{phase.step}</span>
        </div>
      ) : null}
      <TxStatus state={tx.state} />
      {download && tx.state.status === "confirmed" ? (
        <a href={download} download={`${tree!.lot.gtin}-${tree!.lot.lot}.tree.json`}>
          Download the tree file
        </a>
      ) : null}
      {tree && tx.state.status === "confirmed" ? <LabelSheetButton lot={tree.lot} /> : null}
    </section>
  );
}

/** Recalls a lot in one O(1) transaction (the lot's manufacturer or a regulator). */
function RecallLot({ address }: { address: string }) {
  const { deployment, provider } = useApp();
  const [lotId, setLotId] = useState("");
  const [reason, setReason] = useState("");
  const tx = useTx();
  const known = Object.values((deployment.facts.appLots ?? {}) as Record<string, LotFact>);
  const { data } = useChainData(async () => {
    const sc: SupplyChain = SupplyChain__factory.connect(address, provider);
    const events = await sc.queryFilter(sc.filters.LotCommissioned());
    const lots = await Promise.all(events.map((e) => sc.lot(e.args.lotId)));
    return events.map((e, i) => ({ lotId: e.args.lotId, gtin: e.args.gtin, lot: lots[i], at: lots[i].commissionedAt }));
  }, [address]);
  const name = (id: string, gtin: bigint) => {
    const f = known.find((k) => k.lotId === id);
    return f ? `${f.lot} (GTIN ${f.gtin})` : `GTIN ${gtin} lot ${id.slice(0, 10)}…`;
  };
  return (
    <section className="card">
      <h2>Recall a lot</h2>
      <p className="muted">Every item of the lot reads as recalled at once and can no longer be sold or dispensed.</p>
      {!data ? (
        <Loading />
      ) : (
        <div className="form-row">
          <select data-testid="recall-lot" value={lotId} onChange={(e) => setLotId(e.target.value)}>
            <option value="">choose a lot…</option>
            {data.map((l) => (
              <option key={l.lotId} value={l.lotId} disabled={l.lot.recalled || l.lot.destroyed}>
                {name(l.lotId, l.gtin)} · {when(l.at)}
                {l.lot.recalled ? " · recalled" : ""}
              </option>
            ))}
          </select>
          <input
            data-testid="recall-reason"
            placeholder="recall notice"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <button
            className="danger"
            data-testid="recall"
            disabled={!lotId || !reason || tx.state.status === "pending"}
            onClick={() =>
              void tx.run("Recall lot", (s) =>
                SupplyChain__factory.connect(address, s).recallLot(lotId, textHash(reason)),
              )
            }
          >
            Recall
          </button>
        </div>
      )}
      {lotId ? (
        <div className="muted">
          lot id <Hash value={lotId} />
        </div>
      ) : null}
      <TxStatus state={tx.state} />
    </section>
  );
}
