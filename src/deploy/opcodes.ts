/**
 * Opcode pre-flight: refuses bytecode that the target chain cannot execute. The local PoA network (geth 1.13
 * Clique) and many permissioned chains stop at London, so PUSH0 (Shanghai) and MCOPY, TLOAD, TSTORE, BLOBHASH,
 * BLOBBASEFEE (Cancun) must not appear as instructions. PUSH data, CBOR metadata and data after a terminating
 * instruction (until the next JUMPDEST) are skipped, so a 0x5f byte inside a constant is not mistaken for PUSH0.
 */

export const HARDFORK_OPCODES: Record<string, Record<number, string>> = {
  shanghai: { 0x5f: "PUSH0" },
  cancun: { 0x5c: "TLOAD", 0x5d: "TSTORE", 0x5e: "MCOPY", 0x49: "BLOBHASH", 0x4a: "BLOBBASEFEE" },
};

/** Hardforks in order; a target refuses the opcodes of every later fork. */
export const HARDFORK_ORDER = ["london", "paris", "shanghai", "cancun", "prague"] as const;
export type Hardfork = (typeof HARDFORK_ORDER)[number];

export interface ForbiddenOpcode {
  opcode: string;
  offset: number;
}

/** Opcodes that `target` cannot run. */
export function forbiddenFor(target: Hardfork): Record<number, string> {
  const idx = HARDFORK_ORDER.indexOf(target);
  const out: Record<number, string> = {};
  for (const fork of HARDFORK_ORDER.slice(idx + 1)) Object.assign(out, HARDFORK_OPCODES[fork] ?? {});
  return out;
}

/** solc's placeholder for an unlinked library address (`__$` + 34 hex digits + `$__`), inside a PUSH20. */
const LINK_PLACEHOLDER = /__\$[0-9a-fA-F]{34}\$__/g;

function toBytes(hex: string): Uint8Array {
  // An unlinked library address is PUSH20 data: zeros in its place leave the instruction walk unchanged.
  const clean = (hex.startsWith("0x") ? hex.slice(2) : hex).replace(LINK_PLACEHOLDER, "0".repeat(40));
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error("bytecode is not even-length hex");
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/** Length of solc's CBOR metadata trailer (its length is the last two bytes), or 0 if absent. */
export function metadataLength(code: Uint8Array): number {
  if (code.length < 2) return 0;
  const len = (code[code.length - 2] << 8) | code[code.length - 1];
  // solc's metadata is a CBOR map starting with 0xa1..0xa5 and shorter than the code
  if (len + 2 > code.length || len < 8) return 0;
  const first = code[code.length - 2 - len];
  return first >= 0xa1 && first <= 0xa5 ? len + 2 : 0;
}

/** solc's metadata blob: CBOR map {ipfs: 34 bytes, solc: 3 bytes} and its 2-byte length (0x0033). */
const METADATA_PREFIX = [0xa2, 0x64, 0x69, 0x70, 0x66, 0x73, 0x58, 0x22];
const METADATA_LENGTH = 0x33 + 2;

/** STOP, JUMP, RETURN, REVERT, INVALID, SELFDESTRUCT: execution never falls through them. */
const TERMINATORS = new Set([0x00, 0x56, 0xf3, 0xfd, 0xfe, 0xff]);

/** True when a metadata blob starts at `pc` (also in the middle: a factory embeds its children's code). */
function metadataAt(code: Uint8Array, pc: number): boolean {
  if (pc + METADATA_LENGTH > code.length) return false;
  for (let i = 0; i < METADATA_PREFIX.length; i++) if (code[pc + i] !== METADATA_PREFIX[i]) return false;
  return code[pc + METADATA_LENGTH - 2] === 0x00 && code[pc + METADATA_LENGTH - 1] === 0x33;
}

/**
 * Walks the instructions of `bytecode` and lists those that `target` cannot run. Metadata blobs are skipped
 * wherever they are, since a contract that deploys others (a factory) embeds their code and metadata.
 */
export function findForbiddenOpcodes(bytecode: string, target: Hardfork = "london"): ForbiddenOpcode[] {
  const code = toBytes(bytecode);
  const forbidden = forbiddenFor(target);
  const end = code.length - metadataLength(code);
  const found: ForbiddenOpcode[] = [];
  let reachable = true;
  for (let pc = 0; pc < end; pc++) {
    if (metadataAt(code, pc)) {
      pc += METADATA_LENGTH - 1;
      continue;
    }
    const op = code[pc];
    // After a terminating instruction only a JUMPDEST starts code again; what lies between is data
    // (string constants, embedded code tables), which must not be read as instructions.
    if (!reachable) {
      if (op !== 0x5b) continue;
      reachable = true;
    }
    if (TERMINATORS.has(op)) {
      reachable = false;
      continue;
    }
    if (op >= 0x60 && op <= 0x7f) {
      pc += op - 0x5f; // PUSH1..PUSH32 carry 1..32 data bytes
      continue;
    }
    const name = forbidden[op];
    if (name) found.push({ opcode: name, offset: pc });
  }
  return found;
}
