import fs from "node:fs";
import path from "node:path";
import { decodeRlp, encodeRlp, getAddress, getBytes, hexlify, toBigInt } from "ethers";
import { CLIQUE_FORK_BLOCKS, quantity } from "./clique";

/**
 * The production profile: Hyperledger Besu with QBFT (Byzantine fault tolerant proof of authority, immediate
 * finality). Validators are named in the genesis extraData; gas is free (`zeroBaseFee`, nodes run with
 * `--min-gas-price=0`), so members need no ether and there is no fee market to tune.
 */

/** The BFT mix hash Besu requires in IBFT 2.0 / QBFT headers ("ctical byzantine fault tolerance"). */
export const BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";
export const QBFT_VANITY_BYTES = 32;

export interface QbftGenesisOptions {
  chainId: number;
  /** Validator addresses (each the address of a validator node's key). */
  validators: string[];
  /** Seconds between blocks (`blockperiodseconds`), 1 or more. */
  blockPeriodSeconds: number;
  /** Round timeout in seconds; must exceed the block period. Defaults to 2 × period, at least 4. */
  requestTimeoutSeconds?: number;
  /** Blocks between vote resets. */
  epochLength?: number;
  gasLimit?: bigint;
  /** Optional pre-funded accounts (gas is free, so usually none are needed). */
  alloc?: Record<string, bigint>;
  /** Genesis timestamp in seconds (defaults to now). */
  timestamp?: number;
}

export interface QbftConfig {
  blockperiodseconds: number;
  epochlength: number;
  requesttimeoutseconds: number;
}

export interface QbftGenesis {
  config: Record<string, unknown> & { chainId: number; zeroBaseFee: true; qbft: QbftConfig };
  nonce: string;
  timestamp: string;
  extraData: string;
  gasLimit: string;
  difficulty: string;
  mixHash: string;
  coinbase: string;
  alloc: Record<string, { balance: string }>;
}

/** What a QBFT extraData carries. A genesis has no vote, round 0 and no commit seals. */
export interface QbftExtraData {
  vanity: string;
  validators: string[];
  vote: { recipient: string; add: boolean } | undefined;
  round: number;
  seals: string[];
}

/** Validators in the operator's order (Besu keeps the genesis list as given and orders proposers itself). */
function checkedValidators(validators: string[]): string[] {
  if (validators.length === 0) throw new Error("a QBFT network needs at least one validator");
  const checked = validators.map((v) => getAddress(v));
  if (new Set(checked).size !== checked.length) throw new Error("duplicate validator address");
  return checked;
}

/**
 * QBFT extraData for a genesis: RLP([32-byte vanity, [validator addresses], [] (no vote), 0 (round, as an RLP
 * integer scalar: the empty string), [] (no commit seals)]), as Besu's QbftExtraDataCodec writes it.
 */
export function qbftExtraData(validators: string[]): string {
  return encodeRlp([hexlify(new Uint8Array(QBFT_VANITY_BYTES)), checkedValidators(validators), [], "0x", []]);
}

function asBytes(item: unknown, what: string): string {
  if (typeof item !== "string") throw new Error(`QBFT extraData: ${what} must be a byte string`);
  return item;
}

function asList(item: unknown, what: string): unknown[] {
  if (!Array.isArray(item)) throw new Error(`QBFT extraData: ${what} must be a list`);
  return item;
}

/** Decodes QBFT extraData, checking each field's shape (vanity 32 bytes, 20-byte validators, canonical round). */
export function decodeQbftExtraData(extraData: string): QbftExtraData {
  const root = asList(decodeRlp(extraData), "the root");
  if (root.length !== 5) throw new Error(`QBFT extraData: expected 5 items, got ${root.length}`);
  const vanity = asBytes(root[0], "vanity");
  if (getBytes(vanity).length !== QBFT_VANITY_BYTES) throw new Error("QBFT extraData: vanity must be 32 bytes");
  const validators = asList(root[1], "validators").map((v, i) => {
    const bytes = asBytes(v, `validator ${i}`);
    if (getBytes(bytes).length !== 20) throw new Error(`QBFT extraData: validator ${i} is not 20 bytes`);
    return getAddress(bytes);
  });
  const voteItem = asList(root[2], "vote");
  let vote: QbftExtraData["vote"];
  if (voteItem.length !== 0) {
    if (voteItem.length !== 2) throw new Error("QBFT extraData: a vote is [recipient, type]");
    const kind = asBytes(voteItem[1], "vote type");
    if (kind !== "0x" && kind !== "0xff") throw new Error(`QBFT extraData: vote type ${kind} is neither add nor drop`);
    vote = { recipient: getAddress(asBytes(voteItem[0], "vote recipient")), add: kind === "0xff" };
  }
  const roundBytes = asBytes(root[3], "round");
  if (roundBytes.startsWith("0x00")) throw new Error("QBFT extraData: round is not a canonical integer scalar");
  const round = roundBytes === "0x" ? 0 : Number(toBigInt(roundBytes));
  const seals = asList(root[4], "seals").map((s, i) => asBytes(s, `seal ${i}`));
  return { vanity, validators, vote, round, seals };
}

/** A Besu QBFT genesis: London at block 0 (nothing later), free gas, the validators in extraData. */
export function qbftGenesis(options: QbftGenesisOptions): QbftGenesis {
  const { chainId, blockPeriodSeconds } = options;
  if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new Error(`chain id ${chainId} is not a positive integer`);
  if (!Number.isInteger(blockPeriodSeconds) || blockPeriodSeconds < 1) {
    throw new Error(`block period ${blockPeriodSeconds} must be a whole number of seconds >= 1`);
  }
  const requestTimeout = options.requestTimeoutSeconds ?? Math.max(4, 2 * blockPeriodSeconds);
  if (!Number.isInteger(requestTimeout) || requestTimeout <= blockPeriodSeconds) {
    throw new Error(`request timeout ${requestTimeout} s must be a whole number above the block period`);
  }
  const alloc: Record<string, { balance: string }> = {};
  for (const [address, balance] of Object.entries(options.alloc ?? {})) {
    if (balance <= 0n) throw new Error(`funding for ${address} must be positive`);
    alloc[getAddress(address).slice(2).toLowerCase()] = { balance: quantity(balance) };
  }
  return {
    config: {
      chainId,
      ...Object.fromEntries(CLIQUE_FORK_BLOCKS.map((f) => [f, 0])),
      zeroBaseFee: true,
      qbft: {
        blockperiodseconds: blockPeriodSeconds,
        epochlength: options.epochLength ?? 30_000,
        requesttimeoutseconds: requestTimeout,
      },
    },
    nonce: "0x0",
    timestamp: quantity(options.timestamp ?? Math.floor(Date.now() / 1000)),
    extraData: qbftExtraData(options.validators),
    gasLimit: quantity(options.gasLimit ?? 30_000_000n),
    difficulty: "0x1",
    mixHash: BFT_MIX_HASH,
    coinbase: `0x${"00".repeat(20)}`,
    alloc,
  };
}

/** Writes a QBFT genesis to `file` (creating its folder) and returns what was written. */
export function writeQbftGenesis(file: string, options: QbftGenesisOptions): QbftGenesis {
  const genesis = qbftGenesis(options);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(genesis, null, 2) + "\n");
  return genesis;
}
