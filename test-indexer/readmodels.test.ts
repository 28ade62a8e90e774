/**
 * Read-model parity: every history the indexer serves equals what a direct chain read of the same history gives
 * (queryFilter over the contracts, replayed here independently of the indexer's tables; balances from the share
 * tokens' views). The chain is the demo's (all chapters and the app's scenario), indexed by a Ponder process.
 */
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import type { EventLog, ParamType, Provider } from "ethers";
import {
  AssetMarket__factory,
  AssetOffering__factory,
  AssetRegistry__factory,
  AssetShareToken__factory,
  ColdChain__factory,
  Consortium__factory,
  DeviceRegistry__factory,
  EpcisAnchors__factory,
  HealthInsurance__factory,
  MedicalRecords__factory,
  SupplyChain__factory,
} from "../typechain-types";
import type {
  ArgValue,
  AssetRevenue,
  ConsentHistory,
  DeviceSummary,
  EpcisAnchor,
  HistoryEvent,
  ItemTimeline,
  LotHistory,
  MemberSummary,
  PatientAudit,
  PolicyClaims,
  Portfolio,
  ProposalSummary,
  ShipmentHistory,
} from "../src/history/types";
import type { RunningIndexer } from "../scripts/indexer";
import { DEMO_EPOCH, commissioningEvent, demoGln, packingEvent } from "../src/epcis";
import { anchorEpcisEvents, deployEpcisAnchors } from "../src/epcis-anchor";
import { makeGtin, makeSscc } from "../src/gs1";
import { writeDeployment } from "../src/stack/stack";
import { history, indexSeeded, seededChain, type SeededChain } from "./harness";

/** What both sides are compared on: which event, where, and every argument. */
interface Comparable {
  event: string;
  blockNumber: string;
  logIndex: number;
  txHash: string;
  args: Record<string, ArgValue>;
}

function argValue(type: ParamType, value: unknown): ArgValue {
  if (type.isTuple()) {
    const v = value as unknown[];
    return Object.fromEntries(type.components.map((c, i) => [c.name, argValue(c, v[i])]));
  }
  if (type.isArray()) return (value as unknown[]).map((x) => argValue(type.arrayChildren, x));
  if (typeof value === "bigint" || typeof value === "number") return value.toString();
  if (typeof value === "boolean") return value;
  const s = String(value);
  return /^0x[0-9a-fA-F]*$/.test(s) ? s.toLowerCase() : s;
}

/** A log read with ethers, in the indexer's JSON form. */
function fromChain(e: EventLog): Comparable {
  const args = Object.fromEntries(e.fragment.inputs.map((p, i) => [p.name, argValue(p, e.args[i])]));
  return {
    event: e.eventName,
    blockNumber: e.blockNumber.toString(),
    logIndex: e.index,
    txHash: e.transactionHash.toLowerCase(),
    args,
  };
}

const comparable = (e: HistoryEvent): Comparable => ({
  event: e.event,
  blockNumber: e.blockNumber,
  logIndex: e.logIndex,
  txHash: e.txHash,
  args: e.args,
});

const byOrder = (a: EventLog, b: EventLog) => a.blockNumber - b.blockNumber || a.index - b.index;

/** Every event of a contract from the deployment's start block, in chain order. */
async function allEvents(contract: { queryFilter(f: "*", from: number): Promise<unknown[]> }, from: number) {
  return ((await contract.queryFilter("*", from)) as EventLog[]).filter((e) => "eventName" in e).sort(byOrder);
}

const s = (v: unknown) => String(v).toLowerCase();
const APP_ORIGIN = "http://127.0.0.1:5173";

/**
 * The seeded chain with organisations' EPCIS anchors (issue 19): the story's EpcisAnchors contract if it deploys one,
 * otherwise one deployed here; Acme anchors a commissioning and a packing event, the carrier the same packing event
 * (two organisations' assertions of one hash). The deployment description names it `epcisAnchors`.
 */
async function withEpcisAnchors(chain: SeededChain): Promise<SeededChain> {
  const { actors } = chain.ctx;
  const consortium = chain.deployment.contracts.consortium;
  const anchors = chain.deployment.contracts.epcisAnchors
    ? EpcisAnchors__factory.connect(chain.deployment.contracts.epcisAnchors, actors.deployer)
    : await deployEpcisAnchors(hre, consortium, actors.deployer);
  // An hour after the story's epoch at a read point of its own: events the story does not anchor itself.
  const at = { time: DEMO_EPOCH - 3600, readPoint: demoGln(99) };
  const gtin = makeGtin("0952000000001");
  const commissioning = commissioningEvent({ ...at, gtin, lot: "PARITY-1", serials: ["P1", "P2"] });
  const packing = packingEvent({ ...at, sscc: makeSscc("09520000000000001"), items: [{ gtin, serial: "P1" }] });
  await anchorEpcisEvents(anchors, actors.manufacturer, [commissioning, packing]);
  await anchorEpcisEvents(anchors, actors.carrier, [packing]);
  const deployment = {
    ...chain.deployment,
    contracts: { ...chain.deployment.contracts, epcisAnchors: await anchors.getAddress() },
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "city-indexer-anchors-"));
  return { ...chain, deployment, deploymentFile: writeDeployment(deployment, dir) };
}

describe("indexer read models answer what the chain says", function () {
  let chain: SeededChain;
  let indexer: RunningIndexer;
  let provider: Provider;
  let from: number;
  const address = (key: string) => {
    if (chain.deployment.contracts[key]) return chain.deployment.contracts[key];
    throw new Error(`no ${key} in the deployment`);
  };

  before(async function () {
    chain = await withEpcisAnchors(await seededChain());
    provider = hre.ethers.provider;
    from = Number(chain.deployment.startBlock ?? 0);
    const started = Date.now();
    ({ indexer } = await indexSeeded(chain, { appOrigin: APP_ORIGIN }));
    console.log(
      `      (seed ${chain.seedSeconds.toFixed(1)} s, index to head ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  });

  after(async function () {
    await indexer?.stop();
  });

  it("item timelines (own, lot and pallet events) equal a replay of the supply chain's logs", async function () {
    const sc = SupplyChain__factory.connect(address("supplyChain"), provider);
    const logs = await allEvents(sc, from);
    // Replay: who is on which pallet when each pallet event happens.
    const onPallet = new Map<string, Set<string>>();
    const timelines = new Map<string, EventLog[]>();
    const lotOf = new Map<string, string>();
    const push = (item: string, e: EventLog) => timelines.set(item, [...(timelines.get(item) ?? []), e]);
    for (const e of logs) {
      const a = e.args as unknown as Record<string, unknown>;
      if (a.itemKey !== undefined && e.fragment.inputs.some((p) => p.name === "itemKey")) {
        const item = s(a.itemKey);
        push(item, e);
        if (a.lotId !== undefined) lotOf.set(item, s(a.lotId));
      }
      if (e.eventName === "ItemPacked") {
        const members = onPallet.get(s(a.sscc)) ?? new Set<string>();
        members.add(s(a.itemKey));
        onPallet.set(s(a.sscc), members);
      }
      if (e.eventName === "ItemUnpacked") onPallet.get(s(a.sscc))?.delete(s(a.itemKey));
      if (["PalletShipped", "PalletReceived", "PalletQuarantineSet"].includes(e.eventName))
        for (const item of onPallet.get(s(a.sscc)) ?? []) push(item, e);
    }
    const lotEvents = ["LotCommissioned", "LotRecalled", "LotQuarantined", "LotReleased", "LotDestroyed"];
    const travelled = [...timelines.keys()].filter((k) =>
      timelines.get(k)!.some((e) => e.eventName === "PalletShipped"),
    );
    const alerted = [...timelines.keys()].filter((k) => timelines.get(k)!.some((e) => e.eventName === "CloneAlerted"));
    const recalled = [...timelines.keys()].filter((k) =>
      logs.some((e) => e.eventName === "LotRecalled" && s(e.args[0]) === lotOf.get(k)),
    );
    const picked = [...new Set([...travelled.slice(0, 3), ...alerted.slice(0, 2), ...recalled.slice(0, 2)])];
    expect(travelled, "the demo moves items on pallets").to.have.length.greaterThan(0);
    expect(alerted, "the demo raises clone alerts").to.have.length.greaterThan(0);
    for (const item of picked) {
      const lot = lotOf.get(item);
      const expected = [
        ...timelines.get(item)!,
        ...logs.filter((e) => lot && lotEvents.includes(e.eventName) && s(e.args[0]) === lot),
      ]
        .sort(byOrder)
        .map(fromChain);
      const { data } = await history<ItemTimeline>(indexer, `/history/items/${item}/timeline`);
      expect(data.lotId).to.equal(lot ?? null);
      expect(data.events.map(comparable), `timeline of ${item}`).to.deep.equal(expected);
    }
    const viaPallet = (await history<ItemTimeline>(indexer, `/history/items/${travelled[0]}/timeline`)).data.events;
    expect(viaPallet.some((e) => e.viaSscc !== null && e.event === "PalletShipped")).to.equal(true);
  });

  it("lots list their upstream lots as the commissioning events chain them", async function () {
    const sc = SupplyChain__factory.connect(address("supplyChain"), provider);
    const commissioned = (await sc.queryFilter(sc.filters.LotCommissioned(), from)) as EventLog[];
    const inputsOf = new Map(commissioned.map((e) => [s(e.args.lotId), (e.args.inputLots as string[]).map(s)]));
    const withInputs = [...inputsOf.keys()].filter((id) => inputsOf.get(id)!.length > 0);
    expect(withInputs, "the demo makes a lot from input lots").to.have.length.greaterThan(0);
    for (const lotId of withInputs) {
      const upstream: string[] = [];
      const seen = new Set([lotId]);
      let frontier = [lotId];
      while (frontier.length > 0) {
        const next = [...new Set(frontier.flatMap((id) => inputsOf.get(id) ?? []))].filter((id) => !seen.has(id));
        next.forEach((id) => seen.add(id));
        upstream.push(...next.filter((id) => inputsOf.has(id)));
        frontier = next;
      }
      const { data } = await history<LotHistory>(indexer, `/history/lots/${lotId}`);
      expect(data.lot.inputLots).to.deep.equal(inputsOf.get(lotId));
      expect(data.upstream.map((l) => l.lotId)).to.deep.equal(upstream);
    }
  });

  it("shipments: readings, alarms and receipt equal the cold chain's logs", async function () {
    const cc = ColdChain__factory.connect(address("coldChain"), provider);
    const opened = (await cc.queryFilter(cc.filters.ShipmentOpened(), from)) as EventLog[];
    expect(opened).to.have.length.greaterThan(0);
    for (const o of opened) {
      const id = o.args.id as bigint;
      const readings = ((await cc.queryFilter(cc.filters.ReadingsRecorded(id), from)) as EventLog[]).sort(byOrder);
      const alarms = ((await cc.queryFilter(cc.filters.ExcursionAlarmed(id), from)) as EventLog[]).sort(byOrder);
      const received = (await cc.queryFilter(cc.filters.ShipmentReceived(id), from)) as EventLog[];
      const { data } = await history<ShipmentHistory>(indexer, `/history/shipments/${id}`);
      expect(data.readings.map(comparable), `readings of shipment ${id}`).to.deep.equal(readings.map(fromChain));
      expect(data.alarms.map(comparable), `alarms of shipment ${id}`).to.deep.equal(alarms.map(fromChain));
      expect(data.receipt ? comparable(data.receipt) : null).to.deep.equal(received[0] ? fromChain(received[0]) : null);
    }
  });

  it("each investor's portfolio: holdings equal balanceOf, purchases, refunds, claims and fills equal the logs", async function () {
    const registry = AssetRegistry__factory.connect(address("assetRegistry"), provider);
    const offering = AssetOffering__factory.connect(address("assetOffering"), provider);
    const market = AssetMarket__factory.connect(address("assetMarket"), provider);
    const assets = (await registry.queryFilter(registry.filters.AssetRegistered(), from)) as EventLog[];
    const tokens = assets.map((a) => AssetShareToken__factory.connect(a.args.shareToken as string, provider));
    const investors = chain.deployment.actors.filter((a) => a.key.startsWith("investor"));
    expect(investors).to.have.length.greaterThan(0);
    for (const { address: account } of investors) {
      const { data } = await history<Portfolio>(indexer, `/history/investors/${account}/portfolio`);
      const balances = [];
      for (const [i, t] of tokens.entries()) {
        const balance = await t.balanceOf(account);
        if (balance > 0n) balances.push({ assetId: String(assets[i].args.assetId), balance: balance.toString() });
      }
      expect(data.holdings.map((h) => ({ assetId: h.assetId, balance: h.balance }))).to.deep.equal(balances);
      const purchases = (await offering.queryFilter(
        offering.filters.SharesPurchased(undefined, account),
        from,
      )) as EventLog[];
      expect(data.purchases.map(comparable)).to.deep.equal(purchases.sort(byOrder).map(fromChain));
      const refunds = [
        ...((await offering.queryFilter(
          offering.filters.OfferingRefundBooked(undefined, account),
          from,
        )) as EventLog[]),
        ...((await offering.queryFilter(offering.filters.OfferingRefunded(undefined, account), from)) as EventLog[]),
        ...((await offering.queryFilter(
          offering.filters.OfferingRefundRecovered(undefined, account),
          from,
        )) as EventLog[]),
        ...((await offering.queryFilter(
          offering.filters.OfferingRefundRecovered(undefined, undefined, account),
          from,
        )) as EventLog[]),
      ];
      expect(data.refunds.map(comparable)).to.deep.equal(refunds.sort(byOrder).map(fromChain));
      const claims: EventLog[] = [];
      for (const t of tokens) {
        claims.push(...((await t.queryFilter(t.filters.RevenueClaimed(account), from)) as EventLog[]));
        claims.push(...((await t.queryFilter(t.filters.RevenueMoved(account), from)) as EventLog[]));
        claims.push(...((await t.queryFilter(t.filters.RevenueMoved(undefined, account), from)) as EventLog[]));
      }
      expect(data.claims.map(comparable)).to.deep.equal(claims.sort(byOrder).map(fromChain));
      const fills = [
        ...((await market.queryFilter(market.filters.ListingFilled(undefined, account), from)) as EventLog[]),
        ...((await market.queryFilter(
          market.filters.ListingFilled(undefined, undefined, account),
          from,
        )) as EventLog[]),
      ];
      const unique = [...new Map(fills.map((f) => [`${f.blockNumber}-${f.index}`, f])).values()];
      expect(data.fills.map(comparable)).to.deep.equal(unique.sort(byOrder).map(fromChain));
      const listed = (await market.queryFilter(market.filters.Listed(undefined, account), from)) as EventLog[];
      expect(data.listings.map((l) => l.listingId)).to.deep.equal(listed.map((l) => String(l.args.listingId)));
    }
  });

  it("revenue per day equals the share tokens' deposits grouped by UTC day", async function () {
    const registry = AssetRegistry__factory.connect(address("assetRegistry"), provider);
    const assets = (await registry.queryFilter(registry.filters.AssetRegistered(), from)) as EventLog[];
    let days = 0;
    for (const a of assets) {
      const token = AssetShareToken__factory.connect(a.args.shareToken as string, provider);
      const deposits = (await token.queryFilter(token.filters.RevenueDeposited(), from)) as EventLog[];
      const expected = new Map<string, { amount: bigint; deposits: number; kwh: bigint }>();
      for (const d of deposits) {
        const block = await provider.getBlock(d.blockNumber);
        const day = new Date(block!.timestamp * 1000).toISOString().slice(0, 10);
        const key = `${day}|${s(d.args.paymentToken)}`;
        const v = expected.get(key) ?? { amount: 0n, deposits: 0, kwh: 0n };
        expected.set(key, {
          amount: v.amount + d.args.amount,
          deposits: v.deposits + 1,
          kwh: v.kwh + d.args.meteredKWh,
        });
      }
      const { data } = await history<AssetRevenue>(indexer, `/history/assets/${s(a.args.shareToken)}/revenue`);
      const got = Object.fromEntries(
        data.days.map((d) => [
          `${d.day}|${d.paymentToken}`,
          { amount: d.amount, deposits: d.deposits, kwh: d.meteredKWh },
        ]),
      );
      const want = Object.fromEntries(
        [...expected].map(([k, v]) => [
          k,
          { amount: v.amount.toString(), deposits: v.deposits, kwh: v.kwh.toString() },
        ]),
      );
      expect(got, `revenue of asset ${a.args.assetId}`).to.deep.equal(want);
      days += data.days.length;
    }
    expect(days, "the demo deposits revenue").to.be.greaterThan(0);
  });

  it("each patient's consents (with their terms) and audit trail equal the medical records' logs", async function () {
    const records = MedicalRecords__factory.connect(address("medicalRecords"), provider);
    const patients = chain.deployment.actors.filter((a) => a.key.startsWith("patient"));
    expect(patients).to.have.length.greaterThan(0);
    for (const { address: patient } of patients) {
      const granted = (
        (await records.queryFilter(records.filters.ConsentGranted(undefined, patient), from)) as EventLog[]
      ).sort(byOrder);
      const { data: consents } = await history<ConsentHistory[]>(indexer, `/history/patients/${patient}/consents`);
      expect(consents.map((c) => ({ id: c.consentId, terms: c.terms }))).to.deep.equal(
        granted.map((g) => ({ id: String(g.args.consentId), terms: fromChain(g).args.terms })),
      );
      for (const g of granted) {
        const { data } = await history<ConsentHistory>(indexer, `/history/consents/${g.args.consentId}`);
        expect(data.terms).to.deep.equal(fromChain(g).args.terms);
      }
      const audit = [
        ...((await records.queryFilter(records.filters.AccessAudited(undefined, patient), from)) as EventLog[]),
        ...((await records.queryFilter(records.filters.EmergencyAccessOpened(undefined, patient), from)) as EventLog[]),
        ...((await records.queryFilter(records.filters.EmergencyReviewed(undefined, patient), from)) as EventLog[]),
      ];
      const { data } = await history<PatientAudit>(indexer, `/history/patients/${patient}/audit`);
      expect(data.events.map(comparable), `audit of ${patient}`).to.deep.equal(audit.sort(byOrder).map(fromChain));
    }
  });

  it("claims per policy equal the insurer's logs for each claim", async function () {
    const insurance = HealthInsurance__factory.connect(address("healthInsurance"), provider);
    const policies = (await insurance.queryFilter(insurance.filters.PolicyIssued(), from)) as EventLog[];
    const all = await allEvents(insurance, from);
    expect(policies).to.have.length.greaterThan(0);
    for (const p of policies) {
      const policyId = String(p.args.policyId);
      const submitted = all.filter((e) => e.eventName === "ClaimSubmitted" && String(e.args.policyId) === policyId);
      const { data } = await history<PolicyClaims>(indexer, `/history/policies/${policyId}/claims`);
      expect(data.claims.map((c) => c.claimId)).to.deep.equal(submitted.map((e) => String(e.args.claimId)));
      for (const c of data.claims) {
        const expected = all.filter((e) => e.fragment.inputs[0]?.name === "claimId" && String(e.args[0]) === c.claimId);
        expect(c.events.map(comparable), `claim ${c.claimId}`).to.deep.equal(expected.map(fromChain));
      }
    }
  });

  it("members and proposals with their votes equal the consortium's logs", async function () {
    const consortium = Consortium__factory.connect(address("consortium"), provider);
    const admitted = (await consortium.queryFilter(consortium.filters.MemberAdmitted(), from)) as EventLog[];
    const { data: members } = await history<MemberSummary[]>(indexer, "/history/members");
    expect(members.map((m) => [m.orgId, m.name])).to.deep.equal(
      admitted.sort(byOrder).map((e) => [Number(e.args.orgId), e.args.name]),
    );
    for (const m of members) {
      const view = await consortium.member(m.orgId);
      expect(m.roles, `roles of ${m.name}`).to.equal(Number(view.roles));
      expect(m.status, `status of ${m.name}`).to.equal(Number(view.status));
    }
    const created = (await consortium.queryFilter(consortium.filters.ProposalCreated(), from)) as EventLog[];
    const votes = (await consortium.queryFilter(consortium.filters.VoteCast(), from)) as EventLog[];
    const { data: proposals } = await history<ProposalSummary[]>(indexer, "/history/proposals");
    expect(proposals.map((p) => p.proposalId)).to.deep.equal(created.map((e) => String(e.args.proposalId)));
    for (const p of proposals) {
      const expected = votes.filter((v) => String(v.args.proposalId) === p.proposalId).sort(byOrder);
      expect(p.votes.map((v) => [v.orgId, v.voter, v.support])).to.deep.equal(
        expected.map((v) => [Number(v.args.orgId), s(v.args.voter), v.args.support]),
      );
    }
  });

  it("EPCIS anchors are every supply-chain event that carries an EPCIS hash and every EpcisAnchored", async function () {
    const sc = SupplyChain__factory.connect(address("supplyChain"), provider);
    const anchors = EpcisAnchors__factory.connect(address("epcisAnchors"), provider);
    const zero = `0x${"0".repeat(64)}`;
    const custody = (await allEvents(sc, from)).filter(
      (e) =>
        e.fragment.inputs.some((p) => p.name === "epcisHash") &&
        s((e.args as unknown as { epcisHash: string }).epcisHash) !== zero,
    );
    expect(custody, "the demo anchors EPCIS events").to.have.length.greaterThan(0);
    // the proxy's own events (Upgraded, Initialized at deployment) are no anchors
    const asserted = (await allEvents(anchors, from)).filter((e) => e.eventName === "EpcisAnchored");
    expect(asserted, "the demo's members anchor EPCIS events").to.have.length.greaterThan(0);
    const expected = [...custody, ...asserted].sort(byOrder);
    const { data } = await history<EpcisAnchor[]>(indexer, "/history/anchors");
    expect(data.map(comparable)).to.deep.equal(expected.map(fromChain));
    const hashOf = (e: EventLog) => s((e.args as unknown as { epcisHash: string }).epcisHash);
    for (const one of [custody[0], asserted[asserted.length - 1]]) {
      const hash = hashOf(one);
      const { data: filtered } = await history<EpcisAnchor[]>(indexer, `/history/anchors?epcisHash=${hash}`);
      expect(filtered.map(comparable)).to.deep.equal(expected.filter((e) => hashOf(e) === hash).map(fromChain));
    }
    // the packing event asserted by two organisations: two rows, each with its organisation
    const { data: both } = await history<EpcisAnchor[]>(
      indexer,
      `/history/anchors?epcisHash=${hashOf(asserted[asserted.length - 1])}`,
    );
    expect(both.map((r) => r.args.orgId)).to.deep.equal([
      String(chain.ctx.city!.orgIds.manufacturer),
      String(chain.ctx.city!.orgIds.carrier),
    ]);
  });

  it("devices and their anchored telemetry batches equal the device registry's logs", async function () {
    const registry = DeviceRegistry__factory.connect(address("deviceRegistry"), provider);
    const registered = (await registry.queryFilter(registry.filters.DeviceRegistered(), from)) as EventLog[];
    const batches = (await registry.queryFilter(registry.filters.BatchAnchored(), from)) as EventLog[];
    expect(registered).to.have.length.greaterThan(0);
    const { data } = await history<DeviceSummary[]>(indexer, "/history/devices");
    const expected = registered
      .map((e) => ({
        address: s(e.args.device),
        ownerOrg: Number(e.args.ownerOrg),
        batches: batches.filter((b) => s(b.args.device) === s(e.args.device)).length,
      }))
      .sort((x, y) => (x.address < y.address ? -1 : 1));
    const transferred = (await registry.queryFilter(registry.filters.DeviceTransferred(), from)) as EventLog[];
    for (const t of transferred.sort(byOrder)) {
      const d = expected.find((x) => x.address === s(t.args.device));
      if (d) d.ownerOrg = Number(t.args.toOrg);
    }
    expect(data.map((d) => ({ address: d.address, ownerOrg: d.ownerOrg, batches: d.batches }))).to.deep.equal(expected);
  });

  it("answers say how far the indexer has read and refuse unknown objects with a typed error", async function () {
    const res = await fetch(`${indexer.url}/history/shipments/999999`);
    expect(res.status).to.equal(404);
    expect(((await res.json()) as { code: string }).code).to.equal("not-found");
    const head = await provider.getBlockNumber();
    const { indexedBlock, headBlock } = await history<unknown>(indexer, "/history/members");
    expect(headBlock).to.equal(String(head));
    expect(indexedBlock).to.equal(String(head));
  });

  it("allows the app's origin only (CORS), Ponder's own allow-all answer replaced", async function () {
    const mine = await fetch(`${indexer.url}/history/status`, { headers: { origin: APP_ORIGIN } });
    expect(mine.headers.get("access-control-allow-origin")).to.equal(APP_ORIGIN);
    const other = await fetch(`${indexer.url}/history/status`, { headers: { origin: "http://evil.example" } });
    expect(other.status).to.equal(200);
    expect(other.headers.get("access-control-allow-origin")).to.equal(null);
    const preflight = await fetch(`${indexer.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: "http://evil.example", "access-control-request-method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).to.equal(null);
  });
});
