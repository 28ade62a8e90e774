import { getAddress, getBytes, hexlify } from "ethers";

/** A JSON-RPC style quantity: minimal hex, as genesis files are conventionally written. */
export function quantity(value: bigint | number): string {
  return `0x${BigInt(value).toString(16)}`;
}

/** Clique's fixed-size parts of a header's extraData: 32 bytes of signer vanity, 65 bytes of seal. */
export const CLIQUE_VANITY_BYTES = 32;
export const CLIQUE_SEAL_BYTES = 65;

/**
 * The forks a Clique genesis enables, all at block 0: everything up to London and nothing later. Shanghai and
 * later are post-merge forks (timestamp-scheduled) that a Clique chain cannot reach in geth 1.13, and our
 * contracts are compiled for `london` (no PUSH0).
 */
export const CLIQUE_FORK_BLOCKS = [
  "homesteadBlock",
  "eip150Block",
  "eip155Block",
  "eip158Block",
  "byzantiumBlock",
  "constantinopleBlock",
  "petersburgBlock",
  "istanbulBlock",
  "muirGlacierBlock",
  "berlinBlock",
  "londonBlock",
] as const;

export interface CliqueGenesisOptions {
  chainId: number;
  /** Signer (sealer) addresses; any order, written sorted as geth's snapshot orders them. */
  signers: string[];
  /** Seconds between blocks (Clique `period`), 1 or more. */
  periodSeconds: number;
  /** Funded accounts and their balance in wei. */
  alloc: Record<string, bigint>;
  gasLimit?: bigint;
  /** Checkpoint interval in blocks (Clique `epoch`): votes reset and signers are rewritten in extraData. */
  epoch?: number;
  /** Genesis timestamp in seconds (defaults to now). */
  timestamp?: number;
}

export interface CliqueGenesis {
  config: Record<string, unknown> & { chainId: number; clique: { period: number; epoch: number } };
  nonce: string;
  timestamp: string;
  extraData: string;
  gasLimit: string;
  difficulty: string;
  mixHash: string;
  coinbase: string;
  alloc: Record<string, { balance: string }>;
  number: string;
  gasUsed: string;
  parentHash: string;
  baseFeePerGas: string;
}

/** London's initial base fee (1 gwei), written explicitly so the genesis says what the chain starts with. */
export const INITIAL_BASE_FEE = 1_000_000_000n;
export const DEFAULT_GAS_LIMIT = 30_000_000n;

function sortedAddresses(addresses: string[]): string[] {
  const checked = addresses.map((a) => getAddress(a));
  if (new Set(checked).size !== checked.length) throw new Error("duplicate signer address");
  return checked.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

/** Clique genesis extraData: 32 zero bytes of vanity, the signers' 20-byte addresses, 65 zero bytes of seal. */
export function cliqueExtraData(signers: string[]): string {
  if (signers.length === 0) throw new Error("a Clique chain needs at least one signer");
  const parts = [new Uint8Array(CLIQUE_VANITY_BYTES), ...sortedAddresses(signers).map((a) => getBytes(a))];
  parts.push(new Uint8Array(CLIQUE_SEAL_BYTES));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return hexlify(out);
}

/** The signers listed in a Clique checkpoint extraData (throws if the layout is not vanity + 20·n + seal). */
export function decodeCliqueExtraData(extraData: string): { vanity: string; signers: string[]; seal: string } {
  const bytes = getBytes(extraData);
  const middle = bytes.length - CLIQUE_VANITY_BYTES - CLIQUE_SEAL_BYTES;
  if (middle < 0 || middle % 20 !== 0) {
    throw new Error(`Clique extraData of ${bytes.length} bytes is not 32 + 20·n + 65`);
  }
  const signers: string[] = [];
  for (let at = CLIQUE_VANITY_BYTES; at < CLIQUE_VANITY_BYTES + middle; at += 20) {
    signers.push(getAddress(hexlify(bytes.slice(at, at + 20))));
  }
  return {
    vanity: hexlify(bytes.slice(0, CLIQUE_VANITY_BYTES)),
    signers,
    seal: hexlify(bytes.slice(bytes.length - CLIQUE_SEAL_BYTES)),
  };
}

/** A geth (1.13) Clique genesis: London at block 0, the given signers, period, chain id and funded accounts. */
export function cliqueGenesis(options: CliqueGenesisOptions): CliqueGenesis {
  const { chainId, periodSeconds } = options;
  if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new Error(`chain id ${chainId} is not a positive integer`);
  if (!Number.isInteger(periodSeconds) || periodSeconds < 1) {
    throw new Error(`Clique period ${periodSeconds} must be a whole number of seconds >= 1`);
  }
  const forks = Object.fromEntries(CLIQUE_FORK_BLOCKS.map((f) => [f, 0]));
  const alloc: Record<string, { balance: string }> = {};
  for (const [address, balance] of Object.entries(options.alloc)) {
    if (balance <= 0n) throw new Error(`funding for ${address} must be positive`);
    alloc[getAddress(address).slice(2).toLowerCase()] = { balance: quantity(balance) };
  }
  return {
    config: {
      chainId,
      ...forks,
      clique: { period: periodSeconds, epoch: options.epoch ?? 30_000 },
    },
    nonce: "0x0",
    timestamp: quantity(options.timestamp ?? Math.floor(Date.now() / 1000)),
    extraData: cliqueExtraData(options.signers),
    gasLimit: quantity(options.gasLimit ?? DEFAULT_GAS_LIMIT),
    // Clique difficulty is 1 (out of turn) or 2 (in turn); the genesis block uses 1.
    difficulty: "0x1",
    mixHash: `0x${"00".repeat(32)}`,
    coinbase: `0x${"00".repeat(20)}`,
    alloc,
    number: "0x0",
    gasUsed: "0x0",
    parentHash: `0x${"00".repeat(32)}`,
    baseFeePerGas: quantity(INITIAL_BASE_FEE),
  };
}
