import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployAssetsFixture } from "../../fixtures/assets";
import type { OutsiderTarget } from "../outsiders";

/** AssetRegistry: ASSET_OPERATOR organisations register and manage their assets; the offering reports funding. */
export const target: OutsiderTarget = {
  contractName: "AssetRegistry",
  async load() {
    const f = await loadFixture(deployAssetsFixture);
    const token = await f.ceur.getAddress();
    return {
      contract: f.registry,
      outsider: f.actors.outsider,
      errorSources: [f.consortium],
      overrides: {
        // the fixture's asset: the asset must exist before its operator is compared with the caller
        "setStatus(uint256,uint8)": [f.assetId, 0n],
        "setMetadata(uint256,bytes32)": [f.assetId, "0x" + "11".repeat(32)],
        "setDevices(uint256,address[])": [f.assetId, []],
        "addPaymentToken(uint256,address)": [f.assetId, token],
        "retirePaymentToken(uint256,address)": [f.assetId, token],
        "setGridOperator(uint256,uint32)": [f.assetId, 0n],
      },
    };
  },
  accessErrors: {
    AccessNotConsortium: 0, // unpauseDomain: only the consortium, executing a vote
    AccessUpgradeNotVoted: 0, // upgradeToAndCall: only the consortium, applying a voted upgrade
    AssetNotOperator: 1, // setStatus, setMetadata, setDevices, add/retirePaymentToken, setGridOperator: the operator
    AssetNotOffering: 0, // fundingSucceeded: only the bound offering contract
    AssetSystemNotReady: 0, // initialise, bindMetering: only the deployer, once
  },
  permissionless: {
    "initialize()":
      "Runs once, inside the proxy's constructor at deployment; afterwards it refuses everyone with InvalidInitialization (test/assets/upgrades.test.ts).",
  },
};
