/**
 * The indexer under faults (`npm run test:indexer`): a Besu node's log-range limit, a shallow reorg, a chain reset
 * under a running indexer, PostgreSQL instead of PGlite, and a reorg deeper than Ponder's finality.
 *
 * The in-process Hardhat network is seeded with the demo's consortium and the app's seed (every domain), then more
 * than 5,000 empty blocks and one more shipment follow, and the chain is served over JSON-RPC behind a proxy that
 * answers like Besu (`--rpc-max-logs-range 5000`). The tests run in order and share what they start, because each indexer start backfills the chain (minutes):
 * the Besu indexer follows the reorg and is the old process of the reset; the indexer restarted on the reset chain
 * with the same data directory is compared with a PostgreSQL indexer and finally meets the deep reorg. History
 * answers are compared with a direct read of the same chain (raw `eth_getLogs` on the node, no indexer involved).
 */
import { expect } from "chai";
import hre from "hardhat";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describeDeployment, startRpcServer, withTimeout, writeDeployment } from "../src/stack/stack";
import type { AppDeployment } from "../src/stack/deployment";
import { type DemoChapter, type DemoContext, demoContext } from "../src/demo/context";
import type { ItemTimeline, HistoryEnvelope, HistoryStatus } from "../src/history/types";
import { SerialTree, cbv, itemKeyOf, textHash } from "../src/supplychain";
import type { SupplyChain } from "../typechain-types";
import { type RunningIndexer, type StartIndexerOptions, startIndexer } from "../scripts/indexer";
import { BESU_MAX_LOGS_RANGE, BESU_RANGE_ERROR, type RangeProxy, startRangeProxy } from "./rpc-proxy";
import { startPrivatePostgres } from "./postgres";

/** Empty blocks mined between the seeded history and the later activity: the history spans more than Besu's range. */
const GAP_BLOCKS = 6_000;
/** Ponder's finality depth for chain 31337 (ponder/src/utils/finality.ts: every chain it does not list). */
const PONDER_FINALITY = 30;
/** A lot's own events, part of each of its items' timelines. */
const LOT_EVENTS = ["LotCommissioned", "LotRecalled", "LotQuarantined", "LotReleased", "LotDestroyed"];
/** Bounds of every wait (milliseconds). */
const WAIT = { ready: 300_000, follow: 60_000, exit: 90_000, poll: 100 } as const;

type Indexer = RunningIndexer;

interface Answer {
  status: number;
  body: unknown;
}

/** GET a JSON answer; a refused connection is status 0 (nothing served). */
async function get(url: string): Promise<Answer> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (Ponder's /ready answers plain text)
    }
    return { status: res.status, body };
  } catch {
    return { status: 0, body: undefined };
  }
}

async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const giveUp = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > giveUp) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, WAIT.poll));
  }
}

/** One event as both sides name it: block, log index, transaction and event name. */
type EventKey = string;
const keyOf = (e: { blockNumber: string | number; logIndex: number; txHash: string; event: string }): EventKey =>
  `${e.blockNumber}/${e.logIndex}/${e.txHash.toLowerCase()}/${e.event}`;

describe("indexer faults", function () {
  this.timeout(300_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "citychain-idx-faults-"));
  /** The PGlite data directory the Besu indexer and its restart after the chain reset share. */
  const sharedDataDir = path.join(tmp, "pglite");
  const started: Indexer[] = [];
  let rpc: { url: string; close(): Promise<void> };
  let besu: RangeProxy;
  let ctx: DemoContext;
  let sc: SupplyChain;
  let deploymentFile: string;
  let good: { lotId: string; tree: SerialTree };
  /** The next unmoved pack of the good lot (the seed moved the first four). */
  let nextSerial = 10;
  /** A pack shipped after the gap: its history is more than 5,000 blocks after the seed's. */
  let lateItem: string;
  /** The indexer behind the Besu proxy (old chain), and its restart on the reset chain. */
  let oldIndexer: Indexer | undefined;
  let rebuilt: Indexer | undefined;
  /** A pack shipped on the reset chain only. */
  let freshItem: string;

  /** The manufacturer ships one unmoved pack of the good lot to the distributor; returns its item key. */
  async function shipNextItem(note: string): Promise<string> {
    const serial = good.tree.serials[nextSerial++];
    const ids = ctx.city!.orgIds;
    const shipment = {
      receiver: ids.distributor,
      newOwner: ids.distributor,
      bizStep: cbv("shipping"),
      location: textHash("Acme Pharma plant Riverside"),
      epcisHash: textHash(`indexer fault test: ${note}`),
      bizTransaction: textHash(`PO-${note}`),
    };
    const m = sc.connect(ctx.actors.manufacturer);
    await (await m.shipItem(good.lotId, textHash(serial), good.tree.proof(serial), shipment)).wait();
    return itemKeyOf(good.lotId, serial);
  }

  /** Real blocks, one by one (hardhat_mine's bulk blocks do not link by parent hash, which Ponder checks). */
  async function mine(blocks: number): Promise<void> {
    for (let i = 0; i < blocks; i++) await hre.network.provider.send("evm_mine", []);
  }

  /**
   * An item's timeline read straight from the node: every SupplyChain log with the item key as an indexed topic,
   * and its lot's own events (commissioned, recalled, quarantined, released, destroyed). The items these tests
   * follow are never packed, so no pallet events belong to them.
   */
  async function chainItemEvents(itemKey: string): Promise<EventKey[]> {
    const address = await sc.getAddress();
    const logs = async (topics: (string | null)[]) =>
      hre.ethers.provider.getLogs({ address, fromBlock: 0, toBlock: "latest", topics });
    const own = [...(await logs([null, itemKey])), ...(await logs([null, null, itemKey]))];
    const lot = (await logs([null, good.lotId])).filter((l) => LOT_EVENTS.includes(eventName(l)));
    const unique = new Map([...own, ...lot].map((l) => [`${l.blockNumber}/${l.index}`, l]));
    return [...unique.values()]
      .sort((x, y) => x.blockNumber - y.blockNumber || x.index - y.index)
      .map((l) =>
        keyOf({ blockNumber: l.blockNumber, logIndex: l.index, txHash: l.transactionHash, event: eventName(l) }),
      );
  }

  function eventName(log: { topics: readonly string[]; data: string }): string {
    const parsed = sc.interface.parseLog({ topics: [...log.topics], data: log.data });
    if (!parsed) throw new Error(`a SupplyChain log the ABI does not know: ${log.topics[0]}`);
    return parsed.name;
  }

  /** The item's timeline as the indexer serves it (status and event keys; no events when not 200). */
  async function indexedItemEvents(idx: Indexer, itemKey: string): Promise<{ status: number; events: EventKey[] }> {
    const a = await get(`${idx.url}/history/items/${itemKey}/timeline`);
    if (a.status !== 200) return { status: a.status, events: [] };
    const timeline = (a.body as HistoryEnvelope<ItemTimeline>).data;
    return { status: 200, events: timeline.events.map(keyOf) };
  }

  /** The item's timeline on the indexer equals the chain's. */
  async function expectItemParity(idx: Indexer, itemKey: string): Promise<void> {
    const events = await chainItemEvents(itemKey);
    expect(events.length, `item ${itemKey} has history on chain`).to.be.greaterThan(0);
    expect(await indexedItemEvents(idx, itemKey), `timeline of ${itemKey}`).to.deep.equal({ status: 200, events });
  }

  async function status(idx: Indexer): Promise<HistoryStatus | undefined> {
    const a = await get(`${idx.url}/history/status`);
    return a.status === 200 ? (a.body as HistoryStatus) : undefined;
  }

  /** Waits until the indexer has read the chain up to its current head. */
  async function caughtUp(idx: Indexer, ms = WAIT.follow): Promise<number> {
    const head = await hre.ethers.provider.getBlockNumber();
    return waitFor(`the indexer reaching block ${head}`, ms, async () => {
      const s = await status(idx);
      return s && s.ready && Number(s.indexedBlock) >= head ? Number(s.indexedBlock) : undefined;
    });
  }

  /** Starts an indexer behind the Besu proxy (getLogsRange 5,000) and waits until it is ready. */
  async function start(name: string, options: Partial<StartIndexerOptions> = {}): Promise<Indexer> {
    const t0 = Date.now();
    const idx = await startIndexer({
      deploymentFile,
      rpcUrl: besu.url,
      getLogsRange: BESU_MAX_LOGS_RANGE,
      dataDir: sharedDataDir,
      log: (s) => console.log(`      [indexer ${name}] ${s}`),
      ...options,
    });
    started.push(idx);
    await idx.waitReady(WAIT.ready);
    console.log(`      [indexer ${name}] ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return idx;
  }

  function need<T>(value: T | undefined, what: string): T {
    if (value === undefined) throw new Error(`${what} did not start (an earlier test failed)`);
    return value;
  }

  /**
   * A fresh chain with the story's first chapter (the consortium) and the app's seed (src/stack/scenario: supply
   * chain, cold chain, assets, metering, medical), each deploying what it needs. The demo's later chapters are left
   * out because they read their history from indexers they start themselves (up to four starts per seed), which
   * these tests cannot afford twice. The chain starts from a reset, so other test files in the same process do not
   * shift the deployer's nonces: both seeds deploy at the same addresses. Hardhat's genesis is the same after every
   * reset, and so is block 1 unless its timestamp moves (`startAt`): the deterministic seed would rebuild the very
   * same first blocks.
   */
  async function freshSeededChain(startAt?: number): Promise<void> {
    await hre.network.provider.send("hardhat_reset", []);
    if (startAt !== undefined) await hre.network.provider.send("evm_setNextBlockTimestamp", [startAt]);
    const root = path.join(__dirname, "..", "src");
    const scenario = path.join(root, "stack", "scenario");
    const files = [
      path.join(root, "demo", "chapters", "01-consortium.ts"),
      ...fs
        .readdirSync(scenario)
        .filter((f) => f.endsWith(".ts"))
        .sort()
        .map((f) => path.join(scenario, f)),
    ];
    const print = console.log;
    console.log = () => undefined; // the chapters tell their story; the tests print their own lines
    try {
      ctx = await demoContext(hre);
      for (const file of files) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        await (require(file) as { chapter: DemoChapter }).chapter.run(ctx);
      }
    } finally {
      console.log = print;
    }
    sc = ctx.system.supplyChain as SupplyChain;
  }

  async function describeChain(): Promise<string> {
    const chainId = (await hre.ethers.provider.getNetwork()).chainId;
    return writeDeployment(describeDeployment(ctx, "hardhat", chainId, rpc.url, true), tmp);
  }

  before(async function () {
    this.timeout(600_000);
    await freshSeededChain();
    const lots = ctx.system.appLots as Record<string, { lotId: string }>;
    // The scenario's "good" lot: 50 serials AMX2611-0001…; rebuilt here and checked against the root on chain.
    const tree = SerialTree.of(Array.from({ length: 50 }, (_, i) => `AMX2611-${String(i + 1).padStart(4, "0")}`));
    expect((await sc.lot(lots.good.lotId)).merkleRoot).to.equal(tree.root);
    good = { lotId: lots.good.lotId, tree };
    // The gap in bulk (fast), then real blocks: the indexer starts on a head whose last blocks link up.
    await hre.network.provider.send("hardhat_mine", [`0x${GAP_BLOCKS.toString(16)}`]);
    await mine(2 * PONDER_FINALITY);
    lateItem = await shipNextItem("after the gap");
    rpc = await startRpcServer(hre);
    besu = await startRangeProxy({ upstream: rpc.url, maxRange: BESU_MAX_LOGS_RANGE });
    deploymentFile = await describeChain();
  });

  after(async function () {
    this.timeout(120_000);
    for (const idx of started) await idx.stop().catch(() => undefined);
    await besu?.close();
    await rpc?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    // The next test file gets a clean chain, not the one these tests reorganised and reset.
    await hre.network.provider.send("hardhat_reset", []);
  });

  it("refuses eth_getLogs over more than 5,000 blocks with Besu's exact error, alone and in a batch", async function () {
    const proxy = await startRangeProxy({ upstream: rpc.url });
    try {
      const post = async (body: unknown) =>
        (await fetch(proxy.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        }).then((r) => r.json())) as unknown;
      const getLogs = (id: number, filter: Record<string, string>) => ({
        jsonrpc: "2.0",
        id,
        method: "eth_getLogs",
        params: [filter],
      });
      const hex = (n: number) => `0x${n.toString(16)}`;
      const head = await hre.ethers.provider.getBlockNumber();
      expect(head).to.be.greaterThan(BESU_MAX_LOGS_RANGE);

      // Besu refuses when toBlock - fromBlock > max: 0..5,001 is refused, 0..5,000 served (5,001 blocks inclusive).
      expect(await post(getLogs(7, { fromBlock: "0x0", toBlock: "latest" }))).to.deep.equal({
        jsonrpc: "2.0",
        id: 7,
        error: { code: -32005, message: "Requested range exceeds maximum RPC range limit" },
      });
      expect(await post(getLogs(8, { fromBlock: "earliest", toBlock: hex(5_001) }))).to.have.deep.property(
        "error",
        BESU_RANGE_ERROR,
      );
      const edge = (await post(getLogs(9, { fromBlock: "earliest", toBlock: hex(5_000) }))) as { result: unknown[] };
      expect(edge.result.length, "the seeded history's logs in blocks 0..5,000").to.be.greaterThan(0);
      const latestOnly = (await post(getLogs(10, {}))) as { result: unknown[] };
      expect(latestOnly.result).to.be.an("array");
      const block = await hre.ethers.provider.getBlock(head);
      const byHash = (await post(getLogs(11, { blockHash: block!.hash! }))) as { result: unknown[] };
      expect(byHash.result).to.be.an("array");

      const batch = (await post([
        getLogs(1, { fromBlock: hex(head - 5_001), toBlock: hex(head) }),
        { jsonrpc: "2.0", id: 2, method: "eth_blockNumber", params: [] },
        getLogs(3, { fromBlock: hex(head - 5_000), toBlock: hex(head) }),
      ])) as { id: number; result?: unknown; error?: unknown }[];
      expect(batch.map((r) => r.id)).to.deep.equal([1, 2, 3]);
      expect(batch[0].error).to.deep.equal(BESU_RANGE_ERROR);
      expect(batch[1].result).to.equal(hex(head));
      expect(batch[2].result).to.be.an("array");

      expect(proxy.stats.refused).to.deep.equal([
        { from: 0, to: head },
        { from: 0, to: 5_001 },
        { from: head - 5_001, to: head },
      ]);
      expect(proxy.stats.served).to.deep.equal([
        { from: 0, to: 5_000 },
        { from: head, to: head },
        { from: head - 5_000, to: head },
      ]);
      expect(proxy.stats.byHash).to.equal(1);
      expect(proxy.stats.methods.eth_blockNumber).to.equal(1);
    } finally {
      await proxy.close();
    }
  });

  it("completes through a Besu node's 5,000-block log range on a chain longer than that, and answers as the chain", async function () {
    this.timeout(WAIT.ready + 120_000);
    oldIndexer = await start("besu");
    await caughtUp(oldIndexer);
    const seeded = itemKeyOf(good.lotId, good.tree.serials[0]);
    const firstBlock = Number((await chainItemEvents(seeded))[0].split("/")[0]);
    const lastBlock = Number((await chainItemEvents(lateItem)).at(-1)!.split("/")[0]);
    expect(lastBlock - firstBlock, "the history spans more than Besu's range").to.be.greaterThan(BESU_MAX_LOGS_RANGE);
    await expectItemParity(oldIndexer, seeded);
    await expectItemParity(oldIndexer, lateItem);

    // Either Ponder asked for a wider range, was refused and split it, or it was configured with the network's
    // range (getLogsRange) and never asked for more. Both are fine; a served range wider than Besu's is not.
    const { refused, served, byHash } = besu.stats;
    console.log(
      `      [besu] ${refused.length} eth_getLogs refused, ${served.length} served (widest ${besu.widestServed()} ` +
        `blocks), ${byHash} by block hash: ` +
        (refused.length > 0 ? "Ponder split refused ranges" : "Ponder used the configured range of 5,000 blocks"),
    );
    expect(served.length, "the indexer read its logs through the proxy").to.be.greaterThan(0);
    for (const r of served) expect(r.to - r.from, `served ${r.from}..${r.to}`).to.be.at.most(BESU_MAX_LOGS_RANGE);
  });

  it("follows a reorg: the dropped blocks' shipment disappears and the new branch's is served", async function () {
    const idx = need(oldIndexer, "the Besu indexer");
    const snapshot = (await hre.network.provider.send("evm_snapshot", [])) as string;
    const dropped = await shipNextItem("dropped branch");
    await mine(2);
    await waitFor("the indexer serving the dropped branch's shipment", WAIT.follow, async () => {
      const a = await indexedItemEvents(idx, dropped);
      return a.status === 200 ? a : undefined;
    });
    await expectItemParity(idx, dropped);

    expect(await hre.network.provider.send("evm_revert", [snapshot])).to.equal(true);
    const kept = await shipNextItem("new branch");
    await mine(4); // the new branch is longer than the dropped one
    const itemOnly = (keys: EventKey[]) => keys.filter((k) => !LOT_EVENTS.includes(k.split("/")[3]));
    expect(itemOnly(await chainItemEvents(dropped)), "the node dropped the shipment").to.deep.equal([]);
    await waitFor("the indexer serving the new branch's shipment", WAIT.follow, async () => {
      const a = await indexedItemEvents(idx, kept);
      return a.status === 200 ? a : undefined;
    });
    await caughtUp(idx);
    await expectItemParity(idx, kept);
    expect(await indexedItemEvents(idx, dropped), "nothing from the dropped blocks").to.deep.equal({
      status: 404,
      events: [],
    });
  });

  it("on a chain reset, the running indexer answers 503 (never 200 with the old history) and exits non-zero", async function () {
    this.timeout(WAIT.exit + 180_000);
    const old = need(oldIndexer, "the Besu indexer");
    await caughtUp(old);
    expect((await indexedItemEvents(old, lateItem)).status).to.equal(200);

    // Every answer of the old process once the chain is reset: none may be 200 (the old chain's history).
    const answers: { route: string; status: number; afterReset: boolean }[] = [];
    let polling = true;
    let resetDone = false;
    const routes = ["/ready", "/history/status", `/history/items/${lateItem}/timeline`];
    const poller = (async () => {
      while (polling) {
        for (const route of routes) {
          const afterReset = resetDone;
          answers.push({ route, status: (await get(`${old.url}${route}`)).status, afterReset });
        }
        await new Promise((r) => setTimeout(r, WAIT.poll));
      }
    })();
    try {
      const contractsOf = (file: string) => (JSON.parse(fs.readFileSync(file, "utf8")) as AppDeployment).contracts;
      const oldContracts = contractsOf(deploymentFile);
      await hre.network.provider.send("hardhat_reset", []);
      resetDone = true;
      // A fresh chain: the same deployment (same deployer, same nonces, same addresses), a different history.
      // A different block 1 (a later timestamp): the chain's identity changes as when a node is re-created.
      const genesis = await hre.ethers.provider.getBlock(0);
      await freshSeededChain(genesis!.timestamp + 3_600);
      expect(contractsOf(await describeChain()), "the same addresses").to.deep.equal(oldContracts);
      nextSerial = 20;
      freshItem = await shipNextItem("fresh chain");
      const oldCode = await withTimeout(old.exited, WAIT.exit, "the old indexer did not stop on the reset chain");
      polling = false;
      await poller;
      const after = answers.filter((a) => a.afterReset);
      const tally = new Map<string, number>();
      for (const a of after) tally.set(`${a.route} ${a.status}`, (tally.get(`${a.route} ${a.status}`) ?? 0) + 1);
      console.log(
        `      [reset] the old process exited with ${oldCode}; its answers after the reset: ` +
          [...tally].map(([k, n]) => `${k} ×${n}`).join(", "),
      );
      expect(oldCode, "the old process exits with an error").to.not.equal(0);
      expect(
        after.filter((a) => a.status === 200),
        "200 answers of the old process after the reset",
      ).to.deep.equal([]);
      expect(
        after.some((a) => a.status === 503),
        "503 while the database holds another chain",
      ).to.equal(true);
    } finally {
      polling = false;
      await poller;
    }
  });

  it("restarted on the reset chain with the same data directory, rebuilds and serves only the new history", async function () {
    const restartLog: string[] = [];
    this.timeout(WAIT.ready + 120_000);
    need(freshItem, "the reset chain");
    rebuilt = await start("restarted", { log: (line) => restartLog.push(line) });
    console.log(`      [indexer restarted] ${restartLog.join("; ")}`);
    expect(restartLog.join("\n"), "the launcher saw the chain change").to.match(/wiping|dropping|rebuild/i);
    await caughtUp(rebuilt);
    await expectItemParity(rebuilt, freshItem);
    expect(await indexedItemEvents(rebuilt, lateItem), "nothing of the old chain").to.deep.equal({
      status: 404,
      events: [],
    });
    const s = await status(rebuilt);
    expect(Number(s!.indexedBlock)).to.be.at.most(await hre.ethers.provider.getBlockNumber());
  });

  /** A PGlite indexer of the reset chain: the restarted one, or a fresh one when the restart failed. */
  async function newChainIndexer(): Promise<Indexer> {
    need(freshItem, "the reset chain");
    rebuilt ??= await start("fresh", { dataDir: path.join(tmp, "fresh") });
    return rebuilt;
  }

  it("answers the same on PostgreSQL (a private cluster on loopback) as on PGlite and as the chain", async function () {
    this.timeout(2 * WAIT.ready + 120_000);
    const pglite = await newChainIndexer();
    const pg = await startPrivatePostgres((s) => console.log(`      [pg] ${s}`));
    try {
      expect(pg.url).to.match(/^postgresql:\/\/citychain@127\.0\.0\.1:\d+\/citychain$/);
      if (process.getuid?.() === 0) expect(pg.owner, "PostgreSQL does not run as root").to.not.equal("root");
      const idx = await start("postgres", { databaseUrl: pg.url, dataDir: path.join(tmp, "unused") });
      try {
        await caughtUp(idx);
        await caughtUp(pglite);
        const seeded = itemKeyOf(good.lotId, good.tree.serials[0]);
        await expectItemParity(idx, seeded);
        await expectItemParity(idx, freshItem);
        // The same read models answer byte for byte the same on both databases.
        const routes = [
          `/history/items/${seeded}/timeline`,
          `/history/items/${freshItem}/timeline`,
          `/history/lots/${good.lotId}`,
          "/history/members",
          "/history/proposals",
          "/history/alarms?open=1",
          "/history/offerings",
          "/history/listings",
          "/history/assets",
        ];
        for (const route of routes) {
          const [a, b] = [await get(`${pglite.url}${route}`), await get(`${idx.url}${route}`)];
          expect(a.status, `PGlite ${route}`).to.equal(200);
          expect(b.status, `PostgreSQL ${route}`).to.equal(200);
          const data = (x: Answer) => (x.body as HistoryEnvelope<unknown>).data;
          expect(data(b), route).to.deep.equal(data(a));
        }
      } finally {
        await idx.stop();
      }
    } finally {
      await pg.stop();
    }
    expect(fs.existsSync(pg.dir), "the cluster's directory is removed").to.equal(false);
  });

  it(`stops with a clear error on a reorg deeper than Ponder's finality (${PONDER_FINALITY} blocks), serving nothing after`, async function () {
    this.timeout(WAIT.ready + WAIT.exit + 120_000);
    const idx = await newChainIndexer();
    await caughtUp(idx);
    const snapshot = (await hre.network.provider.send("evm_snapshot", [])) as string;
    const dropped = await shipNextItem("deeply dropped branch");
    await mine(2 * PONDER_FINALITY);
    await caughtUp(idx);
    await expectItemParity(idx, dropped);

    expect(await hre.network.provider.send("evm_revert", [snapshot])).to.equal(true);
    await shipNextItem("deep new branch");
    await mine(3 * PONDER_FINALITY);

    const code = await withTimeout(idx.exited, WAIT.exit, "the indexer did not stop after the deep reorg");
    expect(code, "the indexer exits with an error").to.not.equal(0);
    expect(idx.output(), "the error names the reorg").to.match(/unrecoverable .*reorg beyond finalized block \d+/i);
    for (const route of ["/ready", `/history/items/${dropped}/timeline`, "/history/status"]) {
      expect((await get(`${idx.url}${route}`)).status, route).to.not.equal(200);
    }
  });
  it("on a chain replayed with the same genesis and block 1, catches the replaced blocks at start and rebuilds", async function () {
    this.timeout(2 * WAIT.ready + 180_000);
    const replayDir = path.join(tmp, "replay");
    const firstTimestamp = (await hre.ethers.provider.getBlock(0))!.timestamp + 7_200;
    const gtin = 4_012_345_000_016n;
    /** The consortium and a SupplyChain from the same first timestamp, then a product whose text differs. */
    const replay = async (text: string) => {
      await hre.network.provider.send("hardhat_reset", []);
      await hre.network.provider.send("evm_setNextBlockTimestamp", [firstTimestamp]);
      const print = console.log;
      console.log = () => undefined;
      try {
        ctx = await demoContext(hre);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { chapter } = require("../src/demo/chapters/01-consortium") as { chapter: DemoChapter };
        await chapter.run(ctx);
      } finally {
        console.log = print;
      }
      const { deploySupplyChain } = await import("../src/supplychain");
      sc = await deploySupplyChain(hre, await ctx.city!.consortium.getAddress(), ctx.actors.deployer);
      ctx.system = { supplyChain: sc };
      await mine(3);
      const registered = await (await sc.connect(ctx.actors.manufacturer).registerProduct(gtin, textHash(text))).wait();
      await mine(2 * PONDER_FINALITY + 5);
      return { block: registered!.blockNumber, file: await describeChain() };
    };
    const productText = async (idx: Indexer) => {
      const a = await get(`${idx.url}/history/events?name=ProductRegistered`);
      expect(a.status, "product events served").to.equal(200);
      return (a.body as HistoryEnvelope<{ args: Record<string, string> }[]>).data.map((e) => e.args.metadataHash);
    };

    const first = await replay("first chain's product");
    const block1 = (await hre.ethers.provider.getBlock(1))!.hash;
    const firstProductBlock = (await hre.ethers.provider.getBlock(first.block))!.hash;
    const before = await start("replay, first chain", { deploymentFile: first.file, dataDir: replayDir });
    await caughtUp(before);
    expect(await productText(before)).to.deep.equal([textHash("first chain's product")]);
    await before.stop();

    const second = await replay("second chain's product");
    // the situation under test: the same identity (genesis, block 1), other blocks after them
    expect((await hre.ethers.provider.getBlock(1))!.hash, "block 1 is the same").to.equal(block1);
    expect(second.block, "the product is registered at the same height").to.equal(first.block);
    expect((await hre.ethers.provider.getBlock(second.block))!.hash, "that block differs").to.not.equal(
      firstProductBlock,
    );
    const restartLog: string[] = [];
    const after = await start("replay, second chain", {
      deploymentFile: second.file,
      dataDir: replayDir,
      log: (line) => restartLog.push(line),
    });
    console.log(`      [indexer replay] ${restartLog.join("; ")}`);
    await caughtUp(after);
    expect(await productText(after), "only the second chain's history").to.deep.equal([
      textHash("second chain's product"),
    ]);
    expect(restartLog.join("\n"), "the launcher saw the replaced block").to.match(
      new RegExp(`wiping .*block ${first.block} .* \\(the chain was replaced after block 1\\)`),
    );
  });
});
