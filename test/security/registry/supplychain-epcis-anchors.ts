import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployEpcisAnchorsFixture } from "../../fixtures/epcis";
import type { OutsiderTarget } from "../outsiders";

/** EpcisAnchors: any active member organisation anchors EPCIS event hashes as its own assertion. */
export const target: OutsiderTarget = {
  contractName: "EpcisAnchors",
  async load() {
    const f = await loadFixture(deployEpcisAnchorsFixture);
    return { contract: f.anchors, outsider: f.actors.outsider, errorSources: [f.consortium] };
  },
  accessErrors: {
    EpcisAnchorsNotMember: 0, // anchor: the caller's account is bound to no member (checked before the list)
    AccessNotConsortium: 0, // unpauseDomain: only the consortium executing a vote
    AccessUpgradeNotVoted: 0, // upgradeToAndCall: only the consortium applying a voted upgrade
  },
  permissionless: {
    "initialize()":
      "Runs once, in the proxy's constructor (deployProxied / Ignition); any later call reverts InvalidInitialization.",
  },
};
