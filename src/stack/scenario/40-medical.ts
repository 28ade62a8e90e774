import type { MedicalRecords } from "../../../typechain-types";
import { DemoChapter, requireCity, say } from "../../demo/context";
import { anchorRecord, breakGlass, deployMedical, deployPaymentToken } from "../../medical";

/**
 * A break-glass access awaiting the regulator's review, for the console's alarm list: Northside Hospital's
 * emergency desk opens patient 1's record without consent. Reuses the demo's medical records when present.
 */
export const chapter: DemoChapter = {
  title: "Web app: a break-glass access awaiting review",
  async run(ctx) {
    const { hre, actors } = ctx;
    const city = requireCity(ctx);
    let records = ctx.system.medicalRecords as MedicalRecords | undefined;
    if (!records) {
      const token = await deployPaymentToken(hre, actors.deployer);
      const system = await deployMedical(hre, city.consortium, token, actors.deployer);
      records = system.records;
      ctx.system.medicalRecords = records;
      ctx.system.healthInsurance = system.insurance;
    }
    const now = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
    const record = await anchorRecord(records, actors.pharmacy, {
      patient: actors.patient1.address,
      document: "AES-GCM ciphertext of medication list #CP-2026-0042",
      location: "https://records.corner-pharmacy.example/docs/0042",
      category: "Observation",
      authoredAt: now - 3600,
    });
    const glass = await breakGlass(records, actors.hospital, record.recordId, "ERTREAT");
    say(
      `Northside Hospital broke the glass on patient 1's medication list (emergency ${glass.emergencyId}, pending review)`,
    );
  },
};
