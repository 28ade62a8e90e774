import { cliHistory } from "../src/history/endpoint";
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Consortium, HealthInsurance, MedicalRecords } from "../typechain-types";
import { resolveAddress, resolveSigner } from "../src/deployments";
import {
  ACTIONS,
  ActionName,
  POLICY_STATUS,
  PURPOSES,
  PurposeName,
  claimFingerprint,
  newClaimNonce,
} from "../src/fhir";
import {
  accessRecord,
  auditTrail,
  claimView,
  consentTerms,
  consentTermsOf,
  grantConsent,
  money,
  revokeConsent,
  submitClaim,
} from "../src/medical";
import { printTable, short } from "../src/table";

async function recordsAt(hre: HardhatRuntimeEnvironment, address?: string): Promise<MedicalRecords> {
  return (await hre.ethers.getContractAt(
    "MedicalRecords",
    await resolveAddress(hre, "MedicalRecords", address),
  )) as unknown as MedicalRecords;
}

async function insuranceAt(hre: HardhatRuntimeEnvironment, address?: string): Promise<HealthInsurance> {
  return (await hre.ethers.getContractAt(
    "HealthInsurance",
    await resolveAddress(hre, "HealthInsurance", address),
  )) as unknown as HealthInsurance;
}

/** An address, or the account of a city actor key / signer index. */
async function accountOf(hre: HardhatRuntimeEnvironment, who: string): Promise<string> {
  return hre.ethers.isAddress(who) ? who : (await resolveSigner(hre, who)).address;
}

function list(csv: string | undefined): string[] {
  return (csv ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function oneOf<T extends Record<string, number>>(table: T, name: string, flag: string): keyof T {
  if (!(name in table)) throw new Error(`--${flag} ${name}: one of ${Object.keys(table).join(", ")}`);
  return name as keyof T;
}

/** A unix time from seconds or an ISO date. */
function parseTime(value: string, flag: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`--${flag} ${value} is neither unix seconds nor an ISO date`);
  return Math.floor(ms / 1000);
}

task("medical:grant", "Grants a FHIR-style consent (as the patient or their guardian)")
  .addParam("from", "The patient or guardian: an actor key, an address or a signer index")
  .addOptionalParam("patient", "The patient when --from is the guardian (default: --from)")
  .addOptionalParam("granteeOrg", "Grantee organisation id (a hospital or insurer)", undefined, types.int)
  .addOptionalParam("granteeAccount", "Grantee practitioner account (instead of an organisation)")
  .addParam("actions", "Comma-separated: access, disclose")
  .addParam("purposes", "Comma-separated: treatment, payment, research")
  .addOptionalParam("categories", "Comma-separated categories (FHIR resource types or loinc:<code>)")
  .addOptionalParam("records", "Comma-separated record ids (instead of categories)")
  .addOptionalParam("days", "Validity in days from now", 30, types.int)
  .addOptionalParam("address", "MedicalRecords address (default: this network's deployment)")
  .setAction(
    async (
      args: {
        from: string;
        patient?: string;
        granteeOrg?: number;
        granteeAccount?: string;
        actions: string;
        purposes: string;
        categories?: string;
        records?: string;
        days: number;
        address?: string;
      },
      hre,
    ) => {
      const records = await recordsAt(hre, args.address);
      const signer = await resolveSigner(hre, args.from);
      if (!(args.days > 0)) throw new Error("--days must be positive");
      const now = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
      // An account grant also names the account's hospital: the consent ends if the account moves.
      const granteeOrg =
        args.granteeOrg ??
        (args.granteeAccount
          ? Number(
              await (
                (await hre.ethers.getContractAt("Consortium", await records.consortium())) as unknown as Consortium
              ).memberOf(args.granteeAccount),
            )
          : undefined);
      const terms = consentTerms({
        patient: args.patient ? await accountOf(hre, args.patient) : signer.address,
        granteeOrg,
        granteeAccount: args.granteeAccount,
        actions: list(args.actions).map((a) => oneOf(ACTIONS, a, "actions")) as ActionName[],
        purposes: list(args.purposes).map((p) => oneOf(PURPOSES, p, "purposes")) as PurposeName[],
        categories: args.categories ? list(args.categories) : undefined,
        recordIds: args.records ? list(args.records).map((r) => BigInt(r)) : undefined,
        validFrom: now,
        validUntil: now + args.days * 24 * 3600,
      });
      const id = await grantConsent(records, signer, terms);
      console.log(`consent ${id} granted by ${signer.address} for patient ${terms.patient}, valid ${args.days} days`);
    },
  );

task("medical:revoke", "Revokes a consent with immediate effect (as the patient or their guardian)")
  .addParam("from", "The patient or guardian")
  .addParam("consent", "Consent id", undefined, types.bigint)
  .addOptionalParam("address", "MedicalRecords address")
  .setAction(async (args: { from: string; consent: bigint; address?: string }, hre) => {
    const records = await recordsAt(hre, args.address);
    await revokeConsent(records, await resolveSigner(hre, args.from), args.consent, await cliHistory(hre));
    console.log(`consent ${args.consent} revoked`);
  });

task("medical:access", "Asks to read a record under a consent; the attempt is audited whatever the decision")
  .addParam("from", "The accessor (a hospital or insurer account)")
  .addParam("record", "Record id", undefined, types.bigint)
  .addParam("consent", "Consent id", undefined, types.bigint)
  .addOptionalParam("action", "access | disclose", "access")
  .addOptionalParam("purpose", "treatment | payment | research", "treatment")
  .addOptionalParam("address", "MedicalRecords address")
  .setAction(
    async (
      args: { from: string; record: bigint; consent: bigint; action: string; purpose: string; address?: string },
      hre,
    ) => {
      const records = await recordsAt(hre, args.address);
      const r = await accessRecord(
        records,
        await resolveSigner(hre, args.from),
        args.record,
        args.consent,
        oneOf(ACTIONS, args.action, "action") as ActionName,
        oneOf(PURPOSES, args.purpose, "purpose") as PurposeName,
        await cliHistory(hre),
      );
      console.log(`${r.granted ? "GRANTED" : "DENIED"} (${r.decision}); audit record ${r.auditId}`);
      if (r.granted) {
        const rec = await records.record(args.record);
        console.log(`content hash ${rec.contentHash}; location hash ${rec.locationHash} (verify with the salt)`);
      }
    },
  );

task("medical:audit", "Prints a patient's audit trail (every access attempt, granted or denied)")
  .addPositionalParam("patient", "The patient: an address or an actor key")
  .setAction(async (args: { patient: string }, hre) => {
    const patient = await accountOf(hre, args.patient);
    const trail = await auditTrail(await cliHistory(hre), patient);
    printTable(
      ["audit", "block", "record", "accessor", "org", "basis", "action", "purpose", "outcome", "review"],
      trail.map((e) => [
        e.auditId,
        e.block,
        e.recordId,
        short(e.accessor),
        e.accessorOrg,
        `${e.basis} ${e.basisId}`,
        e.action,
        e.purpose,
        e.decision,
        e.review ?? "",
      ]),
      `Audit trail of patient ${patient}: ${trail.length} attempts`,
    );
  });

task("insurance:claim", "Submits a claim as a hospital; it is adjudicated in the same transaction")
  .addParam("from", "The hospital account")
  .addParam("policy", "Policy id", undefined, types.bigint)
  .addParam("records", "Comma-separated record ids, or content hashes of records the claiming hospital anchored")
  .addParam("amount", "Amount in token units (e.g. cents)", undefined, types.bigint)
  .addParam("serviceDate", "Service date (unix seconds or ISO date)")
  .addParam("codes", "Comma-separated billing codes (normalised and hashed into the fingerprint)")
  .addParam("consent", "Consent id to disclose for payment", undefined, types.bigint)
  .addOptionalParam("address", "HealthInsurance address")
  .setAction(
    async (
      args: {
        from: string;
        policy: bigint;
        records: string;
        amount: bigint;
        serviceDate: string;
        codes: string;
        consent: bigint;
        address?: string;
      },
      hre,
    ) => {
      const insurance = await insuranceAt(hre, args.address);
      const records = (await hre.ethers.getContractAt(
        "MedicalRecords",
        await insurance.records(),
      )) as unknown as MedicalRecords;
      const hospital = await resolveSigner(hre, args.from);
      // A fresh nonce per claim, sent to the insurer only (with the FHIR Claim): no other member can test codes.
      const nonce = newClaimNonce();
      const policy = await insurance.policy(args.policy);
      const serviceDate = parseTime(args.serviceDate, "service-date");
      const consortium = (await hre.ethers.getContractAt(
        "Consortium",
        await insurance.consortium(),
      )) as unknown as Consortium;
      const providerOrg = Number(await consortium.memberOf(hospital.address));
      const recordIds: bigint[] = [];
      for (const entry of list(args.records)) {
        if (/^0x[0-9a-fA-F]{64}$/.test(entry)) {
          const id = await records.recordIdOf(providerOrg, entry);
          if (id === 0n) throw new Error(`--records: ${entry} is not a record this hospital anchored; pass its id`);
          recordIds.push(id);
        } else if (/^[0-9]+$/.test(entry)) recordIds.push(BigInt(entry));
        else throw new Error(`--records: "${entry}" is neither a record id nor a content hash`);
      }
      const fingerprint = claimFingerprint(nonce, {
        patient: policy.patient,
        providerOrg,
        serviceDate,
        codes: list(args.codes),
        amount: args.amount,
      });
      const r = await submitClaim(
        insurance,
        hospital,
        {
          policyId: args.policy,
          patient: policy.patient,
          recordIds,
          amount: args.amount,
          serviceDate,
          fingerprint,
          consentId: args.consent,
        },
        await consentTermsOf(await cliHistory(hre), args.consent),
      );
      printTable(
        ["claim", "status", "outcome", "submitted", "eligible", "deductible", "benefit", "review flags"],
        [
          [
            r.claimId,
            r.status,
            r.outcome,
            money(r.submitted),
            money(r.eligible),
            money(r.deductible),
            money(r.benefit),
            r.reviewFlags.join(", "),
          ],
        ],
        `Claim ${r.claimId} (fingerprint ${short(fingerprint)})`,
      );
      console.log(`claim nonce (send to the insurer only, with the claim's codes): ${nonce}`);
    },
  );

task("insurance:status", "Shows a claim, or a policy with its pool")
  .addOptionalParam("claim", "Claim id", undefined, types.bigint)
  .addOptionalParam("policy", "Policy id", undefined, types.bigint)
  .addOptionalParam("address", "HealthInsurance address")
  .setAction(async (args: { claim?: bigint; policy?: bigint; address?: string }, hre) => {
    const insurance = await insuranceAt(hre, args.address);
    if (args.claim === undefined && args.policy === undefined) throw new Error("pass --claim or --policy");
    if (args.claim !== undefined) {
      const c = await claimView(insurance, args.claim);
      printTable(
        [
          "claim",
          "policy",
          "provider",
          "status",
          "flags",
          "service date",
          "submitted",
          "eligible",
          "deductible",
          "benefit",
        ],
        [
          [
            c.claimId,
            c.policyId,
            c.providerOrg,
            c.status,
            c.reviewFlags.join(", "),
            new Date(c.serviceDate * 1000).toISOString().slice(0, 10),
            money(c.submitted),
            money(c.eligible),
            money(c.deductible),
            money(c.benefit),
          ],
        ],
        `Claim ${c.claimId}`,
      );
    }
    if (args.policy !== undefined) {
      const p = await insurance.policy(args.policy);
      const pool = await insurance.pool(p.insurerOrg);
      const date = (t: bigint) => new Date(Number(t) * 1000).toISOString().slice(0, 10);
      printTable(
        [
          "policy",
          "patient",
          "insurer",
          "status",
          "coverage",
          "limit",
          "used",
          "deductible met",
          "coins.",
          "pool",
          "owed",
        ],
        [
          [
            args.policy,
            short(p.patient),
            p.insurerOrg,
            POLICY_STATUS[Number(p.status)],
            `${date(p.coverageStart)} → ${date(p.coverageEnd)}`,
            money(p.annualLimit),
            money(p.used),
            `${money(p.deductibleMet)} / ${money(p.deductible)}`,
            `${Number(p.coinsuranceBps) / 100}%`,
            money(pool.balance),
            money(pool.owed),
          ],
        ],
        `Policy ${args.policy}`,
      );
    }
  });
