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
    "anchor(bytes32[])": {
      exempt:
        "records only the caller organisation's own assertion (keyed by its org id): another member anchoring the " +
        "same hash writes its own record and leaves this organisation's empty (no first-anchor-wins)",
    },
  },
};
