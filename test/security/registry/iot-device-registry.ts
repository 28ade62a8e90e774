import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployPharmaFixture } from "../../fixtures/pharma";
import type { OutsiderTarget } from "../outsiders";

/** DeviceRegistry: DEVICE_MANAGER organisations register, suspend, transfer and revoke devices and set firmware. */
export const target: OutsiderTarget = {
  contractName: "DeviceRegistry",
  async load() {
    const f = await loadFixture(deployPharmaFixture);
    return { contract: f.registry, outsider: f.actors.outsider, errorSources: [f.consortium] };
  },
  accessErrors: {
    AccessNotConsortium: 0, // unpauseDomain: only the consortium executing a vote
    AccessUpgradeNotVoted: 0, // upgradeToAndCall: only the consortium applying a voted upgrade
  },
  permissionless: {
    "initialize()":
      "Runs once, in the proxy's constructor (deployProxied / Ignition); any later call reverts InvalidInitialization.",
    "submitBatch((address,uint64,uint64,address,bytes),bytes,(int16,int16,int16,int16,uint32))":
      "Gateways are untrusted relays: the batch must carry the active device's EIP-712 signature, a sequence above the last accepted one and readings after the last; a batch naming a sink can only be submitted by that sink.",
  },
};
