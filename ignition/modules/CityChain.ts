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
    const consortium = m.contract("Consortium", [
      m.getParameter("founders"),
      m.getParameter("quorumBps", 5001),
      m.getParameter("votingPeriod", 7 * 24 * 3600),
    ]);
    const settlementToken = m.contract("SettlementToken", [
      m.getParameter("tokenName", "City EUR"),
      m.getParameter("tokenSymbol", "cEUR"),
      m.getParameter("tokenDecimals", 2),
      m.getParameter("tokenIssuer"),
    ]);

    const supplyChain = m.contract("SupplyChain", [consortium]);
    // EPCIS 2.0 events other than shipments and receipts are anchored by the capturing organisation here (issue 19).
    const epcisAnchors = m.contract("EpcisAnchors", [consortium]);
    const deviceRegistry = m.contract("DeviceRegistry", [consortium]);
    const coldChain = m.contract("ColdChain", [consortium, deviceRegistry, supplyChain]);
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

    const medicalRecords = m.contract("MedicalRecords", [consortium]);
    const healthInsurance = m.contract("HealthInsurance", [consortium, medicalRecords, settlementToken]);
    // One-time binding by the deployer: the records contract audits disclosures through claims of this contract only.
    m.call(medicalRecords, "setClaimsProcessor", [healthInsurance]);

    const assetRegistry = m.contract("AssetRegistry", [consortium]);
    const assetOffering = m.contract("AssetOffering", [consortium, assetRegistry]);
    const assetMarket = m.contract("AssetMarket", [consortium, assetRegistry]);
    // One-time binding by the deployer: the registry only accepts its offering and market contracts.
    const initialised = m.call(assetRegistry, "initialise", [assetOffering, assetMarket]);
    // Metered revenue (issue 20): the solar PPA and the vending ledger read the device registry's trust and are
    // bound once, after initialise, as the registry's metered depositors.
    const assetPPA = m.contract("AssetPPA", [consortium, assetRegistry, deviceRegistry]);
    const assetVending = m.contract("AssetVending", [consortium, assetRegistry, deviceRegistry]);
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
      assetPPA,
      assetVending,
    };
  });
}

export default buildCityChain();
