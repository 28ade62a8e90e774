import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { textHash } from "../../../src/supplychain";
import { DeviceSimulator } from "../../../src/telemetry";
import { GTIN2, SSCC } from "../../fixtures/supplychain";
import { deployPharmaFixture, deviceWallet, openFixtureShipment, registerSensor } from "../../fixtures/pharma";
import type { WrongPartyTarget } from "../wrongparty";

/** The pharma fixture with shipment 1 (Acme → Northside, pallet SSCC, ColdLine's sensor A), Lumen's GTIN2, and a
 * sensor owned by Acme itself. */
async function shippedFixture() {
  const f = await deployPharmaFixture();
  const id = await openFixtureShipment(f);
  await f.sc.connect(f.actors.manufacturer2).registerProduct(GTIN2, textHash("Lumen vaccine"));
  const acmeSensor = new DeviceSimulator(deviceWallet(40), f.domain);
  await registerSensor(f.registry, f.actors.deviceManager, acmeSensor, f.orgIds.manufacturer);
  return { ...f, id, acmeSensor };
}

/**
 * ColdChain: a drug belongs to its GTIN's manufacturer; a shipment's pallets to their custodian (the sender); a
 * sensor to its owner (a carrier approves it); a shipment's receipt to its named receiver. The REGULATOR decides on
 * any shipment by office; the alarms are permissionless.
 */
export const target: WrongPartyTarget = {
  contractName: "ColdChain",
  async load() {
    return (await loadFixture(shippedFixture)).coldChain;
  },
  functions: {
    "pauseDomain(string)": {
      exempt: "any REGULATOR stops the whole domain by office: no member-owned object (outsider gate checks the role)",
    },
    "unpauseDomain(uint256)": { exempt: "only the consortium, executing a vote (AccessNotConsortium for anyone else)" },
    "upgradeToAndCall(address,bytes)": {
      exempt: "only the consortium, applying a voted and delayed upgrade (AccessUpgradeNotVoted for anyone else)",
    },
    "initialize()": { exempt: "runs once, in the proxy's constructor; any later call reverts InvalidInitialization" },
    "defineStorageClass((int16,int16,int16,int16,uint32,uint32,bool),bytes32)": {
      exempt: "a REGULATOR defines a new city-wide storage class: no member-owned object",
    },
    "registerDrug(uint64,uint32)": {
      rule: "a GTIN of Lumen Foods; only its manufacturer registers it as a drug",
      async setup() {
        const f = await loadFixture(shippedFixture);
        return {
          contract: f.coldChain,
          consortium: f.consortium,
          caller: f.actors.manufacturer,
          role: "MANUFACTURER",
          args: [GTIN2, f.refrigerated],
          error: "ColdChainNotProductManufacturer",
          errorArgs: [GTIN2, f.orgIds.manufacturer],
        };
      },
    },
    "openShipment((uint32,uint32,uint64[],address[],bytes32))": {
      rule: "a pallet in Acme's custody; only its custodian ships it cold",
      async setup() {
        const f = await loadFixture(shippedFixture);
        return {
          contract: f.coldChain,
          consortium: f.consortium,
          caller: f.actors.distributor,
          role: "DISTRIBUTOR",
          args: [
            {
              receiver: f.orgIds.hospital,
              carrier: f.orgIds.carrier,
              pallets: [SSCC],
              devices: [f.sensorB.address],
              referenceHash: textHash("squat"),
            },
          ],
          error: "ColdChainPalletNotHeld",
          errorArgs: [SSCC, f.orgIds.distributor],
        };
      },
    },
    "approveSensor(address,uint32)": {
      rule: "a sensor Acme owns; only its owner approves it for a sender",
      async setup() {
        const f = await loadFixture(shippedFixture);
        return {
          contract: f.coldChain,
          consortium: f.consortium,
          caller: f.actors.carrier,
          role: "CARRIER",
          args: [f.acmeSensor.address, f.orgIds.distributor],
          error: "ColdChainNotDeviceOwner",
          errorArgs: [f.acmeSensor.address, f.orgIds.carrier],
        };
      },
    },
    "receiveShipment(uint64,int16)": {
      rule: "a shipment to Northside Hospital; only the named receiver receives it",
      async setup() {
        const f = await loadFixture(shippedFixture);
        return {
          contract: f.coldChain,
          consortium: f.consortium,
          caller: f.actors.pharmacy,
          role: "HOSPITAL",
          args: [f.id, 500],
          error: "ColdChainNotReceiver",
          errorArgs: [f.id, f.orgIds.pharmacy],
        };
      },
    },
    "submitReadings(uint64,(address,uint64,uint64,address,bytes),bytes)": {
      exempt: "permissionless relay: the device signature, the contiguous sequence and the sink are the authorisation",
    },
    "reportSilence(uint64,address)": { exempt: "permissionless watchdog: it only quarantines a silent shipment" },
    "reportSequenceGap(uint64,address)": {
      exempt: "permissionless watchdog: it only quarantines a shipment that lost a batch",
    },
    "quarantineShipment(uint64,bytes32)": { exempt: "a REGULATOR decides on any shipment by office" },
    "releaseShipment(uint64,bytes32)": { exempt: "a REGULATOR decides on any shipment by office" },
    "destroyShipment(uint64,bytes32)": { exempt: "a REGULATOR decides on any shipment by office" },
  },
};
