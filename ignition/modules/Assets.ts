import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The tokenized-assets system: registry (deploys one share token per asset), offering and market, bound together
 * once by the deployer. Parameter: `consortium` (the Consortium address).
 */
export default buildModule("Assets", (m) => {
  const consortium = m.getParameter<string>("consortium");
  const assetRegistry = m.contract("AssetRegistry", [consortium]);
  const assetOffering = m.contract("AssetOffering", [consortium, assetRegistry]);
  const assetMarket = m.contract("AssetMarket", [consortium, assetRegistry]);
  m.call(assetRegistry, "initialise", [assetOffering, assetMarket]);
  return { assetRegistry, assetOffering, assetMarket };
});
