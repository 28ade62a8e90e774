import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The supply-chain contract on its own, against an existing consortium (parameter `consortium`). The full system
 * module (CityChain) deploys it as `CityChain#SupplyChain` next to the consortium.
 */
export default buildModule("SupplyChainModule", (m) => {
  const supplyChain = m.contract("SupplyChain", [m.getParameter<string>("consortium")]);
  return { supplyChain };
});
