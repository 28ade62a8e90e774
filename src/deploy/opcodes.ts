/**
 * Opcode pre-flight: refuses bytecode that the target chain cannot execute. The local PoA network (geth 1.13
 * Clique) and many permissioned chains stop at London, so PUSH0 (Shanghai) and MCOPY, TLOAD, TSTORE, BLOBHASH,
 * BLOBBASEFEE (Cancun) must not appear as instructions. PUSH data and the trailing CBOR metadata are skipped,
 * so a 0x5f byte inside a constant is not mistaken for PUSH0.
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

function toBytes(hex: string): Uint8Array {
  const clean = hex.startsWith("0x") ? hex.slice(2) : hex;
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

/** Walks the instructions of `bytecode` and lists those that `target` cannot run. */
export function findForbiddenOpcodes(bytecode: string, target: Hardfork = "london"): ForbiddenOpcode[] {
  const code = toBytes(bytecode);
  const forbidden = forbiddenFor(target);
  const end = code.length - metadataLength(code);
  const found: ForbiddenOpcode[] = [];
  for (let pc = 0; pc < end; pc++) {
    const op = code[pc];
    if (op >= 0x60 && op <= 0x7f) {
      pc += op - 0x5f; // PUSH1..PUSH32 carry 1..32 data bytes
      continue;
    }
    const name = forbidden[op];
    if (name) found.push({ opcode: name, offset: pc });
  }
  return found;
}
