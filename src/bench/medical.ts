import { BenchSuite, gasOf, movedByProxies } from "./harness";
import { formCity } from "../city";
import { ACTIONS, PURPOSES, categoryCode, claimFingerprint, contentHash, newClaimNonce, saltedHash } from "../fhir";
import { consentTerms, deployMedical, deployPaymentToken, grantConsent, issuePolicy } from "../medical";

const DAY = 24 * 3600;

/**
 * Medical domain: the issue's three targets (grant consent, audited access check, submit and auto-pay a claim)
 * measured in steady state (ids and the payee's credit already non-zero), plus the first claim of a fresh system
 * and the untargeted operations for reference.
 */
export const suite: BenchSuite = {
  name: "medical",
  async run(hre) {
    const { consortium, actors, orgIds } = await formCity(hre);
    const token = await deployPaymentToken(hre, actors.deployer);
    const { records, insurance } = await deployMedical(hre, consortium, token, actors.deployer);
    const latest = async () => (await hre.ethers.provider.getBlock("latest"))!.timestamp;
    const patient = actors.patient1.address;
    const now0 = await latest();
    const anchorGas = await gasOf(
      records
        .connect(actors.hospital)
        .anchorRecord(
          patient,
          contentHash("encrypted:bench-0"),
          saltedHash(`0x${"11".repeat(32)}`, "s3://bench/0"),
          categoryCode("DiagnosticReport"),
          now0,
        ),
    );
    const now = await latest();
    const terms = (grantee: number, actions: ("access" | "disclose")[], purposes: ("treatment" | "payment")[]) =>
      consentTerms({
        patient,
        granteeOrg: grantee,
        actions,
        purposes,
        categories: ["DiagnosticReport"],
        validFrom: now,
        validUntil: now + 365 * DAY,
      });
    const treatment = terms(orgIds.pharmacy, ["access"], ["treatment"]);
    await grantConsent(records, actors.patient1, treatment);
    const grant = await gasOf(records.connect(actors.patient1).grantConsent(treatment));
    const consentId = await records.consentCount();
    await records
      .connect(actors.pharmacy)
      .accessRecord(1, consentId, treatment, ACTIONS.access, PURPOSES.treatment)
      .then((t) => t.wait());
    const access = await gasOf(
      records.connect(actors.pharmacy).accessRecord(1, consentId, treatment, ACTIONS.access, PURPOSES.treatment),
    );
    const denied = await gasOf(
      records.connect(actors.pharmacy).accessRecord(1, consentId, treatment, ACTIONS.access, PURPOSES.payment),
    );
    const glass = await gasOf(records.connect(actors.hospital).breakGlass(1, 1));

    const payment = terms(orgIds.insurer, ["disclose"], ["payment"]);
    const paymentId = await grantConsent(records, actors.patient1, payment);
    const policyId = await issuePolicy(insurance, actors.insurer, {
      patient,
      coverageStart: now - DAY,
      coverageEnd: now + 360 * DAY,
      annualLimit: 10_000_000n,
      deductible: 0n,
      coinsuranceBps: 2_000,
      premium: 100_000n,
      payee: "provider",
      categories: ["DiagnosticReport"],
    });
    const address = await insurance.getAddress();
    await token.connect(actors.deployer).mint(actors.insurer.address, 10_000_000n);
    await token.connect(actors.deployer).mint(actors.patient1.address, 100_000n);
    await token.connect(actors.patient1).approve(address, 100_000n);
    await insurance.connect(actors.patient1).payPremium(policyId);
    await token.connect(actors.insurer).approve(address, 10_000_000n);
    await insurance.connect(actors.insurer).fundPool(10_000_000n);
    // Coverage starts at activation; each claim is a different service date (one live claim per record and day).
    const activatedAt = Number((await insurance.policy(policyId)).activatedAt);
    const claim = (i: number) => ({
      policyId,
      patient,
      recordIds: [1n],
      amount: 25_000n,
      serviceDate: activatedAt + i - 1,
      fingerprint: claimFingerprint(newClaimNonce(), {
        patient,
        providerOrg: orgIds.hospital,
        serviceDate: activatedAt + i - 1,
        codes: [`CPT:7${i}`],
        amount: 25_000n,
      }),
      consentId: paymentId,
    });
    const firstClaim = await gasOf(insurance.connect(actors.hospital).submitClaim(claim(1), payment));
    const claimGas = await gasOf(insurance.connect(actors.hospital).submitClaim(claim(2), payment));
    const status = await insurance.claim(await insurance.claimCount());
    if (Number(status.status) !== 3) throw new Error("bench: the claim was not paid automatically");
    return [
      { name: "medical: anchor a record", gas: anchorGas, target: null, baseline: null },
      { name: "medical: grant consent", gas: grant, target: 90_000, baseline: null },
      {
        name: "medical: audited access check (granted)",
        gas: access,
        target: 65_000,
        moved: movedByProxies(60_000, ["domain", "consortium", "pause"]),
        baseline: null,
      },
      {
        name: "medical: audited access check (denied, audit only)",
        gas: denied,
        target: 62_000,
        moved: movedByProxies(60_000, ["domain", "consortium", "pause"]),
        baseline: null,
      },
      { name: "medical: break-glass access", gas: glass, target: null, baseline: null },
      // 180,000 -> 190,000 (issue 15): the claim now writes the patient's audit entry for the disclosure to the
      // insurer and reads the consortium twice (insurer active, who admitted the patient); each closes a finding.
      {
        name: "insurance: submit and auto-pay a claim",
        gas: claimGas,
        target: 201_000,
        moved: movedByProxies(190_000, ["domain", "consortium", "pause", "second"]),
        baseline: null,
      },
      {
        name: "insurance: first claim of a fresh system (counters from zero)",
        gas: firstClaim,
        target: null,
        baseline: null,
      },
    ];
  },
};
