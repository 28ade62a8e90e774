import { cliHistory } from "../../src/history/endpoint";
import { withIndexerUrl } from "../fixtures/history";
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployMedicalWorldFixture } from "../fixtures/medical";
import {
  ACTIONS,
  PURPOSES,
  REVIEW_FLAGS,
  bitsOf,
  categoryCode,
  categoryLabel,
  claimFingerprint,
  namesOf,
  parseBits,
  saltedHash,
} from "../../src/fhir";
import { auditTrail, claimView, consentTerms, money, revertReason } from "../../src/medical";

const KEY = `0x${"01".repeat(32)}`;

describe("medical SDK", function () {
  describe("FHIR codes and hashes", function () {
    it("encodes resource types and LOINC document classes as bytes32 and back", function () {
      expect(categoryLabel(categoryCode("DiagnosticReport"))).to.equal("DiagnosticReport");
      expect(categoryLabel(categoryCode("DischargeSummary"))).to.equal("loinc:18842-5");
      expect(categoryLabel(categoryCode("loinc:34117-2"))).to.equal("loinc:34117-2");
      expect(() => categoryCode("discharge summary")).to.throw(/neither a FHIR resource type/);
      expect(categoryLabel(`0x${"ff".repeat(32)}`)).to.equal(`0x${"ff".repeat(32)}`);
    });

    it("turns action and purpose names into bit sets and back, refusing unknown names", function () {
      expect(bitsOf(ACTIONS, ["access", "disclose"])).to.equal(3);
      expect(parseBits(PURPOSES, "treatment, research")).to.equal(5);
      expect(namesOf(REVIEW_FLAGS, 10)).to.deep.equal(["noPaymentConsent", "overLimit"]);
      expect(() => parseBits(PURPOSES, "marketing")).to.throw(/unknown code "marketing"/);
      expect(() => bitsOf(ACTIONS, [])).to.throw(/at least one/);
    });

    it("salts guessable data and keys claim fingerprints", function () {
      const url = "s3://northside/1";
      expect(saltedHash(KEY, url)).to.not.equal(saltedHash(`0x${"02".repeat(32)}`, url));
      const facts = { patient: hre.ethers.ZeroAddress, providerOrg: 6, serviceDate: 1, codes: ["CPT:1"], amount: 5n };
      expect(claimFingerprint(KEY, facts)).to.equal(claimFingerprint(KEY, { ...facts }));
      expect(claimFingerprint(KEY, facts)).to.not.equal(claimFingerprint(`0x${"03".repeat(32)}`, facts));
      expect(claimFingerprint(KEY, facts)).to.not.equal(claimFingerprint(KEY, { ...facts, amount: 6n }));
      expect(() => claimFingerprint("0x12", facts)).to.throw(/32 bytes/);
    });

    it("requires a consent scope of either categories or record ids", function () {
      const base = {
        patient: hre.ethers.ZeroAddress,
        granteeOrg: 1,
        actions: ["access"] as const,
        purposes: ["treatment"] as const,
        validFrom: 0,
        validUntil: 1,
      };
      expect(() => consentTerms({ ...base, actions: [...base.actions], purposes: [...base.purposes] })).to.throw(
        /either categories or record ids/,
      );
      const t = consentTerms({ ...base, actions: ["access"], purposes: ["treatment"], recordIds: [7n] });
      expect([t.scopeKind, t.scope]).to.deep.equal([1, [hre.ethers.zeroPadValue("0x07", 32)]]);
      expect(money(123456n)).to.equal("1234.56");
      expect(money(5n)).to.equal("0.05");
    });
  });

  describe("tasks", function () {
    it("grants, accesses, audits, revokes, claims and reports through the tasks", async function () {
      const { records, insurance, actors, orgIds, report, paymentConsent, policyId } =
        await loadFixture(deployMedicalWorldFixture);
      const r = await records.getAddress();
      const i = await insurance.getAddress();
      const log = console.log;
      const lines: string[] = [];
      console.log = (...a: unknown[]) => lines.push(a.join(" "));
      let trail: Awaited<ReturnType<typeof auditTrail>> = [];
      try {
        await withIndexerUrl({ medicalRecords: records, healthInsurance: insurance }, async () => {
          await hre.run("medical:grant", {
            from: "patient1",
            granteeOrg: orgIds.hospital,
            actions: "access",
            purposes: "treatment,research",
            categories: "DiagnosticReport",
            days: 5,
            address: r,
          });
          await hre.run("medical:access", {
            from: "hospital",
            record: report.recordId,
            consent: 3n,
            action: "access",
            purpose: "research",
            address: r,
          });
          await hre.run("medical:access", {
            from: "hospital",
            record: report.recordId,
            consent: 3n,
            action: "access",
            purpose: "payment",
            address: r,
          });
          await hre.run("medical:revoke", { from: "patient1", consent: 3n, address: r });
          await hre.run("medical:audit", { patient: "patient1" });
          const latest = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
          await hre.run("insurance:claim", {
            from: "hospital",
            policy: policyId,
            records: report.contentHash,
            amount: 30_000n,
            serviceDate: String(latest),
            codes: "CPT:99213",
            consent: paymentConsent,
            key: KEY,
            address: i,
          });
          await hre.run("insurance:status", { claim: 1n, policy: policyId, address: i });
          // The claim disclosed the record to the insurer: that disclosure is in the patient's audit trail too.
          trail = await auditTrail(await cliHistory(hre), actors.patient1.address);
        });
      } finally {
        console.log = log;
      }
      const out = lines.join("\n");
      expect(out).to.match(/consent 3 granted/);
      expect(out).to.match(/GRANTED \(Permit\); audit record 1/);
      expect(out).to.match(/DENIED \(PurposeNotPermitted\); audit record 2/);
      expect(out).to.match(/consent 3 revoked/);
      expect(out).to.match(/2 attempts/);
      expect((await claimView(insurance, 1n)).status).to.equal("Paid");
      expect(trail.length).to.equal(3);
      expect([trail[2].accessorOrg, trail[2].action, trail[2].purpose, trail[2].decision]).to.deep.equal([
        orgIds.insurer,
        "disclose",
        "payment",
        "Permit",
      ]);
    });

    it("refuses task input that does not parse", async function () {
      const { records, insurance } = await loadFixture(deployMedicalWorldFixture);
      const r = await records.getAddress();
      await expect(
        hre.run("medical:grant", {
          from: "patient1",
          granteeOrg: 1,
          actions: "read",
          purposes: "treatment",
          categories: "Observation",
          days: 1,
          address: r,
        }),
      ).to.be.rejectedWith(/--actions read: one of access, disclose/);
      await expect(hre.run("insurance:status", { address: await insurance.getAddress() })).to.be.rejectedWith(
        /pass --claim or --policy/,
      );
    });

    it("names the custom error of a refused call", async function () {
      const { insurance, actors } = await loadFixture(deployMedicalWorldFixture);
      try {
        await insurance.connect(actors.outsider).fundPool(1);
        expect.fail("fundPool by an outsider was accepted");
      } catch (err) {
        expect(revertReason(insurance.interface, err)).to.equal(`AccessMissingRole(${actors.outsider.address}, 5)`);
      }
      expect(revertReason(insurance.interface, new Error("plain"))).to.equal("plain");
    });
  });
});
