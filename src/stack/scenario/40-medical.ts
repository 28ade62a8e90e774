import type { MedicalRecords, SettlementToken } from "../../../typechain-types";
import { DemoChapter, requireCity, say } from "../../demo/context";
import { anchorRecord, breakGlass, deployMedical, deployPaymentToken } from "../../medical";

/** What the demo's medical chapter (src/demo/chapters/05-medical.ts) hands over. */
interface Medical {
  records: { summary: bigint; lab: bigint; scan: bigint };
}

/**
 * A break-glass access awaiting the regulator's review, for the console's alarm list (the demo reviews its own
 * within its chapter). In the demo, patient 1's consent let Corner Pharmacy read the discharge summary but not the
 * lab report; here the patient collapses at the pharmacy's counter and its clinician breaks the glass on that lab
 * report, authored by Northside Hospital. Alone (no demo chapters), the seed anchors a Northside record first.
 */
export const chapter: DemoChapter = {
  title: "Web app: a break-glass access awaiting review",
  async run(ctx) {
    const { hre, actors } = ctx;
    const city = requireCity(ctx);
    let records = ctx.system.medicalRecords as MedicalRecords | undefined;
    if (!records) {
      const token =
        (ctx.system.settlementToken as SettlementToken | undefined) ?? (await deployPaymentToken(hre, actors.deployer));
      const system = await deployMedical(hre, city.consortium, token, actors.deployer);
      records = system.records;
      ctx.system.medicalRecords = records;
      ctx.system.healthInsurance = system.insurance;
    }
    const medical = ctx.system.medical as Medical | undefined;
    const recordId =
      medical?.records.lab ??
      (
        await anchorRecord(records, actors.hospital, {
          patient: actors.patient1.address,
          document: "AES-GCM ciphertext of lab report #NS-2026-0413",
          location: "https://records.northside.example/docs/0413",
          category: "LabReport",
          authoredAt: (await hre.ethers.provider.getBlock("latest"))!.timestamp - 3600,
        })
      ).recordId;
    const glass = await breakGlass(records, actors.pharmacy, recordId, "ERTREAT");
    say(
      `Corner Pharmacy broke the glass on patient 1's lab report (record ${recordId}, authored by Northside ` +
        `Hospital; emergency ${glass.emergencyId}, pending review)`,
    );
    ctx.system.appEmergency = glass.emergencyId;
  },
};
