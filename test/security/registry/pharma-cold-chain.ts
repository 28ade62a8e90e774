import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployPharmaFixture, openFixtureShipment } from "../../fixtures/pharma";
import type { OutsiderTarget } from "../outsiders";

async function withShipmentFixture() {
  const f = await deployPharmaFixture();
  const shipmentId = await openFixtureShipment(f);
  return { ...f, shipmentId };
}

/**
 * ColdChain: a REGULATOR defines storage classes and releases/destroys quarantined lots, a MANUFACTURER registers
 * its drugs and opens shipments, the receiver (HOSPITAL or DISTRIBUTOR) accepts them. Probed with an open shipment.
 */
export const target: OutsiderTarget = {
  contractName: "ColdChain",
  async load() {
    const f = await loadFixture(withShipmentFixture);
    return {
      contract: f.coldChain,
      outsider: f.actors.outsider,
      errorSources: [f.consortium, f.sc, f.registry],
      overrides: { "receiveShipment(uint64,int16)": [f.shipmentId, 500n] },
    };
  },
  accessErrors: {
    AccessNotConsortium: 0, // unpauseDomain: only the consortium executing a vote
    AccessUpgradeNotVoted: 0, // upgradeToAndCall: only the consortium applying a voted upgrade
    ColdChainNotReceiver: { org: 1 }, // receiveShipment: names the caller's receiving organisation (none: 0)
  },
  permissionless: {
    "initialize()":
      "Runs once, in the proxy's constructor (deployProxied / Ignition); any later call reverts InvalidInitialization.",
    "submitReadings(uint64,(address,uint64,uint64,address,bytes),bytes)":
      "Any gateway relays a device-signed batch: the registry checks the device's EIP-712 signature, the strictly increasing sequence and that the batch names this contract as its sink; the relay cannot alter it.",
    "reportSequenceGap(uint64,address)":
      "Anyone may raise the alarm when a batch an assigned sensor anchored in the registry is missing from the shipment: it only quarantines, refused while the sequence is contiguous.",
    "reportSilence(uint64,address)":
      "Anyone may raise the alarm for a sensor of a monitored shipment that has been silent longer than its class's maximum gap: it only quarantines, refused while the sensor is not silent.",
  },
};
