import type {
  ContractTransactionReceipt,
  ContractTransactionResponse,
  Interface,
  LogDescription,
  Signer,
} from "ethers";
import { getAddress, zeroPadValue, toBeHex } from "ethers";
import { deployProxied } from "./deploy/proxy";
import { HistoryClient } from "./history/client";
import { findRevertData } from "./stack/revert";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type {
  Consortium,
  HealthInsurance,
  IHealthInsurance,
  IMedicalRecords,
  MedicalRecords,
  SettlementToken,
} from "../typechain-types";
import {
  ACTIONS,
  ActionName,
  BASES,
  CLAIM_OUTCOMES,
  CLAIM_STATUS,
  ClaimStatusName,
  DECISIONS,
  DecisionName,
  EMERGENCY_REASONS,
  EmergencyReason,
  PAYEES,
  PURPOSES,
  PurposeName,
  REVIEWS,
  REVIEW_FLAGS,
  SCOPE_KINDS,
  bitsOf,
  categoryCode,
  contentHash,
  namesOf,
  newSalt,
  saltedHash,
} from "./fhir";

/**
 * SDK of the medical domain: anchoring records, FHIR-style consent, audited access, break-glass, insurance policies
 * and claims. Tasks, the demo, the bench and the tests all go through these functions.
 */

export type ConsentTerms = IMedicalRecords.ConsentTermsStruct;
export type ClaimInput = IHealthInsurance.ClaimInputStruct;

export interface MedicalSystem<T = SettlementToken> {
  records: MedicalRecords;
  insurance: HealthInsurance;
  token: T;
}

/** Deploys the payment token (a tokenized deposit with 2 decimals; `issuer` mints). */
export async function deployPaymentToken(hre: HardhatRuntimeEnvironment, issuer: Signer): Promise<SettlementToken> {
  const factory = await hre.ethers.getContractFactory("SettlementToken", issuer);
  const token = (await factory.deploy("City Euro", "cEUR", 2, await issuer.getAddress())) as unknown as SettlementToken;
  await token.waitForDeployment();
  return token;
}

/**
 * Deploys MedicalRecords and HealthInsurance on a consortium, paying in `token`, each behind its ERC-1967 proxy:
 * the insurance implementation is wired to the records proxy, and the records proxy binds the insurance proxy as
 * its claims processor.
 */
export async function deployMedical<T extends { getAddress(): Promise<string> } = SettlementToken>(
  hre: HardhatRuntimeEnvironment,
  consortium: Consortium,
  token: T,
  deployer?: Signer,
): Promise<MedicalSystem<T>> {
  const consortiumAddress = await consortium.getAddress();
  const { contract: records, proxy: recordsAddress } = await deployProxied<MedicalRecords>(
    hre,
    "MedicalRecords",
    [consortiumAddress],
    [],
    deployer,
  );
  const { contract: insurance, proxy: insuranceAddress } = await deployProxied<HealthInsurance>(
    hre,
    "HealthInsurance",
    [consortiumAddress, recordsAddress, await token.getAddress()],
    [],
    deployer,
  );
  // The records contract audits disclosures through claims only from this insurance contract.
  await (await records.setClaimsProcessor(insuranceAddress)).wait();
  return { records, insurance, token };
}

/** The parsed events of one contract in a receipt. */
export function eventsOf(iface: Interface, receipt: ContractTransactionReceipt | null, name: string): LogDescription[] {
  const out: LogDescription[] = [];
  for (const log of receipt?.logs ?? []) {
    try {
      const parsed = iface.parseLog(log);
      if (parsed?.name === name) out.push(parsed);
    } catch {
      // a log of another contract
    }
  }
  return out;
}

function firstEvent(iface: Interface, receipt: ContractTransactionReceipt | null, name: string): LogDescription {
  const [event] = eventsOf(iface, receipt, name);
  if (!event) throw new Error(`the transaction emitted no ${name}`);
  return event;
}

async function mined(sent: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  const receipt = await (await sent).wait();
  if (!receipt) throw new Error("transaction was not mined");
  return receipt;
}

// ----------------------------------------------------------------------------------------------------- records

export interface AnchorInput {
  patient: string;
  /** The encrypted document (or its bytes). */
  document: Uint8Array | string;
  /** Where it is stored (hashed with a fresh salt). */
  location: string;
  category: string;
  authoredAt: number;
}

export interface Anchored {
  recordId: bigint;
  contentHash: string;
  locationHash: string;
  /** Keep with the record off chain: it proves the location hash. */
  salt: string;
}

/** Anchors a record as `hospital`: content hash, salted location hash, category code, authored time. */
export async function anchorRecord(records: MedicalRecords, hospital: Signer, input: AnchorInput): Promise<Anchored> {
  const salt = newSalt();
  const hash = contentHash(input.document);
  const locationHash = saltedHash(salt, input.location);
  const receipt = await mined(
    records
      .connect(hospital)
      .anchorRecord(input.patient, hash, locationHash, categoryCode(input.category), input.authoredAt),
  );
  const event = firstEvent(records.interface, receipt, "RecordAnchored");
  return { recordId: event.args.recordId as bigint, contentHash: hash, locationHash, salt };
}

export interface ConsentSpec {
  patient: string;
  /** An organisation id (alone: any of its accounts; with `granteeAccount`: that account's hospital). */
  granteeOrg?: number;
  /** One practitioner account; the consent holds only while it belongs to `granteeOrg`. */
  granteeAccount?: string;
  actions: ActionName[];
  purposes: PurposeName[];
  /** Category names/codes, or record ids. */
  categories?: string[];
  recordIds?: bigint[];
  validFrom: number;
  validUntil: number;
}

/** Builds the on-chain terms of a consent from names (FHIR codes → bits, categories → bytes32). */
export function consentTerms(spec: ConsentSpec): ConsentTerms {
  const byRecords = spec.recordIds !== undefined && spec.recordIds.length > 0;
  if (byRecords === (spec.categories !== undefined && spec.categories.length > 0)) {
    throw new Error("a consent's scope is either categories or record ids");
  }
  return {
    patient: spec.patient,
    granteeOrg: spec.granteeOrg ?? 0,
    granteeAccount: spec.granteeAccount ?? "0x0000000000000000000000000000000000000000",
    actions: bitsOf(ACTIONS, spec.actions),
    purposes: bitsOf(PURPOSES, spec.purposes),
    scopeKind: byRecords ? SCOPE_KINDS.records : SCOPE_KINDS.categories,
    validFrom: spec.validFrom,
    validUntil: spec.validUntil,
    scope: byRecords
      ? spec.recordIds!.map((id) => zeroPadValue(toBeHex(id), 32))
      : spec.categories!.map((c) => categoryCode(c)),
  };
}

/** Grants a consent as the patient or their guardian; returns its id. */
export async function grantConsent(records: MedicalRecords, by: Signer, terms: ConsentTerms): Promise<bigint> {
  const receipt = await mined(records.connect(by).grantConsent(terms));
  return firstEvent(records.interface, receipt, "ConsentGranted").args.consentId as bigint;
}

/**
 * The terms a consent was granted with, from the indexer (its `ConsentGranted` event). The contract keeps only
 * their hash, so every use of a consent (access, revocation) presents them again.
 */
export async function consentTermsOf(history: HistoryClient, consentId: bigint): Promise<ConsentTerms> {
  const { data } = await history.consent(consentId);
  const t = data.terms;
  return {
    patient: getAddress(t.patient),
    granteeOrg: t.granteeOrg,
    granteeAccount: getAddress(t.granteeAccount),
    actions: t.actions,
    purposes: t.purposes,
    scopeKind: t.scopeKind,
    validFrom: BigInt(t.validFrom),
    validUntil: BigInt(t.validUntil),
    scope: [...t.scope],
  };
}

/** A consent's terms as the caller holds them, or the indexer to read them from. */
export type ConsentTermsSource = ConsentTerms | HistoryClient;

async function termsOf(source: ConsentTermsSource, consentId: bigint): Promise<ConsentTerms> {
  return source instanceof HistoryClient ? consentTermsOf(source, consentId) : source;
}

/** Revokes a consent as the patient or their guardian, presenting its terms (given, or read from the indexer). */
export async function revokeConsent(
  records: MedicalRecords,
  by: Signer,
  consentId: bigint,
  terms: ConsentTermsSource,
): Promise<void> {
  await mined(records.connect(by).revokeConsent(consentId, await termsOf(terms, consentId)));
}

export interface AccessResult {
  granted: boolean;
  auditId: bigint;
  decision: DecisionName;
}

function accessResult(records: MedicalRecords, receipt: ContractTransactionReceipt): AccessResult {
  const event = firstEvent(records.interface, receipt, "AccessAudited");
  const decision = DECISIONS[Number(event.args.decision)];
  return { granted: decision === "Permit", auditId: event.args.auditId as bigint, decision };
}

/** Asks to read a record under a consent; the attempt is audited whatever the decision. */
export async function accessRecord(
  records: MedicalRecords,
  accessor: Signer,
  recordId: bigint,
  consentId: bigint,
  action: ActionName,
  purpose: PurposeName,
  terms: ConsentTermsSource,
): Promise<AccessResult> {
  const t = await termsOf(terms, consentId);
  const receipt = await mined(
    records.connect(accessor).accessRecord(recordId, consentId, t, ACTIONS[action], PURPOSES[purpose]),
  );
  return accessResult(records, receipt);
}

/** Breaks the glass on a record as a hospital; returns the emergency id and the audit result. */
export async function breakGlass(
  records: MedicalRecords,
  hospital: Signer,
  recordId: bigint,
  reason: EmergencyReason,
): Promise<AccessResult & { emergencyId: bigint; expiresAt: bigint }> {
  const receipt = await mined(records.connect(hospital).breakGlass(recordId, EMERGENCY_REASONS[reason]));
  const opened = firstEvent(records.interface, receipt, "EmergencyAccessOpened");
  return {
    ...accessResult(records, receipt),
    emergencyId: opened.args.emergencyId as bigint,
    expiresAt: opened.args.expiresAt as bigint,
  };
}

/** Reads another record of the patient under an open emergency; audited whatever the decision. */
export async function emergencyAccess(
  records: MedicalRecords,
  hospital: Signer,
  emergencyId: bigint,
  recordId: bigint,
): Promise<AccessResult> {
  return accessResult(records, await mined(records.connect(hospital).emergencyAccess(emergencyId, recordId)));
}

export interface AuditEntry {
  auditId: bigint;
  block: number;
  recordId: bigint;
  accessor: string;
  accessorOrg: number;
  basis: (typeof BASES)[number];
  basisId: bigint;
  action: string;
  purpose: string;
  decision: DecisionName;
  /** For emergencies: the regulator's review so far. */
  review?: (typeof REVIEWS)[number];
}

/** A patient's audit trail (FHIR AuditEvent list), oldest first, with break-glass reviews, from the indexer. */
export async function auditTrail(history: HistoryClient, patient: string): Promise<AuditEntry[]> {
  const { data } = await history.patientAudit(patient);
  const reviews = new Map<string, number>();
  for (const r of data.events.filter((e) => e.event === "EmergencyReviewed")) {
    reviews.set(String(r.args.emergencyId), Number(r.args.review));
  }
  return data.events
    .filter((e) => e.event === "AccessAudited")
    .map((l) => {
      const a = l.args as Record<string, string>;
      const basis = BASES[Number(a.basis)];
      return {
        auditId: BigInt(a.auditId),
        block: Number(l.blockNumber),
        recordId: BigInt(a.recordId),
        accessor: getAddress(a.accessor),
        accessorOrg: Number(a.accessorOrg),
        basis,
        basisId: BigInt(a.basisId),
        action: namesOf(ACTIONS, BigInt(a.action)).join(","),
        purpose: namesOf(PURPOSES, BigInt(a.purpose)).join(","),
        decision: DECISIONS[Number(a.decision)],
        review: basis === "Emergency" ? REVIEWS[reviews.get(a.basisId) ?? 0] : undefined,
      };
    });
}

// --------------------------------------------------------------------------------------------------- insurance

export interface PolicySpec {
  patient: string;
  coverageStart: number;
  coverageEnd: number;
  annualLimit: bigint;
  deductible: bigint;
  coinsuranceBps: number;
  premium: bigint;
  payee: keyof typeof PAYEES;
  categories: string[];
  /** When the offer lapses if the patient has not accepted it (default: 30 days from now, capped at coverage end). */
  offerExpiresAt?: number;
}

/** The timestamp of the latest block, as the signer's provider sees it. */
async function chainTime(signer: Signer): Promise<number> {
  const block = await signer.provider?.getBlock("latest");
  if (!block) throw new Error("the signer has no provider to read the chain's time from");
  return block.timestamp;
}

/** Default validity of a policy offer. */
export const OFFER_VALIDITY = 30 * 24 * 3600;

/** Offers a policy as an insurer; returns its id. */
export async function issuePolicy(insurance: HealthInsurance, insurer: Signer, spec: PolicySpec): Promise<bigint> {
  const receipt = await mined(
    insurance.connect(insurer).issuePolicy({
      patient: spec.patient,
      coverageStart: spec.coverageStart,
      coverageEnd: spec.coverageEnd,
      annualLimit: spec.annualLimit,
      deductible: spec.deductible,
      coinsuranceBps: spec.coinsuranceBps,
      premium: spec.premium,
      payee: PAYEES[spec.payee],
      offerExpiresAt: spec.offerExpiresAt ?? Math.min(spec.coverageEnd, (await chainTime(insurer)) + OFFER_VALIDITY),
      coveredCategories: spec.categories.map((c) => categoryCode(c)),
    }),
  );
  return firstEvent(insurance.interface, receipt, "PolicyIssued").args.policyId as bigint;
}

/** Pays a policy's premium (approving the token first) and so activates it. */
export async function payPremium(
  insurance: HealthInsurance,
  token: SettlementToken,
  payer: Signer,
  policyId: bigint,
): Promise<void> {
  const { premium } = await insurance.policy(policyId);
  await mined(token.connect(payer).approve(await insurance.getAddress(), premium));
  await mined(insurance.connect(payer).payPremium(policyId));
}

/** Funds the insurer's claims pool (approving the token first). */
export async function fundPool(
  insurance: HealthInsurance,
  token: SettlementToken,
  insurer: Signer,
  amount: bigint,
): Promise<void> {
  await mined(token.connect(insurer).approve(await insurance.getAddress(), amount));
  await mined(insurance.connect(insurer).fundPool(amount));
}

export interface ClaimResult {
  claimId: bigint;
  status: ClaimStatusName;
  outcome: (typeof CLAIM_OUTCOMES)[number];
  submitted: bigint;
  eligible: bigint;
  deductible: bigint;
  benefit: bigint;
  /** Why the claim went to review (empty when adjudicated). */
  reviewFlags: string[];
}

function claimResult(insurance: HealthInsurance, receipt: ContractTransactionReceipt): ClaimResult {
  const a = firstEvent(insurance.interface, receipt, "ClaimAdjudicated").args;
  const status = CLAIM_STATUS[Number(a.status)];
  return {
    claimId: a.claimId as bigint,
    status,
    outcome: CLAIM_OUTCOMES[Number(a.outcome)],
    submitted: a.submitted as bigint,
    eligible: a.eligible as bigint,
    deductible: a.deductible as bigint,
    benefit: a.benefit as bigint,
    reviewFlags: status === "Pending" ? namesOf(REVIEW_FLAGS, BigInt(a.reason as string)) : [],
  };
}

/** Submits a claim as a hospital; returns the ClaimResponse of the same transaction. */
export async function submitClaim(
  insurance: HealthInsurance,
  hospital: Signer,
  input: ClaimInput,
  consent: ConsentTerms,
): Promise<ClaimResult> {
  return claimResult(insurance, await mined(insurance.connect(hospital).submitClaim(input, consent)));
}

/** Approves a pending claim (in part when `eligible` < submitted) as its insurer. */
export async function approveClaim(
  insurance: HealthInsurance,
  insurer: Signer,
  claimId: bigint,
  eligible: bigint,
): Promise<ClaimResult> {
  return claimResult(insurance, await mined(insurance.connect(insurer).approveClaim(claimId, eligible)));
}

/** Denies a pending claim with a reason code as its insurer. */
export async function denyClaim(
  insurance: HealthInsurance,
  insurer: Signer,
  claimId: bigint,
  reason: string,
): Promise<ClaimResult> {
  return claimResult(insurance, await mined(insurance.connect(insurer).denyClaim(claimId, reason)));
}

export interface ClaimView {
  claimId: bigint;
  policyId: bigint;
  providerOrg: number;
  status: ClaimStatusName;
  reviewFlags: string[];
  serviceDate: number;
  submitted: bigint;
  eligible: bigint;
  deductible: bigint;
  benefit: bigint;
}

/** A claim as stored, with names for its codes. */
export async function claimView(insurance: HealthInsurance, claimId: bigint): Promise<ClaimView> {
  const c = await insurance.claim(claimId);
  return {
    claimId,
    policyId: c.policyId,
    providerOrg: Number(c.providerOrg),
    status: CLAIM_STATUS[Number(c.status)],
    reviewFlags: namesOf(REVIEW_FLAGS, c.reviewFlags) as string[],
    serviceDate: Number(c.serviceDate),
    submitted: c.submitted,
    eligible: c.eligible,
    deductible: c.deductibleApplied,
    benefit: c.benefit,
  };
}

/** Formats token units (2 decimals by default) for tables. */
export function money(units: bigint, decimals = 2): string {
  const s = units.toString().padStart(decimals + 1, "0");
  return `${s.slice(0, -decimals)}.${s.slice(-decimals)}`;
}

/** The custom error of a reverted call, as `Name(arg, …)`, decoded with the contract's ABI. */
export function revertReason(iface: Interface, err: unknown): string {
  const data = findRevertData(err);
  const parsed = data ? iface.parseError(data) : null;
  if (parsed) return `${parsed.name}(${parsed.args.map((a: unknown) => String(a)).join(", ")})`;
  return err instanceof Error ? err.message : String(err);
}
