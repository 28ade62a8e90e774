/**
 * `npm run test:indexer`: the indexer (Ponder, indexer/) against a Hardhat node holding the demo's and the app's
 * data, reached through a proxy that refuses eth_getLogs ranges over 5,000 blocks exactly as Besu does.
 * - every read model answers what a direct log scan of the same chain answers (src/history.ts's two sources),
 *   and the state tables agree with the contracts' views;
 * - PostgreSQL (INDEXER_TEST_DATABASE_URL, set by .ci/run) answers what PGlite answers;
 * - a reorg, a chain reset and a reorg deeper than Ponder's finality: nothing stale is ever served.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { AssetShareToken__factory, Consortium__factory } from "../typechain-types";
import { seedChain, describeDeployment, startRpcServer } from "../src/app/stack";
import { demoContext } from "../src/demo/context";
import { parseDigitalLink } from "../src/gs1";
import {
  ChainHistory,
  HistoryEvent,
  IndexerHistory,
  IndexerUnavailable,
  ItemRecord,
  itemTimeline,
} from "../src/history";
import { RunningIndexer, startIndexer } from "../src/indexer/service";
import { IndexerTarget, contractsFrom } from "../src/indexer/target";
import { itemKeyOf, lotIdOf } from "../src/supplychain";
import { BESU_RANGE_ERROR, BesuProxy, startBesuProxy } from "./besu-proxy";

const RUN_DIR = path.join(__dirname, "..", ".run", "indexer-test");
const EMPTY_BLOCKS = 12_000;

const sortLots = (r: ItemRecord) => ({
  ...r,
  lots: [...r.lots].sort((a, b) => a.level - b.level || a.event.block - b.event.block),
});

async function send<T>(method: string, params: unknown[] = []): Promise<T> {
  return (await hre.network.provider.send(method, params)) as T;
}
const head = async () => Number(await send<string>("eth_blockNumber"));
/**
 * Mines `n` linked blocks one by one. (`hardhat_mine` reserves empty blocks whose parentHash is zero: fine far
 * below the head, but a follower checks the links of the last blocks and would see an impossible reorg there.)
 */
async function mineLinked(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await send("evm_mine");
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the indexer has indexed `block` (or throws with its status). */
async function indexedTo(indexer: RunningIndexer, block: number, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const s = indexer.status();
    if (s.state === "failed") throw new Error(s.error ?? "failed");
    if (s.state === "ready" && (s.indexedBlock ?? -1) >= block) return;
    await sleep(200);
  }
  throw new Error(`not indexed to ${block}: ${JSON.stringify(indexer.status())}`);
}

describe("indexer: Ponder read models against a Hardhat node with the demo's data (Besu log limits)", function () {
  this.timeout(30 * 60_000);
  let rpc: { url: string; close(): Promise<void> };
  let proxy: BesuProxy;
  let indexer: RunningIndexer;
  let ix: IndexerHistory;
  let chain: ChainHistory;
  let target: IndexerTarget;
  let contracts: Record<string, string>;
  let facts: Record<string, unknown>;
  let actors: { key: string; address: string }[];

  before(async function () {
    fs.rmSync(RUN_DIR, { recursive: true, force: true });
    const ctx = await seedChain(hre, () => undefined);
    // Years of quiet blocks in between: a 0-to-head log query is now over Besu's 5,000-block limit.
    await send("hardhat_mine", ["0x" + EMPTY_BLOCKS.toString(16)]);
    await mineLinked(80);
    const { chainId } = await hre.ethers.provider.getNetwork();
    const d = describeDeployment(ctx, "localhost", chainId, "", true);
    // One event after the gap, so the indexer must read past it.
    const c = Consortium__factory.connect(d.contracts.consortium, ctx.actors.manufacturer);
    await (await c.addAccount(hre.ethers.Wallet.createRandom().address)).wait();
    rpc = await startRpcServer(hre);
    proxy = await startBesuProxy(rpc.url, 5_000);
    contracts = d.contracts;
    facts = d.facts;
    actors = d.actors;
    target = {
      chainId: Number(chainId),
      rpcUrl: proxy.url,
      startBlock: 0,
      ethGetLogsBlockRange: 5_000,
      contracts: contractsFrom(d.contracts),
    };
    indexer = await startIndexer({
      target,
      port: 0,
      runDir: path.join(RUN_DIR, "pglite"),
      checkEveryMs: 250,
      log: () => undefined,
    });
    await indexer.waitReady(20 * 60_000);
    ix = new IndexerHistory(indexer.url);
    chain = new ChainHistory(hre.ethers.provider);
  });

  after(async function () {
    await indexer?.stop();
    await proxy?.close();
    await rpc?.close();
  });

  it("the proxy refuses a 0-to-head log query with Besu's error, and the indexer never asked for one", async function () {
    const res = await fetch(proxy.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "eth_getLogs",
        params: [{ fromBlock: "0x0", toBlock: "latest" }],
      }),
    });
    expect(((await res.json()) as { error: unknown }).error).to.deep.equal(BESU_RANGE_ERROR);
    expect(await head()).to.be.greaterThan(EMPTY_BLOCKS);
    expect(proxy.maxServed).to.be.within(1, 5_000);
    expect(indexer.status().indexedBlock).to.be.at.least((await head()) - 2);
  });

  it("answers every item's history as the chain does (verify page and supply:trace)", async function () {
    const links = Object.values(facts.appItems as Record<string, string>);
    expect(links.length).to.be.greaterThan(3);
    let events = 0;
    for (const link of links) {
      const l = parseDigitalLink(`https://id.example${link}`);
      const lotId = lotIdOf(l.gtin, l.lot!);
      const key = itemKeyOf(lotId, l.serial!);
      const [fromIndex, fromChain] = await Promise.all([
        ix.item(contracts.supplyChain, lotId, key, 3),
        chain.item(contracts.supplyChain, lotId, key, 3),
      ]);
      expect(sortLots(fromIndex), link).to.deep.equal(sortLots(fromChain));
      expect(itemTimeline(fromIndex)).to.deep.equal(itemTimeline(fromChain));
      events += fromIndex.items.length;
    }
    expect(events).to.be.greaterThan(5);
  });

  it("answers every shipment's readings, alarms and decisions, and the excursions, as the chain does", async function () {
    const excursions = await ix.excursions(contracts.coldChain);
    expect(excursions).to.deep.equal(await chain.excursions(contracts.coldChain));
    expect(excursions.length).to.be.greaterThan(0);
    for (let id = 1n; id <= 6n; id++) {
      expect(await ix.shipment(contracts.coldChain, id), `shipment ${id}`).to.deep.equal(
        await chain.shipment(contracts.coldChain, id),
      );
    }
  });

  it("answers every patient's consents and audit trail as the chain does", async function () {
    let seen = 0;
    for (const a of actors) {
      const [i, c] = await Promise.all([
        ix.patient(contracts.medicalRecords, a.address),
        chain.patient(contracts.medicalRecords, a.address),
      ]);
      expect(i, a.key).to.deep.equal(c);
      seen += i.length;
    }
    expect(seen).to.be.greaterThan(5);
  });

  it("answers every investor's portfolio history as the chain does, and holdings equal the tokens' balances", async function () {
    const system = {
      registry: contracts.assetRegistry ?? contracts["assets.registry"],
      offering: contracts.assetOffering ?? contracts["assets.offering"],
      market: contracts.assetMarket ?? contracts["assets.market"],
    };
    let seen = 0;
    for (const a of actors) {
      const [i, c] = await Promise.all([ix.portfolio(system, a.address), chain.portfolio(system, a.address)]);
      expect(i, a.key).to.deep.equal(c);
      seen += i.tokenEvents.length;
      const { holdings } = await ix.get<{ holdings: { token: string; balance: string }[] }>(
        `/history/portfolio/${a.address.toLowerCase()}`,
      );
      for (const h of holdings) {
        const balance = await AssetShareToken__factory.connect(h.token, hre.ethers.provider).balanceOf(a.address);
        expect(BigInt(h.balance), `${a.key} ${h.token}`).to.equal(balance);
      }
    }
    expect(seen).to.be.greaterThan(5);
  });

  it("members, proposals and open alarms agree with the contracts' views", async function () {
    const consortium = Consortium__factory.connect(contracts.consortium, hre.ethers.provider);
    const { members } = await ix.get<{ members: { orgId: number; name: string; roles: number; status: number }[] }>(
      `/history/consortium/${contracts.consortium.toLowerCase()}`,
    );
    expect(members.length).to.equal(Number(await consortium.memberCount()));
    for (const m of members) {
      const v = await consortium.member(m.orgId);
      expect([m.name, m.roles, m.status]).to.deep.equal([v.name, Number(v.roles), Number(v.status)]);
    }
    const { alarms } = await ix.get<{ alarms: { kind: string; subject: string }[] }>("/history/alarms?open=1");
    const quarantine = alarms.filter((a) => a.kind === "quarantine");
    expect(quarantine.length).to.be.greaterThan(0);
    for (const a of quarantine) {
      const sc = await hre.ethers.getContractAt("SupplyChain", contracts.supplyChain);
      expect((await sc.lot(a.subject)).quarantined, a.subject).to.equal(true);
    }
  });

  it("PostgreSQL answers what PGlite answers (INDEXER_TEST_DATABASE_URL)", async function () {
    const url = process.env.INDEXER_TEST_DATABASE_URL;
    if (!url) this.skip();
    const pg = await startIndexer({
      target,
      port: 0,
      runDir: path.join(RUN_DIR, "pg"),
      databaseUrl: url,
      log: () => undefined,
    });
    try {
      await pg.waitReady(20 * 60_000);
      const other = new IndexerHistory(pg.url);
      expect(await other.get("/history/counts")).to.deep.equal(await ix.get("/history/counts"));
      const link = (facts.appItems as Record<string, string>).good;
      const l = parseDigitalLink(`https://id.example${link}`);
      const lotId = lotIdOf(l.gtin, l.lot!);
      expect(await other.item(contracts.supplyChain, lotId, itemKeyOf(lotId, l.serial!), 3)).to.deep.equal(
        await ix.item(contracts.supplyChain, lotId, itemKeyOf(lotId, l.serial!), 3),
      );
    } finally {
      await pg.stop();
    }
  });

  it("follows a reorg: the orphaned event disappears, the new branch's appears", async function () {
    const manufacturer = actors.find((a) => a.key === "manufacturer")!;
    const m = Consortium__factory.connect(contracts.consortium, await hre.ethers.getSigner(manufacturer.address));
    const orphan = hre.ethers.Wallet.createRandom().address.toLowerCase();
    const kept = hre.ethers.Wallet.createRandom().address.toLowerCase();
    const accounts = async () => {
      const { events } = await ix.get<{ events: HistoryEvent[] }>(
        `/history/consortium/${contracts.consortium.toLowerCase()}`,
      );
      return events.filter((e) => e.name === "AccountAdded").map((e) => String(e.args.account));
    };
    const snapshot = await send<string>("evm_snapshot");
    await (await m.addAccount(orphan)).wait();
    await mineLinked(2);
    await indexedTo(indexer, await head());
    expect(await accounts()).to.include(orphan);
    await send("evm_revert", [snapshot]);
    await (await m.addAccount(kept)).wait();
    await mineLinked(4);
    await indexedTo(indexer, await head());
    await sleep(1_000);
    const after = await accounts();
    expect(after).to.include(kept);
    expect(after).to.not.include(orphan);
  });

  it("after a chain reset serves nothing of the old chain and rebuilds from the new one", async function () {
    const link = (facts.appItems as Record<string, string>).good;
    const l = parseDigitalLink(`https://id.example${link}`);
    const lotId = lotIdOf(l.gtin, l.lot!);
    const key = itemKeyOf(lotId, l.serial!);
    expect((await ix.item(contracts.supplyChain, lotId, key, 3)).items.length).to.be.greaterThan(0);
    await send("hardhat_reset");
    // From now on: either a refusal or the new chain's (empty) history, never the old rows.
    const stale: string[] = [];
    const probe = async () => {
      try {
        const r = await ix.item(contracts.supplyChain, lotId, key, 3);
        if (r.items.length > 0 || r.lots.length > 0) stale.push(`served ${r.items.length} old item events`);
      } catch (err) {
        if (!(err instanceof IndexerUnavailable)) throw err;
      }
    };
    await probe();
    // The new chain: the consortium chapter again (same deployer, same addresses), nothing of the supply chain.
    const ctx = await demoContext(hre);
    const { chapter } = (await import("../src/demo/chapters/01-consortium")) as {
      chapter: { run(c: typeof ctx): Promise<void> };
    };
    const probing = (async () => {
      while (indexer.status().state !== "ready" || indexer.status().identity === null) {
        if (indexer.status().state === "failed") throw new Error(indexer.status().error ?? "indexer failed");
        await probe();
        await sleep(100);
      }
    })();
    await chapter.run(ctx);
    await probing;
    await indexedTo(indexer, await head(), 20 * 60_000);
    await probe();
    expect(stale).to.deep.equal([]);
    const consortium = Consortium__factory.connect(contracts.consortium, hre.ethers.provider);
    const { members } = await ix.get<{ members: unknown[] }>(
      `/history/consortium/${contracts.consortium.toLowerCase()}`,
    );
    expect(members.length).to.equal(Number(await consortium.memberCount()));
  });

  it("a reorg deeper than Ponder's finality stops the indexer with the reason; /ready and reads refuse", async function () {
    const snapshot = await send<string>("evm_snapshot");
    await mineLinked(100); // beyond the 30-block finality Ponder assumes here
    await indexedTo(indexer, await head());
    await send("evm_revert", [snapshot]);
    await mineLinked(120); // another branch
    const failure = await Promise.race([indexer.failed, sleep(120_000).then(() => undefined)]);
    expect(failure, JSON.stringify(indexer.status())).to.be.instanceOf(Error);
    expect(failure!.message).to.match(/reorg/i);
    const ready = await fetch(`${indexer.url}/ready`);
    expect(ready.status).to.equal(503);
    const read = await fetch(`${indexer.url}/history/alarms`);
    expect(read.status).to.equal(503);
    expect(((await read.json()) as { error: string }).error).to.match(/reorg/i);
  });
});
