import fs from "node:fs";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { parse } from "csv-parse/sync";
import { AbiCoder, encodeBytes32String, getAddress, keccak256, toUtf8Bytes } from "ethers";
import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { z } from "zod";
import type { Consortium, ISupplyChain, SupplyChain } from "../typechain-types";
import { listMembers } from "./consortium";
import { deployProxied } from "./deploy/proxy";
import { HistoryClient, HistoryNotFoundError, lagNote } from "./history/client";
import { type EpcisFacts, memberSites, sitePlaces, timelineEntries } from "./history/timeline";
import { DigitalLink, expiryFromYymmdd, Gs1Error, normaliseGtin, parsePack, validateLot, validateSerial } from "./gs1";

/** `ItemState` of ISupplyChain, by index. */
export const ITEM_STATES = [
  "none",
  "commissioned",
  "in transit",
  "received",
  "decommissioned",
  "destroyed",
  "stolen",
  "returned",
] as const;
export const ITEM_STATE = {
  None: 0,
  Commissioned: 1,
  InTransit: 2,
  Received: 3,
  Decommissioned: 4,
  Destroyed: 5,
  Stolen: 6,
  Returned: 7,
} as const;

/** `VerifyReason` of ISupplyChain, by index, in verification-router wording. */
export const VERIFY_REASONS = [
  "verified",
  "unknown product",
  "unknown serial",
  "lot mismatch",
  "expiry mismatch",
  "expired",
  "recalled",
  "already decommissioned",
  "suspect",
  "quarantined",
  "destroyed",
  "suspect reported",
] as const;
export type VerifyReasonName = (typeof VERIFY_REASONS)[number];

const abi = AbiCoder.defaultAbiCoder();

/** keccak256 of a UTF-8 string: how lot numbers, serials, locations and documents are committed on chain. */
export function textHash(text: string): string {
  return keccak256(toUtf8Bytes(text));
}

/** A CBV business step or disposition as bytes32 (e.g. "shipping", "retail_selling", "dispensing"). */
export function cbv(step: string): string {
  return encodeBytes32String(step);
}

/** `keccak256(abi.encode(gtin, lotNumberHash))`, as the contract's `lotIdOf`. */
export function lotIdOf(gtin: string | bigint, lot: string): string {
  return keccak256(abi.encode(["uint64", "bytes32"], [BigInt(gtin), textHash(lot)]));
}

/** `keccak256(abi.encode(lotId, serialHash))`, as the contract's `itemKeyOf`. */
export function itemKeyOf(lotId: string, serial: string): string {
  return keccak256(abi.encode(["bytes32", "bytes32"], [lotId, textHash(serial)]));
}

/** The serials of one lot as an OpenZeppelin StandardMerkleTree over `["bytes32"]` serial hashes. */
export class SerialTree {
  readonly tree: StandardMerkleTree<[string]>;
  private readonly index = new Map<string, number>();

  private constructor(
    tree: StandardMerkleTree<[string]>,
    readonly serials: string[],
  ) {
    this.tree = tree;
    for (const [i, [hash]] of tree.entries()) this.index.set(hash, i);
  }

  /**
   * Builds the tree; serials must be valid and unique. `onProgress(done, total)` is called while the serials are
   * validated and hashed (every 1,000 serials and at the end), the long part of a 100,000-serial lot.
   */
  static of(serials: string[], onProgress?: (done: number, total: number) => void): SerialTree {
    if (serials.length === 0) throw new Gs1Error("a lot needs at least one serial");
    const seen = new Set<string>();
    const values: [string][] = [];
    serials.forEach((s, i) => {
      validateSerial(s);
      if (seen.has(s)) throw new Gs1Error(`duplicate serial "${s}"`);
      seen.add(s);
      values.push([textHash(s)]);
      if (onProgress && ((i + 1) % 1000 === 0 || i + 1 === serials.length)) onProgress(i + 1, serials.length);
    });
    return new SerialTree(StandardMerkleTree.of(values, ["bytes32"]), serials);
  }

  /** Loads a tree file written by `save`. */
  static load(file: string): SerialTree {
    const data = JSON.parse(fs.readFileSync(file, "utf8")) as TreeFile;
    if (data.format !== TREE_FORMAT) throw new Error(`${file} is not a citychain lot tree file`);
    return new SerialTree(StandardMerkleTree.load(data.tree), data.serials);
  }

  get root(): string {
    return this.tree.root;
  }

  get size(): number {
    return this.serials.length;
  }

  /** The Merkle proof of one serial (throws when the serial is not in the lot). */
  proof(serial: string): string[] {
    const i = this.index.get(textHash(serial));
    if (i === undefined) throw new Gs1Error(`serial "${serial}" is not in this lot`);
    return this.tree.getProof(i);
  }

  /** A multiproof of several serials, with the serial hashes in the order the contract expects. */
  multiProof(serials: string[]): { serialHashes: string[]; proof: string[]; proofFlags: boolean[] } {
    const indices = serials.map((s) => {
      const i = this.index.get(textHash(s));
      if (i === undefined) throw new Gs1Error(`serial "${s}" is not in this lot`);
      return i;
    });
    const mp = this.tree.getMultiProof(indices);
    return { serialHashes: mp.leaves.map(([h]) => h), proof: mp.proof, proofFlags: mp.proofFlags };
  }

  /** Writes the tree and its serials (kept by the manufacturer, off chain) for later proofs. */
  save(file: string, lot: { gtin: string; lot: string; expiry: string }): void {
    const data: TreeFile = { format: TREE_FORMAT, ...lot, serials: this.serials, tree: this.tree.dump() };
    fs.writeFileSync(file, JSON.stringify(data));
  }
}

const TREE_FORMAT = "citychain-lot-tree/1";
interface TreeFile {
  format: typeof TREE_FORMAT;
  gtin: string;
  lot: string;
  expiry: string;
  serials: string[];
  tree: ReturnType<StandardMerkleTree<[string]>["dump"]>;
}

/** A lot file failed validation; `problems` lists each bad row and field. */
export class LotFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length} problem(s)\n  ${problems.join("\n  ")}`);
    this.name = "LotFileError";
  }
}

/** A validated lot: one GTIN, lot number and expiry, and its unique serials. */
export interface LotFile {
  gtin: string;
  lot: string;
  expiry: string;
  serials: string[];
}

const gs1Field = (check: (v: string) => unknown) =>
  z.string().superRefine((v, ctx) => {
    try {
      check(v);
    } catch (e) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: (e as Error).message });
    }
  });

const RowSchema = z.object({
  gtin: gs1Field(normaliseGtin),
  lot: gs1Field(validateLot),
  expiry: gs1Field(expiryFromYymmdd),
  serial: gs1Field(validateSerial),
});

/**
 * Reads a lot CSV (header `gtin,lot,expiry,serial`; expiry as GS1 AI 17 YYMMDD). Every row must name the same
 * GTIN, lot and expiry; serials must be valid and unique. Errors name the CSV line and the field.
 */
export function parseLotCsv(text: string, file = "lot.csv", maxProblems = 20): LotFile {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, info: true }) as never;
  } catch (e) {
    throw new LotFileError(file, [(e as Error).message]);
  }
  const problems: string[] = [];
  const first = new Map<string, number>();
  let head: { gtin: string; lot: string; expiry: string; line: number } | undefined;
  const serials: string[] = [];
  for (const { record, info } of records) {
    if (problems.length >= maxProblems) break;
    const line = info.lines;
    const row = RowSchema.safeParse(record);
    if (!row.success) {
      for (const issue of row.error.issues) problems.push(`line ${line}, ${issue.path.join(".")}: ${issue.message}`);
      continue;
    }
    const gtin = normaliseGtin(row.data.gtin);
    if (!head) head = { gtin, lot: row.data.lot, expiry: row.data.expiry, line };
    for (const field of ["gtin", "lot", "expiry"] as const) {
      const value = field === "gtin" ? gtin : row.data[field];
      if (value !== head[field]) {
        problems.push(`line ${line}, ${field}: "${value}" differs from "${head[field]}" on line ${head.line}`);
      }
    }
    const seen = first.get(row.data.serial);
    if (seen !== undefined) {
      problems.push(`line ${line}, serial: duplicate "${row.data.serial}" (first on line ${seen})`);
      continue;
    }
    first.set(row.data.serial, line);
    serials.push(row.data.serial);
  }
  if (!head && problems.length === 0) problems.push("no rows (header gtin,lot,expiry,serial expected)");
  if (problems.length > 0 || !head) throw new LotFileError(file, problems);
  return { gtin: head.gtin, lot: head.lot, expiry: head.expiry, serials };
}

/** Reads and validates a lot CSV file. */
export function loadLotCsv(file: string): LotFile {
  if (!fs.existsSync(file)) throw new LotFileError(file, ["file not found"]);
  return parseLotCsv(fs.readFileSync(file, "utf8"), file);
}

/**
 * Deploys the supply-chain contract against a consortium: its SupplyChainOversight library, the implementation
 * linked to it, and the ERC-1967 proxy (initialised in its constructor). Returns the binding at the proxy.
 */
export async function deploySupplyChain(
  hre: HardhatRuntimeEnvironment,
  consortium: string,
  deployer?: Signer,
): Promise<SupplyChain> {
  const library = await (await hre.ethers.getContractFactory("SupplyChainOversight", deployer)).deploy();
  await library.waitForDeployment();
  const { contract } = await deployProxied<SupplyChain>(hre, "SupplyChain", [consortium], [], deployer, {
    SupplyChainOversight: await library.getAddress(),
  });
  return contract;
}

/** Where a lot comes from and what it was made of. */
export interface LotOrigin {
  /** GLN or free-text place of origin; only its hash goes on chain. */
  origin: string;
  /** Lot ids of the raw-material lots. */
  inputLots?: string[];
}

/** Commits a lot's serials as one Merkle root; returns the lot id, the tree and the gas used. */
export async function commissionLot(
  sc: SupplyChain,
  manufacturer: Signer,
  lot: LotFile,
  origin: LotOrigin,
  onProgress?: (done: number, total: number) => void,
): Promise<{ lotId: string; tree: SerialTree; gas: bigint }> {
  const tree = SerialTree.of(lot.serials, onProgress);
  const input: ISupplyChain.LotInputStruct = {
    gtin: BigInt(lot.gtin),
    lotNumberHash: textHash(lot.lot),
    expiry: BigInt(expiryFromYymmdd(lot.expiry)),
    origin: textHash(origin.origin),
    merkleRoot: tree.root,
    itemCount: tree.size,
    inputLots: origin.inputLots ?? [],
  };
  const receipt = await (await sc.connect(manufacturer).commissionLot(input)).wait();
  return { lotId: lotIdOf(lot.gtin, lot.lot), tree, gas: receipt!.gasUsed };
}

/** The answer of `verify` in words. */
export interface Verification {
  sellable: boolean;
  reason: VerifyReasonName;
}

/** Verifies a scanned code (Digital Link with lot, serial and ?17=expiry), with a proof if one is known. */
export async function verifyCode(
  sc: SupplyChain,
  link: DigitalLink | string,
  proof: string[] = [],
): Promise<Verification> {
  const l = typeof link === "string" ? parsePack(link) : link;
  if (!l.lot || !l.serial || !l.expiry)
    throw new Gs1Error("verification needs the lot (10), serial (21) and expiry (17)");
  const [sellable, reason] = await sc.verify(BigInt(l.gtin), l.serial, l.lot, expiryFromYymmdd(l.expiry), proof);
  return { sellable, reason: VERIFY_REASONS[Number(reason)] };
}

/** One line of an item's history. */
export interface TraceEvent {
  block: number;
  logIndex: number;
  timestamp: number;
  what: string;
  detail: string;
  /** The business step, read point and anchored EPCIS event hash of a custody event (see `EpcisFacts`). */
  epcis?: EpcisFacts;
}

/** Names organisations in trace lines (falls back to `org #<id>`). */
export type OrgNamer = (orgId: bigint | number) => string;

/** An `OrgNamer` over the consortium's current member list. */
export async function orgNamer(consortium: Consortium): Promise<OrgNamer> {
  const names = new Map((await listMembers(consortium)).map((m) => [m.id, m.name || `person #${m.id}`]));
  return (id) => names.get(Number(id)) ?? `org #${id}`;
}

/** Names the members' sites (read points `demoGln(orgId)`, see `memberSites`) by their on-chain location hash. */
export async function memberPlaces(consortium: Consortium): Promise<(locationHash: string) => string | undefined> {
  const members = await listMembers(consortium);
  const names = new Map(members.map((m) => [m.id, m.name || `person #${m.id}`]));
  return sitePlaces(memberSites(names.keys(), (id) => names.get(id) ?? `org #${id}`));
}

/**
 * The full history of one item, from the indexer: its lot's commissioning and upstream input lots (to `depth`
 * levels), activation, every item and pallet custody event while it was packed, sale, clone alerts and decisions,
 * item reports and every lot overlay (recall, quarantine, release, destruction). `lag` says "indexed to block N of
 * M" when the indexer is behind the chain's head.
 */
export async function traceItem(
  history: HistoryClient,
  link: DigitalLink | string,
  name: OrgNamer = (id) => `org #${id}`,
  depth = 3,
  place?: (locationHash: string) => string | undefined,
): Promise<{ lotId: string; itemKey: string; events: TraceEvent[]; lag?: string }> {
  const l = typeof link === "string" ? parsePack(link) : link;
  if (!l.lot || !l.serial) throw new Gs1Error("tracing needs the lot (10) and serial (21)");
  const lotId = lotIdOf(l.gtin, l.lot);
  const itemKey = itemKeyOf(lotId, l.serial);
  const [timeline, lot] = await Promise.all([
    history.itemTimeline(itemKey, lotId),
    history.lot(lotId).catch((err: unknown) => {
      if (err instanceof HistoryNotFoundError) return undefined;
      throw err;
    }),
  ]);
  const names = { org: name, who: (address: string) => getAddress(address), place };
  const events = timelineEntries(timeline.data, names, lot?.data, depth).map((e) => ({
    block: e.block,
    logIndex: e.index,
    timestamp: e.timestamp,
    what: e.title,
    detail: e.detail,
    ...(e.epcis ? { epcis: e.epcis } : {}),
  }));
  return { lotId, itemKey, events, lag: lagNote(timeline) };
}

/** A bytes32 CBV step back to text (or the hex when it is not a short string). */
export function decodeStep(step: string): string {
  const bytes = Buffer.from(step.slice(2), "hex");
  const end = bytes.indexOf(0);
  const text = bytes.subarray(0, end < 0 ? 32 : end).toString("utf8");
  return /^[\x20-\x7e]*$/.test(text) ? text : step;
}
