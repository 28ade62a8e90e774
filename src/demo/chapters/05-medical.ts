import type { SettlementToken } from "../../../typechain-types";
import { EMERGENCY_REASONS, categoryLabel, claimFingerprint, contentHash, newClaimNonce } from "../../fhir";
import {
  accessRecord,
  anchorRecord,
  approveClaim,
  auditTrail,
  breakGlass,
  claimView,
  consentTerms,
  deployMedical,
  deployPaymentToken,
  fundPool,
  grantConsent,
  issuePolicy,
  money,
  payPremium,
  revertReason,
  submitClaim,
} from "../../medical";
import { printTable, short } from "../../table";
import { DemoChapter, requireCity, say } from "../context";
import { storyHistory } from "../../history/demo";

const DAY = 24 * 3600;

/**
 * Medical records and insurance: a record anchored, consent to a second hospital, a granted and a denied access
 * (both audited), a break-glass access reviewed by the regulator, a claim paid automatically, its duplicate refused,
 * a claim sent to the insurer's review and decided, a claim on another hospital's record sent to review, and a
 * premium paid after treatment that does not cover it.
 */
export const chapter: DemoChapter = {
  title: "Medical records with patient consent and audit; insurance claims that pay automatically",
  async run(ctx) {
    const { hre, actors, clock } = ctx;
    const city = requireCity(ctx);
    const { orgIds } = city;
    const existing = ctx.system.settlementToken as SettlementToken | undefined;
    const token =
      existing && (await existing.owner()) === actors.deployer.address
        ? existing
        : await deployPaymentToken(hre, actors.deployer);
    const { records, insurance } = await deployMedical(hre, city.consortium, token, actors.deployer);
    ctx.system.settlementToken = token;
    ctx.system.medicalRecords = records;
    ctx.system.healthInsurance = insurance;
    say(`MedicalRecords at ${await records.getAddress()}, HealthInsurance at ${await insurance.getAddress()}`);
    const now = async () => (await hre.ethers.provider.getBlock("latest"))!.timestamp;
    const t0 = await now();

    // Records: Northside anchors two documents of patient 1 (hashes only; the documents stay encrypted off chain).
    const summary = await anchorRecord(records, actors.hospital, {
      patient: actors.patient1.address,
      document: "AES-GCM ciphertext of discharge summary #NS-2026-0412",
      location: "https://records.northside.example/docs/0412",
      category: "DischargeSummary",
      authoredAt: t0,
    });
    const lab = await anchorRecord(records, actors.hospital, {
      patient: actors.patient1.address,
      document: "AES-GCM ciphertext of lab report #NS-2026-0413",
      location: "https://records.northside.example/docs/0413",
      category: "LabReport",
      authoredAt: t0,
    });
    say(
      `Northside Hospital anchored record ${summary.recordId} (${categoryLabel((await records.record(summary.recordId)).category)}) ` +
        `and ${lab.recordId} for patient ${short(actors.patient1.address)}: content hash ${short(summary.contentHash)}, salted location hash`,
    );

    // Consent: patient 1 lets Corner Pharmacy (a second hospital) read discharge summaries for treatment, 30 days.
    const treatment = consentTerms({
      patient: actors.patient1.address,
      granteeOrg: orgIds.pharmacy,
      actions: ["access"],
      purposes: ["treatment"],
      categories: ["DischargeSummary"],
      validFrom: t0,
      validUntil: t0 + 30 * DAY,
    });
    const treatmentId = await grantConsent(records, actors.patient1, treatment);
    say(
      `patient 1 granted consent ${treatmentId}: Corner Pharmacy may access discharge summaries for treatment, 30 days`,
    );
    const granted = await accessRecord(
      records,
      actors.pharmacy,
      summary.recordId,
      treatmentId,
      "access",
      "treatment",
      treatment,
    );
    say(`Corner Pharmacy reads the discharge summary for treatment: ${granted.decision} (audit ${granted.auditId})`);
    const denied = await accessRecord(
      records,
      actors.pharmacy,
      lab.recordId,
      treatmentId,
      "access",
      "treatment",
      treatment,
    );
    say(
      `Corner Pharmacy asks for the lab report under the same consent: ${denied.decision} — not reverted, audited (audit ${denied.auditId})`,
    );

    // Break-glass: patient 2 arrives unconscious at Corner Pharmacy's emergency desk.
    const p2record = await anchorRecord(records, actors.hospital, {
      patient: actors.patient2.address,
      document: "AES-GCM ciphertext of allergy list #NS-2026-0007",
      location: "https://records.northside.example/docs/0007",
      category: "Observation",
      authoredAt: t0,
    });
    const glass = await breakGlass(records, actors.pharmacy, p2record.recordId, "ETREAT");
    say(
      `Corner Pharmacy broke the glass on patient 2's allergy list (reason ETREAT=${EMERGENCY_REASONS.ETREAT}): ` +
        `${glass.decision}, window until ${new Date(Number(glass.expiresAt) * 1000).toISOString()}, patient notified`,
    );
    await (
      await records
        .connect(actors.regulator)
        .reviewEmergency(glass.emergencyId, true, contentHash("review CHMA-2026-031: unconscious patient, justified"))
    ).wait();
    say(`the City Health & Markets Authority reviewed emergency ${glass.emergencyId}: justified`);

    // Insurance: CareShield covers patient 1; the patient pays the premium; the insurer funds its pool.
    const policyId = await issuePolicy(insurance, actors.insurer, {
      patient: actors.patient1.address,
      coverageStart: t0 - DAY,
      coverageEnd: t0 + 364 * DAY,
      annualLimit: 2_000_000n,
      deductible: 20_000n,
      coinsuranceBps: 2_000,
      premium: 48_000n,
      payee: "provider",
      categories: ["DischargeSummary", "LabReport"],
    });
    await (await token.connect(actors.deployer).mint(actors.patient1.address, 48_000n)).wait();
    await (await token.connect(actors.deployer).mint(actors.insurer.address, 5_000_000n)).wait();
    await payPremium(insurance, token, actors.patient1, policyId);
    await fundPool(insurance, token, actors.insurer, 5_000_000n);
    say(
      `CareShield issued policy ${policyId} (limit 20,000.00, deductible 200.00, coinsurance 20 %); premium paid; pool funded`,
    );

    const payment = consentTerms({
      patient: actors.patient1.address,
      granteeOrg: orgIds.insurer,
      actions: ["disclose"],
      purposes: ["payment"],
      categories: ["DischargeSummary", "LabReport", "ImagingStudy"],
      validFrom: t0,
      validUntil: t0 + 365 * DAY,
    });
    const paymentId = await grantConsent(records, actors.patient1, payment);
    say(`patient 1 consented (${paymentId}) to disclosure of these records to CareShield for payment`);

    // Coverage starts when the premium is paid: the admission is billed for a service on the day of activation.
    const activatedAt = Number((await insurance.policy(policyId)).activatedAt);
    const claim = (
      recordId: bigint,
      amount: bigint,
      codes: string[],
      opts: { providerOrg?: number; policy?: bigint; serviceDate?: number } = {},
    ) => {
      const serviceDate = opts.serviceDate ?? activatedAt;
      return {
        policyId: opts.policy ?? policyId,
        patient: actors.patient1.address,
        recordIds: [recordId],
        amount,
        serviceDate,
        // Keyed by a fresh per-claim nonce the hospital sends only to the insurer: no other member can test codes.
        fingerprint: claimFingerprint(newClaimNonce(), {
          patient: actors.patient1.address,
          providerOrg: opts.providerOrg ?? orgIds.hospital,
          serviceDate,
          codes,
          amount,
        }),
        consentId: paymentId,
      };
    };
    const first = claim(summary.recordId, 150_000n, ["CPT:99223", "ICD10:J18.9"]);
    const paid = await submitClaim(insurance, actors.hospital, first, payment);
    say(
      `Northside claims 1,500.00 for the admission: ${paid.status} in the same transaction ` +
        `(deductible ${money(paid.deductible)}, benefit ${money(paid.benefit)})`,
    );
    let duplicateAccepted = false;
    try {
      // The same treatment again, codes reordered (a new nonce, so a new fingerprint): the contract sees the record.
      await submitClaim(
        insurance,
        actors.hospital,
        claim(summary.recordId, 150_000n, ["ICD10:J18.9", "CPT:99223"]),
        payment,
      );
      duplicateAccepted = true;
    } catch (err) {
      say(
        `the same treatment claimed again with its codes reordered: refused with ${revertReason(insurance.interface, err)}`,
      );
    }
    if (duplicateAccepted) throw new Error("the duplicate claim was accepted");

    const scan = await anchorRecord(records, actors.hospital, {
      patient: actors.patient1.address,
      document: "AES-GCM ciphertext of CT study #NS-2026-0419",
      location: "https://pacs.northside.example/studies/0419",
      category: "ImagingStudy",
      authoredAt: await now(),
    });
    const queued = await submitClaim(insurance, actors.hospital, claim(scan.recordId, 90_000n, ["CPT:71250"]), payment);
    say(`a CT study claim (category not covered): ${queued.status}, flags ${queued.reviewFlags.join(", ")}`);
    const decided = await approveClaim(insurance, actors.insurer, queued.claimId, 60_000n);
    say(
      `CareShield approved 600.00 of 900.00 on review: ${decided.outcome}, benefit ${money(decided.benefit)}, ${decided.status}`,
    );

    // Corner Pharmacy (it holds the HOSPITAL role) bills on Northside's lab report: it authored nothing, so review.
    const foreign = await submitClaim(
      insurance,
      actors.pharmacy,
      claim(lab.recordId, 120_000n, ["CPT:80053"], { providerOrg: orgIds.pharmacy }),
      payment,
    );
    say(
      `Corner Pharmacy claims 1,200.00 on Northside's lab report: ${foreign.status}, flags ${foreign.reviewFlags.join(", ")}`,
    );
    if (foreign.status !== "Pending" || !foreign.reviewFlags.includes("foreignRecord")) {
      throw new Error("a claim on another hospital's record was not sent to review");
    }
    await (await insurance.connect(actors.insurer).denyClaim(foreign.claimId, contentHash("not the author"))).wait();
    say(`CareShield denied claim ${foreign.claimId} on review`);

    // Patient 2 is treated first and buys cover afterwards: the premium paid after treatment covers nothing before.
    const late = await issuePolicy(insurance, actors.insurer, {
      patient: actors.patient2.address,
      coverageStart: t0 - DAY,
      coverageEnd: t0 + 364 * DAY,
      annualLimit: 2_000_000n,
      deductible: 0n,
      coinsuranceBps: 0,
      premium: 10_000n,
      payee: "provider",
      categories: ["Observation"],
    });
    try {
      await (await insurance.connect(actors.hospital).payPremium(late)).wait();
      throw new Error("a hospital paid a patient's premium for them");
    } catch (err) {
      say(`Northside tries to pay patient 2's premium itself: refused with ${revertReason(insurance.interface, err)}`);
    }
    // The premium is paid an hour after treatment; on a sealed chain, whose clock runs in real time, a few seconds.
    const treatedAt = await now();
    const delay = clock.span(3600, 3);
    await clock.until(treatedAt + delay, "waiting before the premium is paid");
    await (await token.connect(actors.deployer).mint(actors.patient2.address, 10_000n)).wait();
    await payPremium(insurance, token, actors.patient2, late);
    const p2payment = consentTerms({
      patient: actors.patient2.address,
      granteeOrg: orgIds.insurer,
      actions: ["disclose"],
      purposes: ["payment"],
      categories: ["Observation"],
      validFrom: t0,
      validUntil: t0 + 365 * DAY,
    });
    const p2paymentId = await grantConsent(records, actors.patient2, p2payment);
    const before = await submitClaim(
      insurance,
      actors.hospital,
      {
        ...claim(p2record.recordId, 30_000n, ["CPT:99285"], { policy: late, serviceDate: treatedAt }),
        patient: actors.patient2.address,
        consentId: p2paymentId,
      },
      p2payment,
    );
    say(
      `patient 2 paid the premium ${clock.live ? `${delay} s` : "an hour"} after treatment; the claim for that treatment: ${before.status}, flags ${before.reviewFlags.join(", ")}`,
    );
    if (before.status !== "Pending" || !before.reviewFlags.includes("policyInactive")) {
      throw new Error("treatment before the premium was paid was covered");
    }
    await (await insurance.connect(actors.insurer).denyClaim(before.claimId, contentHash("before activation"))).wait();

    await (await insurance.connect(actors.hospital).withdrawCredit()).wait();
    say(`Northside withdrew its credited benefits: ${money(await token.balanceOf(actors.hospital.address))} cEUR`);

    const claims = [];
    for (let id = 1n; id <= (await insurance.claimCount()); id++) claims.push(await claimView(insurance, id));
    printTable(
      ["claim", "status", "submitted", "eligible", "deductible", "benefit", "review flags"],
      claims.map((c) => [
        c.claimId,
        c.status,
        money(c.submitted),
        money(c.eligible),
        money(c.deductible),
        money(c.benefit),
        c.reviewFlags.join(", "),
      ]),
      "Claims (FHIR ClaimResponse)",
    );
    const history = await storyHistory(ctx, ["medicalRecords"]);
    const trail = [
      ...(await auditTrail(history, actors.patient1.address)),
      ...(await auditTrail(history, actors.patient2.address)),
    ]
      .map((e) => ({ ...e, patient: e.recordId === p2record.recordId ? "patient 2" : "patient 1" }))
      .sort((a, b) => Number(a.auditId - b.auditId));
    printTable(
      ["audit", "patient", "record", "accessor", "basis", "purpose", "outcome", "review"],
      trail.map((e) => [
        e.auditId,
        e.patient,
        e.recordId,
        short(e.accessor),
        `${e.basis} ${e.basisId}`,
        e.purpose,
        e.decision,
        e.review ?? "",
      ]),
      "Audit trail (FHIR AuditEvent)",
    );
    ctx.system.medical = {
      records: { summary: summary.recordId, lab: lab.recordId, scan: scan.recordId },
      consents: { treatment: treatmentId, payment: paymentId },
      policyId,
      emergencyId: glass.emergencyId,
      claims: claims.map((c) => ({ id: c.claimId, status: c.status })),
    };
  },
};
