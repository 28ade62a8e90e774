import { useMemo, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { SupplyChain__factory } from "../../../typechain-types";
import type { SupplyChain } from "../../../typechain-types";
import { expiryFromYymmdd } from "../../../src/gs1";
import { LotFile, LotFileError, SerialTree, parseLotCsv, textHash } from "../../../src/supplychain";
import { LabelSheetButton } from "../labels";
import { syncedHistory, useApp } from "../app-context";
import { Hash, Loading, NotDeployed, useChainData } from "../components";
import { useFormat } from "../i18n";
import { TxStatus, useTx } from "../tx";
import { Alarm, AlarmCard, useAlarms } from "./alarms";

interface LotFact {
  lotId: string;
  gtin: string;
  lot: string;
}

/** Manufacturers and regulators: commission a lot from a CSV, recall a lot, and the live list of alarms. */
export function ConsolePage() {
  const { t } = useTranslation();
  const { deployment } = useApp();
  const address = deployment.contracts.supplyChain;
  const alarms = useAlarms();
  return (
    <>
      <h1>{t("console.title")}</h1>
      <section className="card">
        <h2>
          {t("console.alarms")}{" "}
          <span className="badge">
            {t("console.open", { count: alarms.data ? alarms.data.filter((a) => a.open).length : "…" })}
          </span>
        </h2>
        <p className="muted">{t("console.alarmsText")}</p>
        {!alarms.data ? <Loading error={alarms.error} /> : <AlarmList alarms={alarms.data} />}
      </section>
      {address ? (
        <div className="grid2">
          <CommissionLot address={address} />
          <RecallLot address={address} />
        </div>
      ) : (
        <NotDeployed what={t("app.supplyChain")} />
      )}
    </>
  );
}

function AlarmList({ alarms }: { alarms: Alarm[] }) {
  const { t } = useTranslation();
  const [showClosed, setShowClosed] = useState(true);
  const shown = alarms.filter((a) => a.open || showClosed).sort((a, b) => Number(b.open) - Number(a.open));
  return (
    <>
      <label className="muted">
        <input type="checkbox" checked={showClosed} onChange={(e) => setShowClosed(e.target.checked)} />{" "}
        {t("console.showHandled")}
      </label>
      {shown.length === 0 ? <div className="muted">{t("console.noOpen")}</div> : null}
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
  const { t } = useTranslation();
  const [file, setFile] = useState<{ name: string; lot?: LotFile; problems?: string[] }>();
  const [origin, setOrigin] = useState("");
  const [phase, setPhase] = useState<Phase>();
  const [tree, setTree] = useState<{ lot: LotFile; tree: SerialTree }>();
  const tx = useTx();
  const onFile = async (f: File) => {
    setTree(undefined);
    setPhase({ step: t("console.reading"), done: 0, total: 3 });
    const text = await f.text();
    setPhase({ step: t("console.validating"), done: 1, total: 3 });
    await new Promise((r) => setTimeout(r, 0));
    try {
      const lot = parseLotCsv(text, f.name);
      setFile({ name: f.name, lot });
      setPhase({ step: t("console.valid", { count: lot.serials.length }), done: 2, total: 3 });
    } catch (err) {
      setFile({ name: f.name, problems: err instanceof LotFileError ? err.problems : [(err as Error).message] });
      setPhase(undefined);
    }
  };
  const commit = async () => {
    if (!file?.lot) return;
    const lot = file.lot;
    setPhase({ step: t("console.hashing", { count: lot.serials.length }), done: 2, total: 4 });
    await new Promise((r) => setTimeout(r, 30));
    const serialTree = SerialTree.of(lot.serials);
    setTree({ lot, tree: serialTree });
    setPhase({ step: t("console.committing"), done: 3, total: 4 });
    const ok = await tx.run(t("console.commissionTx", { lot: lot.lot, count: serialTree.size }), (signer) =>
      SupplyChain__factory.connect(address, signer).commissionLot({
        gtin: BigInt(lot.gtin),
        lotNumberHash: textHash(lot.lot),
        expiry: BigInt(expiryFromYymmdd(lot.expiry)),
        origin: textHash(origin || "undisclosed"),
        merkleRoot: serialTree.root,
        itemCount: serialTree.size,
        inputLots: [],
      }),
    );
    setPhase(ok ? { step: t("console.committed"), done: 4, total: 4 } : undefined);
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
      <h2>{t("console.commissionTitle")}</h2>
      <p className="muted">
        <Trans i18nKey="console.commissionText" components={{ code: <code /> }} />
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
          {t("console.problems", { file: file.name, count: file.problems.length })}
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
            <dt>{t("console.gtin")}</dt>
            <dd>{file.lot.gtin}</dd>
            <dt>{t("console.lot")}</dt>
            <dd>{file.lot.lot}</dd>
            <dt>{t("console.expiry")}</dt>
            <dd>{file.lot.expiry}</dd>
            <dt>{t("console.serials")}</dt>
            <dd data-testid="csv-count">{file.lot.serials.length}</dd>
          </dl>
          <div className="form-row">
            <input
              placeholder={t("console.originPlaceholder")}
              value={origin}
              onChange={(e) => setOrigin(e.target.value)}
            />
            <button data-testid="commission" disabled={tx.state.status === "pending"} onClick={() => void commit()}>
              {t("console.commission")}
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
          {t("console.download")}
        </a>
      ) : null}
      {tree && tx.state.status === "confirmed" ? <LabelSheetButton lot={tree.lot} /> : null}
    </section>
  );
}

/** Recalls a lot in one O(1) transaction (the lot's manufacturer or a regulator). */
function RecallLot({ address }: { address: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { deployment, provider, history } = useApp();
  const [lotId, setLotId] = useState("");
  const [reason, setReason] = useState("");
  const tx = useTx();
  const known = Object.values((deployment.facts.appLots ?? {}) as Record<string, LotFact>);
  const { data, error } = useChainData(async () => {
    if (!history) throw new Error(t("app.noHistory"));
    await syncedHistory({ history, provider });
    const sc: SupplyChain = SupplyChain__factory.connect(address, provider);
    // Which lots exist comes from the history (the newest 200); whether each is recalled, from the contract now.
    const commissioned = (await history.lots({ limit: 200 })).data;
    const lots = await Promise.all(commissioned.map((l) => sc.lot(l.lotId)));
    return commissioned.map((l, i) => ({
      lotId: l.lotId,
      gtin: BigInt(l.gtin),
      lot: lots[i],
      at: lots[i].commissionedAt,
    }));
  }, [address]);
  const name = (id: string, gtin: bigint) => {
    const f = known.find((k) => k.lotId === id);
    return f
      ? t("console.lotName", { lot: f.lot, gtin: f.gtin })
      : t("console.lotUnknown", { gtin: gtin.toString(), id: `${id.slice(0, 10)}…` });
  };
  return (
    <section className="card">
      <h2>{t("console.recallTitle")}</h2>
      <p className="muted">{t("console.recallText")}</p>
      {!data ? (
        <Loading error={error} />
      ) : (
        <div className="form-row">
          <select data-testid="recall-lot" value={lotId} onChange={(e) => setLotId(e.target.value)}>
            <option value="">{t("console.chooseLot")}</option>
            {data.map((l) => (
              <option key={l.lotId} value={l.lotId} disabled={l.lot.recalled || l.lot.destroyed}>
                {name(l.lotId, l.gtin)} · {fmt.when(l.at)}
                {l.lot.recalled ? t("console.recalledSuffix") : ""}
              </option>
            ))}
          </select>
          <input
            data-testid="recall-reason"
            placeholder={t("console.recallNotice")}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <button
            className="danger"
            data-testid="recall"
            disabled={!lotId || !reason || tx.state.status === "pending"}
            onClick={() =>
              void tx.run(t("console.recallTx"), (s) =>
                SupplyChain__factory.connect(address, s).recallLot(lotId, textHash(reason)),
              )
            }
          >
            {t("console.recall")}
          </button>
        </div>
      )}
      {lotId ? (
        <div className="muted">
          {t("console.lotId")} <Hash value={lotId} />
        </div>
      ) : null}
      <TxStatus state={tx.state} />
    </section>
  );
}
