import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The device registry and the cold chain, given the consortium and supply-chain addresses. The lead wires them
 * into `CityChain` (futures `DeviceRegistry`, `ColdChain`). After deployment a REGULATOR account must call
 * `SupplyChain.setGuardian(coldChain, true)` so the cold chain may quarantine lots.
 */
export default buildModule("Pharma", (m) => {
  const consortium = m.getParameter<string>("consortium");
  const supplyChain = m.getParameter<string>("supplyChain");
  const deviceRegistry = m.contract("DeviceRegistry", [consortium]);
  const coldChain = m.contract("ColdChain", [consortium, deviceRegistry, supplyChain]);
  return { deviceRegistry, coldChain };
});
