import { useState } from "react";
import type { ContractTransactionResponse, Signer } from "ethers";
import { ColdChain__factory, MedicalRecords__factory, SupplyChain__factory } from "../../../typechain-types";
import { EXCURSION_KIND } from "../../../src/coldchain";
import { EMERGENCY_REASONS } from "../../../src/fhir";
import { textHash } from "../../../src/supplychain";
import { useApp } from "../app-context";
import type { AppState } from "../app-context";
import { Hash, useChainData, when } from "../components";
import { TxStatus, useTx } from "../tx";

/** An action an alarm allows, taking the decision's reason (only its hash goes on chain). */
export interface AlarmAction {
  label: string;
  testId: string;
  danger?: boolean;
  send(signer: Signer, reasonHash: string): Promise<ContractTransactionResponse>;
  /** Further transactions of the same decision (e.g. releasing the shipment's lots after the shipment). */
  then?: { label: string; send(signer: Signer, reasonHash: string): Promise<ContractTransactionResponse> }[];
}

/** One entry of the live alarm list. */
export interface Alarm {
  id: string;
  kind: "excursion" | "quarantine" | "clone" | "break-glass";
  title: string;
  detail: string;
  time: number;
  block: number;
  /** Still awaiting a decision. */
  open: boolean;
  /** What happened when it is no longer open. */
  outcome?: string;
  subject?: string;
  actions: AlarmAction[];
}

interface LotFact {
  lotId: string;
  lot: string;
}

/** Every alarm the deployed contracts report, newest first; reloaded on every block. */
export function useAlarms(): { data?: Alarm[]; error?: string } {
  const app = useApp();
  return useChainData(async () => {
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
  const org = (id: bigint) => app.namer.org?.(Number(id)) ?? `member #${id}`;
  const who = (a: string) => app.namer.address?.(a) ?? a;
  const [quarantined, released, destroyed, clones] = await Promise.all([
    sc.queryFilter(sc.filters.LotQuarantined()),
    sc.queryFilter(sc.filters.LotReleased()),
    sc.queryFilter(sc.filters.LotDestroyed()),
    sc.queryFilter(sc.filters.CloneAlerted()),
  ]);
  const lotIds = [...new Set([...quarantined, ...clones].map((e) => e.args.lotId))];
  const states = new Map(await Promise.all(lotIds.map(async (id) => [id, await sc.lot(id)] as const)));
  const blocks = [...new Set([...quarantined, ...clones].map((e) => e.blockNumber))];
  const stamps = new Map(
    await Promise.all(blocks.map(async (b) => [b, (await app.provider.getBlock(b))?.timestamp ?? 0] as const)),
  );
  const out: Alarm[] = [];
  for (const e of quarantined) {
    const id = e.args.lotId;
    const lot = states.get(id)!;
    const after = (x: { blockNumber: number; args: { lotId: string } }) =>
      x.args.lotId === id && x.blockNumber >= e.blockNumber;
    const rel = released.find(after);
    const des = destroyed.find(after);
    const open = lot.quarantined && !lot.destroyed && !rel && !des;
    out.push({
      id: `q-${e.transactionHash}-${e.index}`,
      kind: "quarantine",
      title: `Lot ${lotName(id)} quarantined${e.args.by.toLowerCase() === app.deployment.contracts.coldChain?.toLowerCase() ? " by the cold-chain alarm" : ""}`,
      detail: `by ${who(e.args.by)}; the goods cannot be received as sellable, sold or dispensed until a regulator decides.`,
      time: stamps.get(e.blockNumber) ?? 0,
      block: e.blockNumber,
      open,
      outcome: rel ? `released by ${who(rel.args.by)}` : des ? `destroyed by ${who(des.args.by)}` : undefined,
      subject: id,
      actions: [
        {
          label: "Release",
          testId: "release",
          send: (s, r) => SupplyChain__factory.connect(address, s).releaseLot(id, r),
        },
        {
          label: "Destroy",
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
      title: `Clone alert in lot ${lotName(id)}`,
      detail: `${org(e.args.reporter)} presented a code that ${org(e.args.firstBy)} had already sold: the code is now suspect.`,
      time: stamps.get(e.blockNumber) ?? 0,
      block: e.blockNumber,
      open: !handled,
      outcome: handled ? `lot ${lot.destroyed ? "destroyed" : lot.recalled ? "recalled" : "quarantined"}` : undefined,
      subject: e.args.itemKey,
      actions: [
        {
          label: "Quarantine the lot",
          testId: "quarantine",
          send: (s, r) => SupplyChain__factory.connect(address, s).quarantineLot(id, r),
        },
        {
          label: "Recall the lot",
          testId: "recall",
          danger: true,
          send: (s, r) => SupplyChain__factory.connect(address, s).recallLot(id, r),
        },
      ],
    });
  }
  return out;
}

const EXCURSION_TEXT: Record<string, string> = {
  HardBound: "a reading beyond the hard limits",
  Cumulative: "too long outside the storage range",
  Gap: "the sensor went silent",
};

/** Cold-chain excursion alarms: the contract quarantined the shipment and its lots when the rule broke. */
async function excursionAlarms(app: AppState): Promise<Alarm[]> {
  const address = app.deployment.contracts.coldChain;
  const supply = app.deployment.contracts.supplyChain;
  if (!address || !supply) return [];
  const cc = ColdChain__factory.connect(address, app.provider);
  const sc = SupplyChain__factory.connect(supply, app.provider);
  const lots = Object.values((app.deployment.facts.appLots ?? {}) as Record<string, LotFact>);
  const lotName = (id: string) => lots.find((l) => l.lotId === id)?.lot ?? `${id.slice(0, 10)}…`;
  const org = (id: bigint) => app.namer.org?.(Number(id)) ?? `member #${id}`;
  const alarmed = await cc.queryFilter(cc.filters.ExcursionAlarmed());
  return Promise.all(
    alarmed.map(async (e) => {
      const id = e.args.id;
      const [s, lotIds, pallets, block] = await Promise.all([
        cc.shipment(id),
        cc.shipmentLots(id),
        cc.shipmentPallets(id),
        app.provider.getBlock(e.blockNumber),
      ]);
      const palletStates = await Promise.all(pallets.map((p) => sc.pallet(p)));
      const status = Number(s.status);
      const kind = EXCURSION_KIND[Number(e.args.kind)];
      const names = lotIds.map(lotName).join(", ");
      const sscc = (p: bigint) => `SSCC ${p.toString().padStart(18, "0")}`;
      return {
        id: `x-${e.transactionHash}-${e.index}`,
        kind: "excursion" as const,
        title: `Temperature excursion on shipment ${id} (${names})`,
        detail:
          `${EXCURSION_TEXT[kind] ?? kind}: ${Number(e.args.deviation) / 100} °C beyond the limit` +
          `${e.args.duration > 0n ? `, ${Math.round(Number(e.args.duration) / 60)} min` : ""} at ${when(e.args[3] as bigint)}, ` +
          `seen by sensor ${app.namer.address?.(e.args.device) ?? e.args.device.slice(0, 10)}. ${org(s.sender)} → ${org(s.receiver)} ` +
          `via ${org(s.carrier)}; the shipment and its pallets were quarantined in the same transaction.`,
        time: block?.timestamp ?? 0,
        block: e.blockNumber,
        open: status === 2,
        outcome:
          status === 3
            ? "shipment released"
            : status === 5
              ? "shipment destroyed"
              : status === 4
                ? "received"
                : undefined,
        actions: [
          {
            label: "Release",
            testId: "release",
            send: (sg: Signer, r: string) => ColdChain__factory.connect(address, sg).releaseShipment(id, r),
            // the alarm held the shipment's pallets; releasing the shipment resumes monitoring, each pallet is
            // released by its own decision
            then: pallets
              .filter((_, i) => palletStates[i].quarantined)
              .map((p) => ({
                label: `release pallet ${sscc(p)}`,
                send: (sg: Signer, r: string) =>
                  SupplyChain__factory.connect(supply, sg).setPalletQuarantine(p, false, r),
              })),
          },
          {
            label: "Destroy",
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

const REASON_TEXT: Record<number, string> = {
  [EMERGENCY_REASONS.ETREAT]: "emergency treatment",
  [EMERGENCY_REASONS.ERTREAT]: "emergency room treatment",
  [EMERGENCY_REASONS.BTG]: "break the glass",
  [EMERGENCY_REASONS.PUBHLTH]: "public health",
};

/** Break-glass accesses to medical records: each awaits a regulator's review (justified or not). */
async function breakGlassAlarms(app: AppState): Promise<Alarm[]> {
  const address = app.deployment.contracts.medicalRecords;
  if (!address) return [];
  const mr = MedicalRecords__factory.connect(address, app.provider);
  const opened = await mr.queryFilter(mr.filters.EmergencyAccessOpened());
  const org = (id: bigint) => app.namer.org?.(Number(id)) ?? `member #${id}`;
  return Promise.all(
    opened.map(async (e) => {
      const id = e.args.emergencyId;
      const [em, block] = await Promise.all([mr.emergency(id), app.provider.getBlock(e.blockNumber)]);
      const review = Number(em.review);
      return {
        id: `bg-${id}`,
        kind: "break-glass" as const,
        title: `Break-glass access by ${org(e.args.hospitalOrg)}`,
        detail:
          `Emergency ${id}: record ${e.args.recordId} of ${app.namer.address?.(e.args.patient) ?? e.args.patient} opened without consent ` +
          `(reason: ${REASON_TEXT[Number(e.args.reason)] ?? e.args.reason}), window until ${when(e.args.expiresAt)}. The patient was notified.`,
        time: block?.timestamp ?? 0,
        block: e.blockNumber,
        open: review === 0,
        outcome:
          review === 1
            ? `reviewed: justified (by ${org(em.reviewerOrg)})`
            : review === 2
              ? `reviewed: unjustified (by ${org(em.reviewerOrg)})`
              : undefined,
        subject: em.findingsHash === "0x" + "0".repeat(64) ? undefined : em.findingsHash,
        actions: [
          {
            label: "Justified",
            testId: "justified",
            send: (s: Signer, r: string) => MedicalRecords__factory.connect(address, s).reviewEmergency(id, true, r),
          },
          {
            label: "Unjustified",
            testId: "unjustified",
            danger: true,
            send: (s: Signer, r: string) => MedicalRecords__factory.connect(address, s).reviewEmergency(id, false, r),
          },
        ],
      };
    }),
  );
}

const KIND: Record<Alarm["kind"], string> = {
  excursion: "temperature excursion",
  quarantine: "quarantine",
  clone: "clone alert",
  "break-glass": "break-glass access",
};

/** One alarm with its decision form: a reason (hashed on chain) and the actions it allows. */
export function AlarmCard({ alarm }: { alarm: Alarm }) {
  const [reason, setReason] = useState("");
  const tx = useTx();
  const decide = async (a: AlarmAction) => {
    const hash = textHash(reason.trim());
    if (!(await tx.run(`${a.label}: ${alarm.title}`, (s) => a.send(s, hash)))) return;
    for (const step of a.then ?? []) {
      if (!(await tx.run(`${a.label}: ${step.label}`, (s) => step.send(s, hash)))) return;
    }
  };
  return (
    <div
      className="card"
      data-testid="alarm"
      data-kind={alarm.kind}
      data-open={String(alarm.open)}
      style={{ margin: "0.6rem 0" }}
    >
      <div>
        <span className={`badge ${alarm.open ? "bad" : "ok"}`}>{KIND[alarm.kind]}</span> <b>{alarm.title}</b>{" "}
        <span className="muted">
          {when(alarm.time)} · block {alarm.block}
        </span>
      </div>
      <div>{alarm.detail}</div>
      {alarm.subject ? (
        <div className="muted">
          subject <Hash value={alarm.subject} />
        </div>
      ) : null}
      {alarm.open ? (
        <div className="form-row">
          <input
            data-testid="alarm-reason"
            placeholder="reason for the decision"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          {alarm.actions.map((a) => (
            <button
              key={a.label}
              data-testid={`alarm-${a.testId}`}
              className={a.danger ? "danger" : undefined}
              disabled={!reason.trim() || tx.state.status === "pending"}
              onClick={() => void decide(a)}
            >
              {a.label}
            </button>
          ))}
        </div>
      ) : (
        <div className="muted">Handled: {alarm.outcome ?? "closed"}</div>
      )}
      <TxStatus state={tx.state} />
    </div>
  );
}
