import {
  AbiCoder,
  computeHmac,
  decodeBytes32String,
  encodeBytes32String,
  hexlify,
  keccak256,
  randomBytes,
} from "ethers";
import { toUtf8Bytes } from "ethers";

/**
 * HL7 FHIR codes as the medical contracts store them, and the hashes that keep readable health data off chain.
 * Categories are bytes32 codes: a FHIR resource type ("DiagnosticReport") or a LOINC document class
 * ("loinc:18842-5", a discharge summary), both short enough for `encodeBytes32String`.
 */

/** FHIR resource types and LOINC document classes used as record categories. */
export const CATEGORIES = {
  Observation: "Observation",
  DiagnosticReport: "DiagnosticReport",
  ImagingStudy: "ImagingStudy",
  Procedure: "Procedure",
  MedicationRequest: "MedicationRequest",
  Encounter: "Encounter",
  Immunization: "Immunization",
  DischargeSummary: "loinc:18842-5",
  ConsultNote: "loinc:11488-4",
  LabReport: "loinc:11502-2",
} as const;
export type CategoryName = keyof typeof CATEGORIES;

/** The bytes32 code of a category name, a FHIR resource type or a `loinc:<code>` document class. */
export function categoryCode(category: CategoryName | string): string {
  const code = (CATEGORIES as Record<string, string>)[category] ?? category;
  if (!/^[A-Z][A-Za-z]+$/.test(code) && !/^loinc:\d{1,7}-\d$/.test(code)) {
    throw new Error(`"${category}" is neither a FHIR resource type nor a loinc:<code> document class`);
  }
  return encodeBytes32String(code);
}

/** The readable form of a bytes32 category code. */
export function categoryLabel(code: string): string {
  try {
    return decodeBytes32String(code);
  } catch {
    return code;
  }
}

/** FHIR Consent.provision.action codes (bits). */
export const ACTIONS = { access: 1, disclose: 2 } as const;
export type ActionName = keyof typeof ACTIONS;

/** FHIR purpose-of-use codes (v3 ActReason) as bits. */
export const PURPOSES = { treatment: 1, payment: 2, research: 4 } as const;
export type PurposeName = keyof typeof PURPOSES;
export const PURPOSE_FHIR_CODES: Record<PurposeName, string> = {
  treatment: "TREAT",
  payment: "HPAYMT",
  research: "HRESCH",
};

/** Break-glass reason codes (v3 ActReason), numbered as MedicalCodes.sol does. */
export const EMERGENCY_REASONS = { ETREAT: 1, ERTREAT: 2, BTG: 3, PUBHLTH: 4 } as const;
export type EmergencyReason = keyof typeof EMERGENCY_REASONS;

/** IMedicalRecords.Decision, in order (FHIR AuditEvent.outcome: Permit = success). */
export const DECISIONS = [
  "Permit",
  "UnknownConsent",
  "Revoked",
  "OtherPatient",
  "WrongGrantee",
  "NotYetValid",
  "Expired",
  "ActionNotPermitted",
  "PurposeNotPermitted",
  "OutOfScope",
  "EmergencyClosed",
] as const;
export type DecisionName = (typeof DECISIONS)[number];

export const BASES = ["Consent", "Emergency"] as const;
export const REVIEWS = ["Pending", "Justified", "Unjustified"] as const;
export const SCOPE_KINDS = { categories: 0, records: 1 } as const;

/** IHealthInsurance enums. */
export const CLAIM_STATUS = ["None", "Pending", "Approved", "Paid", "Denied"] as const;
export type ClaimStatusName = (typeof CLAIM_STATUS)[number];
export const CLAIM_OUTCOMES = ["queued", "complete", "partial"] as const;
export const POLICY_STATUS = ["None", "Offered", "Active", "Withdrawn"] as const;
export const PAYEES = { provider: 0, patient: 1 } as const;

/** Why a claim went to review (MedicalCodes FLAG_*). */
export const REVIEW_FLAGS = {
  policyInactive: 1,
  noPaymentConsent: 2,
  categoryNotCovered: 4,
  overLimit: 8,
  foreignRecord: 16,
  insurerInactive: 32,
} as const;

/** A bit set from names. */
export function bitsOf<T extends Record<string, number>>(table: T, names: readonly (keyof T)[]): number {
  if (names.length === 0) throw new Error(`name at least one of ${Object.keys(table).join(", ")}`);
  return names.reduce((bits, n) => {
    const bit = table[n];
    if (bit === undefined) throw new Error(`unknown code "${String(n)}" (one of ${Object.keys(table).join(", ")})`);
    return bits | bit;
  }, 0);
}

/** The names of the bits set in `bits`. */
export function namesOf<T extends Record<string, number>>(table: T, bits: number | bigint): (keyof T)[] {
  const b = Number(bits);
  return (Object.keys(table) as (keyof T)[]).filter((k) => (b & table[k]) !== 0);
}

/** Parses a comma-separated list of names into a bit set (for task flags). */
export function parseBits<T extends Record<string, number>>(table: T, csv: string): number {
  return bitsOf(
    table,
    csv
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean) as (keyof T)[],
  );
}

/** A fresh 32-byte salt (kept off chain with the record). */
export function newSalt(): string {
  return hexlify(randomBytes(32));
}

/** Salted hash of guessable data (a storage URL, a patient identifier): keccak256(abi.encode(salt, value)). */
export function saltedHash(salt: string, value: string): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "string"], [salt, value]));
}

/** Content hash of an encrypted document. */
export function contentHash(encrypted: Uint8Array | string): string {
  return keccak256(typeof encrypted === "string" ? toUtf8Bytes(encrypted) : encrypted);
}

/** The billing facts a claim fingerprint commits to (FHIR Claim.item essentials). */
export interface BillingFacts {
  patient: string;
  providerOrg: number;
  serviceDate: number;
  /** Billing codes, e.g. CPT/ICD procedure codes (normalised: trimmed, upper case, sorted, duplicates dropped). */
  codes: string[];
  amount: bigint;
}

/** Billing codes in canonical form: trimmed, upper case, sorted and without duplicates (order carries no meaning). */
export function normaliseCodes(codes: readonly string[]): string[] {
  const out = [...new Set(codes.map((c) => c.trim().toUpperCase()).filter((c) => c.length > 0))].sort();
  if (out.length === 0) throw new Error("a claim needs at least one billing code");
  return out;
}

/** A fresh per-claim nonce: 32 random bytes that the provider sends to the insurer only, with the claim's codes. */
export function newClaimNonce(): string {
  return hexlify(randomBytes(32));
}

/**
 * The claim fingerprint: HMAC-SHA256, keyed by a **per-claim random nonce**, of the ABI-encoded billing facts with
 * normalised codes. Only the provider and the insurer (who receives the nonce with the FHIR Claim, off chain) can
 * recompute it; every other member sees 32 random-looking bytes, so guessing the codes (13,556 CPT × ICD-10 pairs
 * were enough against the old shared key) tests nothing. Duplicates are refused on chain from data the contract
 * sees (policy, record, service date), not from the fingerprint.
 */
export function claimFingerprint(nonce: string, facts: BillingFacts): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(nonce)) throw new Error("the claim nonce must be 32 bytes of hex");
  const data = AbiCoder.defaultAbiCoder().encode(
    ["address", "uint32", "uint64", "string[]", "uint96"],
    [facts.patient, facts.providerOrg, facts.serviceDate, normaliseCodes(facts.codes), facts.amount],
  );
  return computeHmac("sha256", nonce, data);
}
