import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The medical domain on an existing consortium: MedicalRecords (anchors, consent, audit, break-glass) and
 * HealthInsurance paying in the settlement token. Parameters: `consortium` and `paymentToken` addresses.
 */
export default buildModule("Medical", (m) => {
  const consortium = m.getParameter<string>("consortium");
  const paymentToken = m.getParameter<string>("paymentToken");
  const medicalRecords = m.contract("MedicalRecords", [consortium]);
  const healthInsurance = m.contract("HealthInsurance", [consortium, medicalRecords, paymentToken]);
  return { medicalRecords, healthInsurance };
});
