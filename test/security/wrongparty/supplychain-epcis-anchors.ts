import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployEpcisAnchorsFixture } from "../../fixtures/epcis";
import type { WrongPartyTarget } from "../wrongparty";

/**
 * EpcisAnchors: an anchor is stored per (hash, organisation), always under the caller's own organisation, so no call
 * can act on another member's anchor. That org B's anchor is not org A's (anchoredAt(h, A) stays 0 when B anchors
 * h, and A still anchors h afterwards) is asserted in test/supplychain/EpcisAnchors.test.ts.
 */
export const target: WrongPartyTarget = {
  contractName: "EpcisAnchors",
  async load() {
    return (await loadFixture(deployEpcisAnchorsFixture)).anchors;
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
    "anchor(bytes32[])": {
      exempt:
        "records only the caller organisation's own assertion (keyed by its org id): another member anchoring the " +
        "same hash writes its own record and leaves this organisation's empty (no first-anchor-wins)",
    },
  },
};
