// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// The proxies citychain deploys, compiled with the project so scripts, Ignition and tests have their artifacts:
// an ERC-1967 proxy in front of every domain contract (UUPS: the upgrade code is in the implementation), and one
// beacon that every asset's share-token proxy follows (owned by the consortium, so one vote upgrades them all).
// Imported only so that their artifacts are compiled:
// solhint-disable no-unused-import
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {BeaconProxy} from "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";
