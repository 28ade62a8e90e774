import { ErrorDescription, Interface, ParamType, Result, isHexString } from "ethers";
import { ROLE_NAMES } from "../roles";

/**
 * Turns a failed call or transaction into plain words: finds the revert data anywhere in an ethers / EIP-1193
 * error, decodes it against the contract interfaces (custom errors from typechain, `Error(string)`,
 * `Panic(uint256)`), and phrases it for a person. Browser-safe; used by the web app and usable by tasks.
 */
export interface DecodedRevert {
  /** Error name (`SupplyChainLotRecalled`), `Error` for require strings, `Panic`, or undefined if unknown. */
  name?: string;
  /** One sentence for a person. */
  message: string;
  /** The technical form (`SupplyChainLotRecalled(lotId=0x…)`). */
  detail?: string;
}

/** Names things in messages: an address as its cast label, an organisation id as its member name. */
export interface Namer {
  address?(address: string): string | undefined;
  org?(orgId: number): string | undefined;
  /** A read point by its on-chain location hash, when it is a member's site. */
  place?(locationHash: string): string | undefined;
}

const PANIC: Record<number, string> = {
  0x01: "an internal assertion failed",
  0x11: "an arithmetic overflow or underflow",
  0x12: "a division by zero",
  0x21: "an invalid enum value",
  0x32: "an index out of bounds",
  0x41: "out of memory",
};

/** Error-name prefixes and how the domain reads in a sentence. */
const DOMAINS: [string, string][] = [
  ["SupplyChain", "Supply chain"],
  ["Consortium", "Consortium"],
  ["Access", "Access"],
  ["Settlement", "Settlement token"],
  ["Device", "Device registry"],
  ["Telemetry", "Telemetry"],
  ["ColdChain", "Cold chain"],
  ["Pharma", "Cold chain"],
  ["Shipment", "Cold chain"],
  ["Asset", "Assets"],
  ["Share", "Share token"],
  ["Offering", "Offering"],
  ["Revenue", "Revenue"],
  ["Market", "Market"],
  ["Medical", "Medical records"],
  ["Consent", "Consent"],
  ["Insurance", "Insurance"],
  ["ERC20", "Token"],
  ["ERC721", "Token"],
  ["ERC1155", "Token"],
  ["Ownable", "Ownership"],
  ["EnforcedPause", "Paused"],
  ["ReentrancyGuard", "Reentrancy guard"],
  ["SafeERC20", "Token transfer"],
];

/** Words of a CamelCase identifier, lower case (`LotRecalled` → `lot recalled`). */
export function words(identifier: string): string {
  return identifier
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase();
}

function shortHex(hex: string): string {
  return hex.length > 14 ? `${hex.slice(0, 8)}…${hex.slice(-4)}` : hex;
}

function formatArg(param: ParamType, value: unknown, namer: Namer): string {
  const name = param.name.toLowerCase();
  if (param.type === "address") {
    const label = namer.address?.(String(value));
    return label ? `${label} (${shortHex(String(value))})` : String(value);
  }
  if (typeof value === "bigint") {
    if (name === "role" && value < BigInt(ROLE_NAMES.length)) return ROLE_NAMES[Number(value)];
    if ((name === "orgid" || name.endsWith("org") || name === "by" || name === "firstby") && namer.org) {
      const n = namer.org(Number(value));
      if (n) return `${n} (#${value})`;
    }
    const isTime = /(expiry|deadline|until|time|at|start|end|date)$/.test(name);
    if (isTime && value > 1_000_000_000n && value < 10_000_000_000n) {
      return new Date(Number(value) * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC";
    }
    return value.toString();
  }
  if (typeof value === "string" && isHexString(value)) return shortHex(value);
  if (Array.isArray(value)) return `[${value.map(String).join(", ")}]`;
  return String(value);
}

/** Phrases a decoded custom error: "Supply chain: lot recalled (lot id 0x12ab…cdef)". */
export function describeCustomError(error: ErrorDescription, namer: Namer = {}): DecodedRevert {
  const args = error.fragment.inputs.map((p, i) => ({ p, v: (error.args as Result)[i] as unknown }));
  const detail = `${error.name}(${args.map(({ p, v }) => `${p.name}=${formatArg(p, v, namer)}`).join(", ")})`;
  const domain = DOMAINS.find(([prefix]) => error.name.startsWith(prefix));
  const rest = domain ? error.name.slice(domain[0].length) : error.name;
  const what = rest ? words(rest) : "refused";
  const argText = args.map(({ p, v }) => `${words(p.name)} ${formatArg(p, v, namer)}`).join(", ");
  const message = `${domain ? domain[1] : "Refused"}: ${what}${argText ? ` (${argText})` : ""}.`;
  return { name: error.name, message: message.charAt(0).toUpperCase() + message.slice(1), detail };
}

/** Finds revert data (0x + at least a selector) in an ethers v6 or EIP-1193 error, however deeply nested. */
export function findRevertData(err: unknown, depth = 0): string | undefined {
  if (depth > 6 || err === null || typeof err !== "object") return undefined;
  const e = err as Record<string, unknown>;
  for (const key of ["data", "revertData"]) {
    const v = e[key];
    if (typeof v === "string" && isHexString(v) && v.length >= 10) return v;
    if (v && typeof v === "object") {
      const inner = findRevertData(v, depth + 1);
      if (inner) return inner;
    }
  }
  for (const key of ["error", "info", "cause", "payload"]) {
    const inner = findRevertData(e[key], depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

/** Decodes revert data against the given interfaces (first match wins); undefined when nothing matches. */
export function decodeRevertData(
  data: string,
  interfaces: readonly Interface[],
  namer: Namer = {},
): DecodedRevert | undefined {
  const selector = data.slice(0, 10).toLowerCase();
  if (selector === "0x08c379a0") {
    const [reason] = Interface.from(["error Error(string)"]).decodeErrorResult("Error", data);
    return { name: "Error", message: String(reason), detail: `Error("${String(reason)}")` };
  }
  if (selector === "0x4e487b71") {
    const [code] = Interface.from(["error Panic(uint256)"]).decodeErrorResult("Panic", data);
    const n = Number(code);
    return { name: "Panic", message: `The contract stopped on ${PANIC[n] ?? `panic 0x${n.toString(16)}`}.` };
  }
  for (const iface of interfaces) {
    try {
      const parsed = iface.parseError(data);
      if (parsed) return describeCustomError(parsed, namer);
    } catch {
      // not this interface's error (or malformed arguments for it): try the next one
    }
  }
  return undefined;
}

/** Plain words for any failure of a call or transaction. */
export function explainError(err: unknown, interfaces: readonly Interface[], namer: Namer = {}): DecodedRevert {
  const data = findRevertData(err);
  if (data) {
    const decoded = decodeRevertData(data, interfaces, namer);
    if (decoded) return decoded;
    return { message: `The contract refused with an unknown error ${data.slice(0, 10)}.`, detail: data };
  }
  const e = err as { code?: unknown; shortMessage?: unknown; message?: unknown } | null;
  if (e?.code === "ACTION_REJECTED" || e?.code === 4001) return { message: "You rejected the request in your wallet." };
  const text = typeof e?.shortMessage === "string" ? e.shortMessage : typeof e?.message === "string" ? e.message : "";
  return { message: text || String(err) };
}
