import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { Future } from "@nomicfoundation/ignition-core";
import { id } from "ethers";

/** A cold-chain storage class as the regulator defines it at deployment (centi-degrees Celsius, seconds). */
export interface StorageClassParameter {
  name: string;
  hardMin: number;
  hardMax: number;
  low: number;
  high: number;
  allowance: number;
  maxGap: number;
}

/**
 * The whole citychain system as one Ignition module: futures are named like their contracts
 * (`CityChain#Consortium`, …), which is how tasks and the web app find them. Parameters come from
 * src/deploy/parameters.ts (ignition/parameters/<network>.json).
 *
 * `regulator` is the account that grants the cold chain its guardian right on the supply chain (a REGULATOR
 * act, so it cannot be the deployer's); it is a literal because Ignition's `from` takes no parameter. The
 * default export (for `hardhat ignition` commands) uses the network's second account, the cast's regulator.
 * `storageClasses` are defined by the same regulator, in order (their ids are 1, 2, …).
 */
export function buildCityChain(regulator?: string, storageClasses: StorageClassParameter[] = []) {
  return buildModule("CityChain", (m) => {
    // The consortium behind its ERC-1967 proxy (UUPS), initialised in the proxy's constructor; members use the
    // proxy's address (`CityChain#Consortium`).
    const consortiumImpl = m.contract("Consortium", [], { id: "ConsortiumImpl" });
    const consortiumProxy = m.contract(
      "ERC1967Proxy",
      [
        consortiumImpl,
        m.encodeFunctionCall(consortiumImpl, "initialize", [
          m.getParameter("founders"),
          m.getParameter("quorumBps", 5001),
          m.getParameter("votingPeriod", 7 * 24 * 3600),
          m.getParameter("upgradeDelay", 2 * 24 * 3600),
        ]),
      ],
      { id: "ConsortiumProxy" },
    );
    const consortium = m.contractAt("Consortium", consortiumProxy, { id: "Consortium" });
    const settlementToken = m.contract("SettlementToken", [
      m.getParameter("tokenName", "City EUR"),
      m.getParameter("tokenSymbol", "cEUR"),
      m.getParameter("tokenDecimals", 2),
      m.getParameter("tokenIssuer"),
    ]);

    const supplyChainOversight = m.library("SupplyChainOversight");
    const supplyChainImpl = m.contract("SupplyChain", [consortium], {
      id: "SupplyChainImpl",
      libraries: { SupplyChainOversight: supplyChainOversight },
    });
    const supplyChainProxy = m.contract(
      "ERC1967Proxy",
      [supplyChainImpl, m.encodeFunctionCall(supplyChainImpl, "initialize", [])],
      { id: "SupplyChainProxy" },
    );
    const supplyChain = m.contractAt("SupplyChain", supplyChainProxy, { id: "SupplyChain" });
    // Device registry and cold chain behind ERC-1967 proxies (UUPS): `CityChain#DeviceRegistry` and
    // `CityChain#ColdChain` are the proxies; the cold chain's implementation is wired to the sibling proxies.
    // EPCIS 2.0 events other than shipments and receipts are anchored by the capturing organisation here (issue 19).
    const epcisAnchorsImpl = m.contract("EpcisAnchors", [consortium], { id: "EpcisAnchorsImpl" });
    const epcisAnchorsProxy = m.contract(
      "ERC1967Proxy",
      [epcisAnchorsImpl, m.encodeFunctionCall(epcisAnchorsImpl, "initialize", [])],
      { id: "EpcisAnchorsProxy" },
    );
    const epcisAnchors = m.contractAt("EpcisAnchors", epcisAnchorsProxy, { id: "EpcisAnchors" });
    const deviceRegistryImpl = m.contract("DeviceRegistry", [consortium], { id: "DeviceRegistryImpl" });
    const deviceRegistryProxy = m.contract(
      "ERC1967Proxy",
      [deviceRegistryImpl, m.encodeFunctionCall(deviceRegistryImpl, "initialize", [])],
      { id: "DeviceRegistryProxy" },
    );
    const deviceRegistry = m.contractAt("DeviceRegistry", deviceRegistryProxy, { id: "DeviceRegistry" });
    const coldChainImpl = m.contract("ColdChain", [consortium, deviceRegistry, supplyChain], { id: "ColdChainImpl" });
    const coldChainProxy = m.contract(
      "ERC1967Proxy",
      [coldChainImpl, m.encodeFunctionCall(coldChainImpl, "initialize", [])],
      { id: "ColdChainProxy" },
    );
    const coldChain = m.contractAt("ColdChain", coldChainProxy, { id: "ColdChain" });
    const asRegulator = regulator ?? m.getAccount(1);
    m.call(supplyChain, "setGuardian", [coldChain, true], { from: asRegulator });
    let previous: Future | undefined;
    storageClasses.forEach((c, i) => {
      const { name, ...limits } = c;
      previous = m.call(coldChain, "defineStorageClass", [{ ...limits, defined: true }, id(name)], {
        from: asRegulator,
        id: `defineStorageClass_${i + 1}`,
        after: previous ? [previous] : [],
      });
    });

    const medicalRecordsImpl = m.contract("MedicalRecords", [consortium], { id: "MedicalRecordsImpl" });
    const medicalRecordsProxy = m.contract(
      "ERC1967Proxy",
      [medicalRecordsImpl, m.encodeFunctionCall(medicalRecordsImpl, "initialize", [])],
      { id: "MedicalRecordsProxy" },
    );
    const medicalRecords = m.contractAt("MedicalRecords", medicalRecordsProxy, { id: "MedicalRecords" });
    const healthInsuranceImpl = m.contract("HealthInsurance", [consortium, medicalRecordsProxy, settlementToken], {
      id: "HealthInsuranceImpl",
    });
    const healthInsuranceProxy = m.contract(
      "ERC1967Proxy",
      [healthInsuranceImpl, m.encodeFunctionCall(healthInsuranceImpl, "initialize", [])],
      { id: "HealthInsuranceProxy" },
    );
    const healthInsurance = m.contractAt("HealthInsurance", healthInsuranceProxy, { id: "HealthInsurance" });
    // One-time binding by the deployer: the records contract audits disclosures through claims of this contract only.
    m.call(medicalRecords, "setClaimsProcessor", [healthInsurance]);

    const assetRegistryImpl = m.contract("AssetRegistry", [consortium], { id: "AssetRegistryImpl" });
    const assetRegistryProxy = m.contract(
      "ERC1967Proxy",
      [assetRegistryImpl, m.encodeFunctionCall(assetRegistryImpl, "initialize", [])],
      { id: "AssetRegistryProxy" },
    );
    const assetRegistry = m.contractAt("AssetRegistry", assetRegistryProxy, { id: "AssetRegistry" });
    const assetOfferingImpl = m.contract("AssetOffering", [consortium, assetRegistry], { id: "AssetOfferingImpl" });
    const assetOfferingProxy = m.contract(
      "ERC1967Proxy",
      [assetOfferingImpl, m.encodeFunctionCall(assetOfferingImpl, "initialize", [])],
      { id: "AssetOfferingProxy" },
    );
    const assetOffering = m.contractAt("AssetOffering", assetOfferingProxy, { id: "AssetOffering" });
    const assetMarketImpl = m.contract("AssetMarket", [consortium, assetRegistry], { id: "AssetMarketImpl" });
    const assetMarketProxy = m.contract(
      "ERC1967Proxy",
      [assetMarketImpl, m.encodeFunctionCall(assetMarketImpl, "initialize", [])],
      { id: "AssetMarketProxy" },
    );
    const assetMarket = m.contractAt("AssetMarket", assetMarketProxy, { id: "AssetMarket" });
    // Every asset's share token is a beacon proxy following this beacon, owned by the consortium (one vote upgrades
    // them all).
    const assetShareTokenImpl = m.contract("AssetShareToken", [consortium, assetRegistry, assetOffering, assetMarket], {
      id: "AssetShareTokenImpl",
    });
    const assetShareTokenBeacon = m.contract("UpgradeableBeacon", [assetShareTokenImpl, consortium], {
      id: "AssetShareTokenBeacon",
    });
    // One-time binding by the proxy's deployer: the registry only accepts its offering and market contracts.
    const initialised = m.call(assetRegistry, "initialise", [assetOffering, assetMarket, assetShareTokenBeacon]);
    // Metered revenue (issue 20): the solar PPA and the vending ledger read the device registry's trust and are
    // bound once, after initialise, as the registry's metered depositors.
    const assetPPAImpl = m.contract("AssetPPA", [consortium, assetRegistry, deviceRegistry], { id: "AssetPPAImpl" });
    const assetPPAProxy = m.contract(
      "ERC1967Proxy",
      [assetPPAImpl, m.encodeFunctionCall(assetPPAImpl, "initialize", [])],
      { id: "AssetPPAProxy" },
    );
    const assetPPA = m.contractAt("AssetPPA", assetPPAProxy, { id: "AssetPPA" });
    const assetVendingImpl = m.contract("AssetVending", [consortium, assetRegistry, deviceRegistry], {
      id: "AssetVendingImpl",
    });
    const assetVendingProxy = m.contract(
      "ERC1967Proxy",
      [assetVendingImpl, m.encodeFunctionCall(assetVendingImpl, "initialize", [])],
      { id: "AssetVendingProxy" },
    );
    const assetVending = m.contractAt("AssetVending", assetVendingProxy, { id: "AssetVending" });
    m.call(assetRegistry, "bindMetering", [assetPPA, assetVending], { after: [initialised] });

    return {
      consortium,
      settlementToken,
      supplyChain,
      epcisAnchors,
      deviceRegistry,
      coldChain,
      medicalRecords,
      healthInsurance,
      assetRegistry,
      assetOffering,
      assetMarket,
      assetShareTokenBeacon,
      assetPPA,
      assetVending,
    };
  });
}

export default buildCityChain();
