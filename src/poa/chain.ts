import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import {
  SigningKey,
  Wallet,
  encryptKeystoreJsonSync,
  getAddress,
  hexlify,
  keccak256,
  randomBytes,
  toUtf8Bytes,
} from "ethers";
import { cliqueGenesis } from "./clique";
import { ensureGeth, gethVersion } from "./geth";
import { rpc } from "./rpc";
import { NETWORK_FILE_NAME, POA_CHAIN_ID, POA_RUN_DIR, PoaNetworkDescription } from "./network";
import { WaitAborted, waitUntil } from "./wait";

/** 1 gwei: the miner's gas price and the pool's minimum priority fee (`--miner.gasprice`, `--txpool.pricelimit`). */
export const POA_MIN_PRIORITY_FEE = 1_000_000_000n;
/** Enough for the city cast (21 signers), the benchmarks' parallel senders and spares. */
export const POA_ACCOUNTS = 48;
export const POA_ACCOUNT_BALANCE = 10n ** 24n; // 1,000,000 ether each

export interface PoaOptions {
  dir: string;
  nodes: number;
  chainId: number;
  periodSeconds: number;
  /** Node i (1-based) serves HTTP JSON-RPC on basePort+i-1, p2p on basePort+100+i-1, authrpc on basePort+200+i-1. */
  basePort: number;
  accounts: number;
  minPriorityFeeWei: bigint;
}

export function defaultPoaOptions(): PoaOptions {
  return {
    dir: POA_RUN_DIR,
    nodes: 3,
    chainId: POA_CHAIN_ID,
    periodSeconds: 1,
    basePort: process.env.CITYCHAIN_POA_BASE_PORT ? Number(process.env.CITYCHAIN_POA_BASE_PORT) : 8545,
    accounts: POA_ACCOUNTS,
    minPriorityFeeWei: POA_MIN_PRIORITY_FEE,
  };
}

/** What the harness keeps between commands (private: it holds keys; written with mode 0600, never committed). */
interface PoaState {
  options: Omit<PoaOptions, "dir" | "minPriorityFeeWei"> & { minPriorityFeeWei: string };
  signerKeys: string[];
  accountKeys: string[];
  nodeKeys: string[];
}

/** Timeouts of the harness's waits (ms). */
export const POA_TIMEOUTS = { rpcUp: 30_000, peers: 30_000, blocks: 30_000, stop: 20_000 };

/**
 * Node keys are derived, not random: the same chain id and node index give the same enode, so static peer lists
 * can be written before any node runs and stay valid across restarts.
 */
export function deterministicNodeKey(chainId: number, index: number): string {
  return keccak256(toUtf8Bytes(`citychain/poa/${chainId}/node/${index}`));
}

export function enodeId(nodeKey: string): string {
  return SigningKey.computePublicKey(nodeKey, false).slice(4);
}

function writePrivate(file: string, content: string): void {
  fs.writeFileSync(file, content, { mode: 0o600 });
}

/** Is a pid alive (and not a zombie)? */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** One geth node of the local chain. Index is 1-based (node 1 serves the Hardhat `poa` network's rpcUrl). */
export class PoaNode {
  constructor(
    readonly chain: PoaChain,
    readonly index: number,
  ) {}

  get dir(): string {
    return path.join(this.chain.dir, `node${this.index}`);
  }
  get dataDir(): string {
    return path.join(this.dir, "data");
  }
  get logFile(): string {
    return path.join(this.dir, "geth.log");
  }
  get pidFile(): string {
    return path.join(this.dir, "geth.pid");
  }
  get httpPort(): number {
    return this.chain.options.basePort + this.index - 1;
  }
  get p2pPort(): number {
    return this.chain.options.basePort + 100 + this.index - 1;
  }
  get authPort(): number {
    return this.chain.options.basePort + 200 + this.index - 1;
  }
  get rpcUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }
  get signer(): string {
    return new Wallet(this.chain.state.signerKeys[this.index - 1]).address;
  }
  get enode(): string {
    return `enode://${enodeId(this.chain.state.nodeKeys[this.index - 1])}@127.0.0.1:${this.p2pPort}`;
  }

  /** The pid of the running geth, if any (a stale pid file is removed). */
  pid(): number | undefined {
    if (!fs.existsSync(this.pidFile)) return undefined;
    const pid = Number(fs.readFileSync(this.pidFile, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
      // Guard against pid reuse: the process must be a geth of this node's data directory.
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (cmd.includes(this.dataDir)) return pid;
      } catch {
        return pid;
      }
    }
    fs.rmSync(this.pidFile, { force: true });
    return undefined;
  }

  running(): boolean {
    return this.pid() !== undefined;
  }

  rpc<T>(method: string, params: unknown[] = [], timeoutMs = 5_000): Promise<T> {
    return rpc<T>(this.rpcUrl, method, params, timeoutMs);
  }

  async blockNumber(): Promise<number> {
    return Number(await this.rpc<string>("eth_blockNumber"));
  }

  async head(): Promise<{ number: number; hash: string }> {
    const block = await this.rpc<{ number: string; hash: string }>("eth_getBlockByNumber", ["latest", false]);
    return { number: Number(block.number), hash: block.hash };
  }

  async peerCount(): Promise<number> {
    return (await this.rpc<unknown[]>("admin_peers")).length;
  }

  /** Writes keystore, node key, TOML config (static peers, loopback listen address) and runs `geth init`. */
  async init(geth: string): Promise<void> {
    fs.mkdirSync(path.join(this.dataDir, "keystore"), { recursive: true });
    fs.mkdirSync(path.join(this.dataDir, "geth"), { recursive: true });
    const signerKey = this.chain.state.signerKeys[this.index - 1];
    const signer = new Wallet(signerKey);
    // A light scrypt cost: this key seals a local development chain; production validators use Besu (docs/poa.md).
    const keystore = encryptKeystoreJsonSync({ address: signer.address, privateKey: signerKey }, this.chain.password, {
      scrypt: { N: 1 << 12 },
    });
    writePrivate(path.join(this.dataDir, "keystore", `signer-${signer.address.toLowerCase()}.json`), keystore);
    writePrivate(path.join(this.dataDir, "geth", "nodekey"), this.chain.state.nodeKeys[this.index - 1].slice(2));
    const peers = this.chain.nodes.filter((n) => n !== this).map((n) => `"${n.enode}"`);
    const toml = [
      "# Generated by src/poa/chain.ts. geth 1.13 ignores static-nodes.json; static peers live here.",
      "[Node.P2P]",
      `ListenAddr = "127.0.0.1:${this.p2pPort}"`,
      "NoDiscovery = true",
      `StaticNodes = [${peers.join(", ")}]`,
      `TrustedNodes = [${peers.join(", ")}]`,
      "",
    ].join("\n");
    fs.writeFileSync(path.join(this.dir, "config.toml"), toml);
    await this.chain.runToCompletion(geth, ["--datadir", this.dataDir, "init", this.chain.genesisFile], this.logFile);
  }

  /** The geth command line of this sealing node. */
  args(): string[] {
    const o = this.chain.options;
    const floor = this.chain.minPriorityFeeWei.toString();
    return [
      "--config",
      path.join(this.dir, "config.toml"),
      "--datadir",
      this.dataDir,
      "--networkid",
      String(o.chainId),
      "--syncmode",
      "full",
      // Archive: every block's state is written at once, so a SIGKILLed node restarts at its head.
      "--gcmode",
      "archive",
      "--cache",
      "128",
      "--nodiscover",
      "--nat",
      "none",
      "--ipcdisable",
      "--http",
      "--http.addr",
      "127.0.0.1",
      "--http.port",
      String(this.httpPort),
      "--http.api",
      "eth,net,web3,clique,admin,txpool",
      "--authrpc.addr",
      "127.0.0.1",
      "--authrpc.port",
      String(this.authPort),
      "--mine",
      "--miner.etherbase",
      this.signer,
      "--miner.gasprice",
      floor,
      "--miner.gaslimit",
      "30000000",
      // Rebuild the pending block as often as geth allows (it raises anything shorter to 1 s): with 1 s blocks the
      // default (2 s) would seal blocks built before the latest transactions arrived, half empty under load.
      "--miner.recommit",
      "1s",
      // The same floor in the pool, applied to RPC-submitted transactions too: an underpriced transaction is
      // refused at once ("transaction underpriced") instead of waiting forever for a miner that skips it.
      "--txpool.pricelimit",
      floor,
      "--txpool.nolocals",
      "--unlock",
      this.signer,
      "--password",
      this.chain.passwordFile,
      // Only safe because HTTP listens on 127.0.0.1 and the account is a local development sealer.
      "--allow-insecure-unlock",
      "--verbosity",
      "3",
    ];
  }

  /** Starts this node's geth (detached; output appended to geth.log) and waits until its RPC answers. */
  async start(): Promise<void> {
    if (this.running()) return;
    for (const port of [this.httpPort, this.p2pPort, this.authPort]) {
      if (!(await portFree(port))) {
        throw new Error(
          `node ${this.index}: port ${port} on 127.0.0.1 is in use (another chain running? ` +
            "`npm run chain:stop`, or set CITYCHAIN_POA_BASE_PORT)",
        );
      }
    }
    const geth = ensureGeth();
    const log = fs.openSync(this.logFile, "a");
    const child = spawn(geth, this.args(), { detached: true, stdio: ["ignore", log, log] });
    fs.closeSync(log);
    if (child.pid === undefined) throw new Error(`node ${this.index}: geth did not start`);
    child.unref();
    fs.writeFileSync(this.pidFile, String(child.pid));
    await waitUntil(
      `node ${this.index} RPC at ${this.rpcUrl} (log: ${this.logFile})`,
      async () => {
        if (!alive(child.pid as number)) throw new WaitAborted(`node ${this.index}: geth exited; see ${this.logFile}`);
        return { done: (await this.rpc<string>("eth_chainId")) !== undefined, seen: "RPC up" };
      },
      POA_TIMEOUTS.rpcUp,
    );
  }

  /** Stops this node: SIGTERM (geth flushes and exits) or, with `kill`, SIGKILL (a crash). Waits until gone. */
  async stop(kill = false): Promise<void> {
    const pid = this.pid();
    if (pid === undefined) return;
    process.kill(pid, kill ? "SIGKILL" : "SIGTERM");
    try {
      await waitUntil(
        `node ${this.index} (pid ${pid}) to exit`,
        async () => ({ done: !alive(pid), seen: "alive" }),
        POA_TIMEOUTS.stop,
      );
    } catch (err) {
      if (kill) throw err;
      process.kill(pid, "SIGKILL");
      await waitUntil(
        `node ${this.index} (pid ${pid}) to die`,
        async () => ({ done: !alive(pid), seen: "alive" }),
        5_000,
      );
    }
    fs.rmSync(this.pidFile, { force: true });
  }
}

/** The local three-signer Clique chain: creation, start/stop of all or single nodes, readiness checks. */
export class PoaChain {
  readonly nodes: PoaNode[];

  private constructor(
    readonly dir: string,
    readonly state: PoaState,
  ) {
    this.nodes = Array.from({ length: state.options.nodes }, (_, i) => new PoaNode(this, i + 1));
  }

  get options(): PoaState["options"] {
    return this.state.options;
  }
  get minPriorityFeeWei(): bigint {
    return BigInt(this.state.options.minPriorityFeeWei);
  }
  get genesisFile(): string {
    return path.join(this.dir, "genesis.json");
  }
  get passwordFile(): string {
    return path.join(this.dir, "password.txt");
  }
  get password(): string {
    return fs.readFileSync(this.passwordFile, "utf8").trim();
  }
  get networkFile(): string {
    return path.join(this.dir, NETWORK_FILE_NAME);
  }
  get signers(): string[] {
    return this.nodes.map((n) => n.signer);
  }
  get accountKeys(): string[] {
    return this.state.accountKeys;
  }

  node(index: number): PoaNode {
    const node = this.nodes[index - 1];
    if (!node) throw new Error(`no node ${index}: the chain has nodes 1..${this.nodes.length}`);
    return node;
  }

  static exists(dir = POA_RUN_DIR): boolean {
    return fs.existsSync(path.join(dir, "state.json"));
  }

  static load(dir = POA_RUN_DIR): PoaChain {
    if (!PoaChain.exists(dir)) throw new Error(`no local PoA chain in ${dir}: run \`npm run chain\` first`);
    return new PoaChain(dir, JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")) as PoaState);
  }

  /**
   * Creates a fresh chain in `options.dir` (any previous one there is stopped and deleted): new signer and member
   * keys, deterministic node keys, a Clique genesis, and each node's keystore, config and initialised database.
   */
  static async create(partial: Partial<PoaOptions> = {}, log: (s: string) => void = () => {}): Promise<PoaChain> {
    const options = { ...defaultPoaOptions(), ...partial };
    if (options.nodes < 1) throw new Error("a chain needs at least one node");
    if (PoaChain.exists(options.dir)) await PoaChain.load(options.dir).stop();
    fs.rmSync(options.dir, { recursive: true, force: true });
    fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const geth = ensureGeth(log);
    const key = () => hexlify(randomBytes(32));
    const state: PoaState = {
      options: {
        nodes: options.nodes,
        chainId: options.chainId,
        periodSeconds: options.periodSeconds,
        basePort: options.basePort,
        accounts: options.accounts,
        minPriorityFeeWei: options.minPriorityFeeWei.toString(),
      },
      signerKeys: Array.from({ length: options.nodes }, key),
      accountKeys: Array.from({ length: options.accounts }, key),
      nodeKeys: Array.from({ length: options.nodes }, (_, i) => deterministicNodeKey(options.chainId, i + 1)),
    };
    writePrivate(path.join(options.dir, "state.json"), JSON.stringify(state, null, 2) + "\n");
    writePrivate(path.join(options.dir, "password.txt"), hexlify(randomBytes(16)) + "\n");
    const chain = new PoaChain(options.dir, state);
    const alloc = Object.fromEntries(state.accountKeys.map((k) => [new Wallet(k).address, POA_ACCOUNT_BALANCE]));
    const genesis = cliqueGenesis({
      chainId: options.chainId,
      signers: chain.signers,
      periodSeconds: options.periodSeconds,
      alloc,
    });
    fs.writeFileSync(chain.genesisFile, JSON.stringify(genesis, null, 2) + "\n");
    for (const node of chain.nodes) await node.init(geth);
    log(
      `created a ${options.nodes}-signer Clique chain (id ${options.chainId}, ${options.periodSeconds} s blocks) in ${options.dir}`,
    );
    return chain;
  }

  /** Runs a short geth command (e.g. `init`) with a time limit, appending its output to `logFile`. */
  async runToCompletion(geth: string, args: string[], logFile: string, timeoutMs = 60_000): Promise<void> {
    const log = fs.openSync(logFile, "a");
    const child = spawn(geth, args, { stdio: ["ignore", log, log], timeout: timeoutMs });
    fs.closeSync(log);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (c) => resolve(c));
    });
    if (code !== 0) throw new Error(`geth ${args.join(" ")} failed (exit ${code}); see ${logFile}`);
  }

  /** Starts every node that is not running, waits until the network is whole, and writes network.json. */
  async start(log: (s: string) => void = () => {}): Promise<PoaNetworkDescription> {
    for (const node of this.nodes) {
      await node.start();
      log(`node ${node.index}: pid ${node.pid()}, RPC ${node.rpcUrl}, signer ${node.signer}`);
    }
    await this.waitHealthy();
    const description = await this.describe();
    fs.writeFileSync(this.networkFile, JSON.stringify(description, null, 2) + "\n", { mode: 0o600 });
    return description;
  }

  /** Stops every node (SIGTERM, then SIGKILL after a grace period). */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }

  running(): PoaNode[] {
    return this.nodes.filter((n) => n.running());
  }

  /** Waits until every running node is peered with every other running node. */
  async waitPeered(timeoutMs = POA_TIMEOUTS.peers): Promise<void> {
    const up = this.running();
    await waitUntil(
      `${up.length} nodes to peer with each other`,
      async () => {
        const counts = await Promise.all(up.map((n) => n.peerCount()));
        return { done: counts.every((c) => c >= up.length - 1), seen: `peers ${counts.join("/")}` };
      },
      timeoutMs,
    );
  }

  /** Waits until node `index`'s head has advanced by `blocks` blocks. */
  async waitBlocks(
    blocks: number,
    index = this.running()[0]?.index ?? 1,
    timeoutMs = POA_TIMEOUTS.blocks,
  ): Promise<number> {
    const node = this.node(index);
    const from = await node.blockNumber();
    let now = from;
    await waitUntil(
      `node ${index} to seal ${blocks} block(s) past #${from}`,
      async () => {
        now = await node.blockNumber();
        return { done: now >= from + blocks, seen: `head #${now}` };
      },
      timeoutMs,
    );
    return now;
  }

  /** Waits until every running node reports the same head hash, at or above `minBlock`. */
  async waitAgreeOnHead(minBlock = 0, timeoutMs = POA_TIMEOUTS.blocks): Promise<{ number: number; hash: string }> {
    const up = this.running();
    let agreed = { number: 0, hash: "" };
    await waitUntil(
      `nodes ${up.map((n) => n.index).join(",")} to agree on a head at or above #${minBlock}`,
      async () => {
        // Compare at the lowest head any node reports, so a block sealed mid-poll is not a disagreement.
        const heads = await Promise.all(up.map((n) => n.head()));
        const at = Math.min(...heads.map((h) => h.number));
        const hashes = await Promise.all(
          up.map((n) => n.rpc<{ hash: string } | null>("eth_getBlockByNumber", [`0x${at.toString(16)}`, false])),
        );
        agreed = { number: at, hash: hashes[0]?.hash ?? "" };
        const same = hashes.every((h) => h?.hash === agreed.hash);
        return {
          done: same && at >= minBlock,
          seen: heads.map((h) => `#${h.number} ${h.hash.slice(0, 10)}`).join(" / "),
        };
      },
      timeoutMs,
    );
    return agreed;
  }

  /** Checks every running node lists exactly our signers (`clique_getSigners`). */
  async checkSigners(): Promise<void> {
    const expected = [...this.signers].map((s) => getAddress(s)).sort();
    for (const node of this.running()) {
      const got = (await node.rpc<string[]>("clique_getSigners")).map((s) => getAddress(s)).sort();
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        throw new Error(
          `node ${node.index}: clique_getSigners returned ${got.join(", ")}, expected ${expected.join(", ")}`,
        );
      }
    }
  }

  /** All nodes peered, blocks advancing, signers as configured, every node on the same chain. */
  async waitHealthy(): Promise<void> {
    await this.waitPeered();
    await this.waitBlocks(2);
    await this.checkSigners();
    await this.waitAgreeOnHead(1);
  }

  async describe(): Promise<PoaNetworkDescription> {
    const first = this.running()[0] ?? this.nodes[0];
    const genesis = await first.rpc<{ hash: string }>("eth_getBlockByNumber", ["0x0", false]);
    return {
      rpcUrl: this.nodes[0].rpcUrl,
      chainId: this.options.chainId,
      accounts: this.accountKeys,
      rpcUrls: this.nodes.map((n) => n.rpcUrl),
      genesisHash: genesis.hash,
      signers: this.signers,
      blockPeriodSeconds: this.options.periodSeconds,
      minPriorityFeeWei: this.minPriorityFeeWei.toString(),
      client: `geth ${gethVersion() ?? "unknown"}`,
    };
  }

  /** A one-line status per node for the CLI. */
  async status(): Promise<string[]> {
    return Promise.all(
      this.nodes.map(async (n) => {
        if (!n.running()) return `node ${n.index}: stopped (signer ${n.signer})`;
        try {
          const [head, peers] = await Promise.all([n.head(), n.peerCount()]);
          return `node ${n.index}: pid ${n.pid()}, ${n.rpcUrl}, head #${head.number} ${head.hash.slice(0, 12)}…, ${peers} peer(s), signer ${n.signer}`;
        } catch (err) {
          return `node ${n.index}: pid ${n.pid()}, RPC not answering (${(err as Error).message})`;
        }
      }),
    );
  }
}
