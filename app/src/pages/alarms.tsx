import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type ContractTransactionResponse, type Signer, getAddress } from "ethers";
import { ColdChain__factory, MedicalRecords__factory, SupplyChain__factory } from "../../../typechain-types";
import { EXCURSION_KIND } from "../../../src/coldchain";
import { EMERGENCY_REASONS } from "../../../src/fhir";
import { textHash } from "../../../src/supplychain";
import { syncedHistory, useApp } from "../app-context";
import type { AppState } from "../app-context";
import { Hash, useChainData } from "../components";
import { Msg, msg, useFormat, useMsg } from "../i18n";
import { TxStatus, useTx } from "../tx";

/** An action an alarm allows, taking the decision's reason (only its hash goes on chain). */
export interface AlarmAction {
  label: Msg;
  testId: string;
  danger?: boolean;
  send(signer: Signer, reasonHash: string): Promise<ContractTransactionResponse>;
  /** Further transactions of the same decision (e.g. releasing the shipment's lots after the shipment). */
  then?: { label: Msg; send(signer: Signer, reasonHash: string): Promise<ContractTransactionResponse> }[];
}

/** One entry of the live alarm list. */
export interface Alarm {
  id: string;
  kind: "excursion" | "quarantine" | "clone" | "break-glass";
  title: Msg;
  detail: Msg;
  time: number;
  block: number;
  /** Still awaiting a decision. */
  open: boolean;
  /** What happened when it is no longer open. */
  outcome?: Msg;
  subject?: string;
  actions: AlarmAction[];
}

/** An indexed event as the alarm builders read it: numbers and hashes as strings, addresses checksummed. */
interface FeedLog {
  name: string;
  blockNumber: number;
  index: number;
  transactionHash: string;
  timestamp: number;
  args: Record<string, string>;
}

/** The newest events of `names` emitted by `contract`, from the history indexer (oldest first). */
async function logsOf(app: AppState, names: string[], contract: string): Promise<FeedLog[]> {
  if (!app.history) throw new Error("no history indexer in deployment.json (historyUrl)");
  const { data } = await app.history.events(names, { contract, limit: 1_000 });
  return data.reverse().map((e) => ({
    name: e.event,
    blockNumber: Number(e.blockNumber),
    index: e.logIndex,
    transactionHash: e.txHash,
    timestamp: Number(e.timestamp),
    args: Object.fromEntries(
      Object.entries(e.args).map(([k, v]) => [
        k,
        typeof v === "string" && /^0x[0-9a-f]{40}$/.test(v) ? getAddress(v) : String(v),
      ]),
    ),
  }));
}

interface LotFact {
  lotId: string;
  lot: string;
}

/** Every alarm the deployed contracts report, newest first; reloaded on every block. */
export function useAlarms(): { data?: Alarm[]; error?: string } {
  const app = useApp();
  return useChainData(async () => {
    await syncedHistory(app);
    const all = (await Promise.all([supplyAlarms(app), excursionAlarms(app), breakGlassAlarms(app)])).flat();
    return all.sort((a, b) => b.block - a.block);
  }, []);
}

async function supplyAlarms(app: AppState): Promise<Alarm[]> {
  const address = app.deployment.contracts.supplyChain;
  if (!address) return [];
  const sc = SupplyChain__factory.connect(address, app.provider);
  const lots = Object.values((app.deployment.facts.appLots ?? {}) as Record<string, LotFact>);
  const lotName = (id: string) => lots.find((l) => l.lotId === id)?.lot ?? `${id.slice(0, 10)}…`;
  const org = (id: bigint): Msg | string => app.namer.org?.(Number(id)) ?? msg("common.member", { id: id.toString() });
  const who = (a: string) => app.namer.address?.(a) ?? a;
  const feed = await logsOf(app, ["LotQuarantined", "LotReleased", "LotDestroyed", "CloneAlerted"], address);
  const named = (n: string) => feed.filter((e) => e.name === n).reverse();
  const [quarantined, released, destroyed, clones] = [
    named("LotQuarantined"),
    named("LotReleased"),
    named("LotDestroyed"),
    named("CloneAlerted"),
  ];
  const lotIds = [...new Set([...quarantined, ...clones].map((e) => e.args.lotId))];
  const states = new Map(await Promise.all(lotIds.map(async (id) => [id, await sc.lot(id)] as const)));
  const stamps = new Map([...quarantined, ...clones].map((e) => [e.blockNumber, e.timestamp]));
  const out: Alarm[] = [];
  for (const e of quarantined) {
    const id = e.args.lotId;
    const lot = states.get(id)!;
    const after = (x: FeedLog) => x.args.lotId === id && x.blockNumber >= e.blockNumber;
    const rel = released.find(after);
    const des = destroyed.find(after);
    const open = lot.quarantined && !lot.destroyed && !rel && !des;
    out.push({
      id: `q-${e.transactionHash}-${e.index}`,
      kind: "quarantine",
      title: msg(
        e.args.by.toLowerCase() === app.deployment.contracts.coldChain?.toLowerCase()
          ? "alarms.lotQuarantinedByAlarm"
          : "alarms.lotQuarantined",
        { lot: lotName(id) },
      ),
      detail: msg("alarms.lotQuarantinedDetail", { by: who(e.args.by) }),
      time: stamps.get(e.blockNumber) ?? 0,
      block: e.blockNumber,
      open,
      outcome: rel
        ? msg("alarms.releasedBy", { by: who(rel.args.by) })
        : des
          ? msg("alarms.destroyedBy", { by: who(des.args.by) })
          : undefined,
      subject: id,
      actions: [
        {
          label: msg("alarms.release"),
          testId: "release",
          send: (s, r) => SupplyChain__factory.connect(address, s).releaseLot(id, r),
        },
        {
          label: msg("alarms.destroy"),
          testId: "destroy",
          danger: true,
          send: (s, r) => SupplyChain__factory.connect(address, s).destroyLot(id, r),
        },
      ],
    });
  }
  for (const e of clones) {
    const id = e.args.lotId;
    const lot = states.get(id)!;
    const handled = lot.quarantined || lot.recalled || lot.destroyed;
    out.push({
      id: `c-${e.transactionHash}-${e.index}`,
      kind: "clone",
      title: msg("alarms.cloneTitle", { lot: lotName(id) }),
      detail: msg("alarms.cloneDetail", { reporter: org(BigInt(e.args.reporter)), first: org(BigInt(e.args.firstBy)) }),
      time: stamps.get(e.blockNumber) ?? 0,
      block: e.blockNumber,
      open: !handled,
      outcome: handled
        ? msg(`alarms.lotOutcome.${lot.destroyed ? "destroyed" : lot.recalled ? "recalled" : "quarantined"}`)
        : undefined,
      subject: e.args.itemKey,
      actions: [
        {
          label: msg("alarms.quarantineLot"),
          testId: "quarantine",
          send: (s, r) => SupplyChain__factory.connect(address, s).quarantineLot(id, r),
        },
        {
          label: msg("alarms.recallLot"),
          testId: "recall",
          danger: true,
          send: (s, r) => SupplyChain__factory.connect(address, s).recallLot(id, r),
        },
      ],
    });
  }
  return out;
}

/** Cold-chain excursion alarms: the contract quarantined the shipment and its lots when the rule broke. */
async function excursionAlarms(app: AppState): Promise<Alarm[]> {
  const address = app.deployment.contracts.coldChain;
  const supply = app.deployment.contracts.supplyChain;
  if (!address || !supply) return [];
  const cc = ColdChain__factory.connect(address, app.provider);
  const sc = SupplyChain__factory.connect(supply, app.provider);
  const lots = Object.values((app.deployment.facts.appLots ?? {}) as Record<string, LotFact>);
  const lotName = (id: string) => lots.find((l) => l.lotId === id)?.lot ?? `${id.slice(0, 10)}…`;
  const org = (id: bigint): Msg | string => app.namer.org?.(Number(id)) ?? msg("common.member", { id: id.toString() });
  const alarmed = await logsOf(app, ["ExcursionAlarmed"], address);
  return Promise.all(
    alarmed.map(async (e) => {
      const id = BigInt(e.args.id);
      const [s, lotIds, pallets] = await Promise.all([cc.shipment(id), cc.shipmentLots(id), cc.shipmentPallets(id)]);
      const palletStates = await Promise.all(pallets.map((p) => sc.pallet(p)));
      const status = Number(s.status);
      const kind = EXCURSION_KIND[Number(e.args.kind)];
      const names = lotIds.map(lotName).join(", ");
      const sscc = (p: bigint) => p.toString().padStart(18, "0");
      return {
        id: `x-${e.transactionHash}-${e.index}`,
        kind: "excursion" as const,
        title: msg("alarms.excursionTitle", { id: id.toString(), lots: names }),
        detail: msg("alarms.excursionDetail", {
          kind: kind ? msg(`alarms.excursionKinds.${kind}`) : String(e.args.kind),
          deviation: Number(e.args.deviation) / 100,
          duration:
            BigInt(e.args.duration) > 0n
              ? msg("alarms.minutes", { count: Math.round(Number(e.args.duration) / 60) })
              : "",
          at: { when: BigInt(e.args.at) },
          sensor: app.namer.address?.(e.args.device) ?? e.args.device.slice(0, 10),
          from: org(s.sender),
          to: org(s.receiver),
          carrier: org(s.carrier),
        }),
        time: e.timestamp,
        block: e.blockNumber,
        open: status === 2,
        outcome:
          status === 3
            ? msg("alarms.shipmentReleased")
            : status === 5
              ? msg("alarms.shipmentDestroyed")
              : status === 4
                ? msg("alarms.received")
                : undefined,
        actions: [
          {
            label: msg("alarms.release"),
            testId: "release",
            send: (sg: Signer, r: string) => ColdChain__factory.connect(address, sg).releaseShipment(id, r),
            // the alarm held the shipment's pallets; releasing the shipment resumes monitoring, each pallet is
            // released by its own decision
            then: pallets
              .filter((_, i) => palletStates[i].quarantined)
              .map((p) => ({
                label: msg("alarms.releasePallet", { sscc: sscc(p) }),
                send: (sg: Signer, r: string) =>
                  SupplyChain__factory.connect(supply, sg).setPalletQuarantine(p, false, r),
              })),
          },
          {
            label: msg("alarms.destroy"),
            testId: "destroy",
            danger: true,
            // its pallets stay quarantined (never shipped, unpacked or sold); destroying a whole lot is a separate
            // decision of the regulator or the manufacturer, since other pallets of the lot travelled elsewhere
            send: (sg: Signer, r: string) => ColdChain__factory.connect(address, sg).destroyShipment(id, r),
          },
        ],
      };
    }),
  );
}

/** The translation key of each emergency reason (HL7 PurposeOfUse codes). */
const REASON_KEY: Record<number, string> = Object.fromEntries(
  Object.entries(EMERGENCY_REASONS).map(([code, value]) => [Number(value), `alarms.emergencyReasons.${code}`]),
);

/** Break-glass accesses to medical records: each awaits a regulator's review (justified or not). */
async function breakGlassAlarms(app: AppState): Promise<Alarm[]> {
  const address = app.deployment.contracts.medicalRecords;
  if (!address) return [];
  const mr = MedicalRecords__factory.connect(address, app.provider);
  const opened = await logsOf(app, ["EmergencyAccessOpened"], address);
  const org = (id: bigint): Msg | string => app.namer.org?.(Number(id)) ?? msg("common.member", { id: id.toString() });
  return Promise.all(
    opened.map(async (e) => {
      const id = BigInt(e.args.emergencyId);
      const em = await mr.emergency(id);
      const review = Number(em.review);
      return {
        id: `bg-${id}`,
        kind: "break-glass" as const,
        title: msg("alarms.breakGlassTitle", { hospital: org(BigInt(e.args.hospitalOrg)) }),
        detail: msg("alarms.breakGlassDetail", {
          id: id.toString(),
          record: e.args.recordId.toString(),
          patient: app.namer.address?.(e.args.patient) ?? e.args.patient,
          reason: REASON_KEY[Number(e.args.reason)] ? msg(REASON_KEY[Number(e.args.reason)]) : String(e.args.reason),
          until: { when: BigInt(e.args.expiresAt) },
        }),
        time: e.timestamp,
        block: e.blockNumber,
        open: review === 0,
        outcome:
          review === 1
            ? msg("alarms.justifiedBy", { by: org(em.reviewerOrg) })
            : review === 2
              ? msg("alarms.unjustifiedBy", { by: org(em.reviewerOrg) })
              : undefined,
        subject: em.findingsHash === "0x" + "0".repeat(64) ? undefined : em.findingsHash,
        actions: [
          {
            label: msg("alarms.justified"),
            testId: "justified",
            send: (s: Signer, r: string) => MedicalRecords__factory.connect(address, s).reviewEmergency(id, true, r),
          },
          {
            label: msg("alarms.unjustified"),
            testId: "unjustified",
            danger: true,
            send: (s: Signer, r: string) => MedicalRecords__factory.connect(address, s).reviewEmergency(id, false, r),
          },
        ],
      };
    }),
  );
}

/** One alarm with its decision form: a reason (hashed on chain) and the actions it allows. */
export function AlarmCard({ alarm }: { alarm: Alarm }) {
  const { t } = useTranslation();
  const tr = useMsg();
  const fmt = useFormat();
  const [reason, setReason] = useState("");
  const tx = useTx();
  const decide = async (a: AlarmAction) => {
    const hash = textHash(reason.trim());
    const label = (what: Msg) => t("alarms.step", { action: tr(a.label), what: tr(what) });
    if (!(await tx.run(label(alarm.title), (s) => a.send(s, hash)))) return;
    for (const step of a.then ?? []) {
      if (!(await tx.run(label(step.label), (s) => step.send(s, hash)))) return;
    }
  };
  return (
    <div
      className="card"
      data-testid="alarm"
      data-alarm={alarm.id}
      data-kind={alarm.kind}
      data-open={String(alarm.open)}
      style={{ margin: "0.6rem 0" }}
    >
      <div>
        <span className={`badge ${alarm.open ? "bad" : "ok"}`}>{t(`alarms.kinds.${alarm.kind}`)}</span>{" "}
        <b>{tr(alarm.title)}</b>{" "}
        <span className="muted">
          {fmt.when(alarm.time)} · {t("alarms.block", { block: alarm.block })}
        </span>
      </div>
      <div>{tr(alarm.detail)}</div>
      {alarm.subject ? (
        <div className="muted">
          {t("alarms.subject")} <Hash value={alarm.subject} />
        </div>
      ) : null}
      {alarm.open ? (
        <div className="form-row">
          <input
            data-testid="alarm-reason"
            placeholder={t("alarms.reasonPlaceholder")}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          {alarm.actions.map((a) => (
            <button
              key={a.testId}
              data-testid={`alarm-${a.testId}`}
              className={a.danger ? "danger" : undefined}
              disabled={!reason.trim() || tx.state.status === "pending"}
              onClick={() => void decide(a)}
            >
              {tr(a.label)}
            </button>
          ))}
        </div>
      ) : (
        <div className="muted">
          {t("alarms.handled", { outcome: alarm.outcome ? tr(alarm.outcome) : t("alarms.closed") })}
        </div>
      )}
      <TxStatus state={tx.state} />
    </div>
  );
}
