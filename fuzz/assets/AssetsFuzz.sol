// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AssetRegistry} from "../../contracts/assets/AssetRegistry.sol";
import {AssetOffering} from "../../contracts/assets/AssetOffering.sol";
import {AssetMarket} from "../../contracts/assets/AssetMarket.sol";
import {AssetShareToken} from "../../contracts/assets/AssetShareToken.sol";
import {IAssetRegistry} from "../../contracts/interfaces/IAssetRegistry.sol";
import {IAssetOffering} from "../../contracts/interfaces/IAssetOffering.sol";
import {SettlementToken} from "../../contracts/payments/SettlementToken.sol";
import {CityFuzz} from "../base/CityFuzz.sol";
import {HandlerBase} from "../base/FuzzBase.sol";
import {IConsortium} from "../../contracts/interfaces/IConsortium.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";

/**
 * @title AssetsFuzz
 * @notice Shared set-up of the assets suites: the consortium, two payment tokens (cEUR, USDC) minted to the
 * investors, the grid operator and the asset operator, the registry/offering/market system, and one registered
 * solar asset. `_fund()` runs a successful sale (investors 1..3 buy 1,000 / 600 / 400 shares) so the asset is in
 * Construction and revenue can be deposited.
 */
abstract contract AssetsFuzz is CityFuzz {
    uint128 internal constant PRICE = 100_00;
    uint256 internal constant CAP = 10_000;
    uint256 internal constant FUNDS = 1e15;

    SettlementToken internal ceur;
    SettlementToken internal usdc;
    AssetRegistry internal registry;
    AssetOffering internal offering;
    AssetMarket internal market;
    AssetShareToken internal token;
    uint256 internal assetId;
    address[] internal investors;

    function _deployAssets() internal {
        _formCity();
        ceur = new SettlementToken("City EUR", "cEUR", 2, address(this));
        usdc = new SettlementToken("USD Coin", "USDC", 6, address(this));
        // As deployed: registry, offering and market behind their UUPS proxies, every asset's share token a beacon
        // proxy of one beacon owned by the consortium (the invariants run against the proxies).
        registry = AssetRegistry(_proxy(address(new AssetRegistry(consortium))));
        offering = AssetOffering(_proxy(address(new AssetOffering(consortium, registry))));
        market = AssetMarket(_proxy(address(new AssetMarket(consortium, registry))));
        AssetShareToken tokenImpl = new AssetShareToken(
            consortium,
            address(registry),
            address(offering),
            address(market)
        );
        UpgradeableBeacon beacon = new UpgradeableBeacon(address(tokenImpl), address(consortium));
        registry.initialise(address(offering), address(market), address(beacon));
        investors.push(investor1);
        investors.push(investor2);
        investors.push(investor3);
        address[] memory payers = new address[](5);
        payers[0] = investor1;
        payers[1] = investor2;
        payers[2] = investor3;
        payers[3] = gridOperator;
        payers[4] = assetOperator;
        for (uint256 i = 0; i < payers.length; ++i) {
            ceur.mint(payers[i], FUNDS);
            usdc.mint(payers[i], FUNDS);
        }
        address[] memory tokens = new address[](2);
        tokens[0] = address(ceur);
        tokens[1] = address(usdc);
        uint32 gridOrg = consortium.memberOf(gridOperator);
        vm.prank(assetOperator);
        assetId = registry.register(
            IAssetRegistry.Registration({
                kind: IAssetRegistry.Kind.Solar,
                metadataHash: keccak256("Rooftop PV, Harbour school"),
                name: "Harbour Solar Shares",
                symbol: "HSOL",
                cap: CAP,
                paymentTokens: tokens,
                devices: new address[](0),
                gridOperatorOrg: gridOrg
            })
        );
        token = AssetShareToken(registry.asset(assetId).shareToken);
    }

    /// @dev An ERC-1967 proxy of `implementation` initialised in its constructor (`initialize()`), as the SDK deploys.
    function _proxy(address implementation) internal returns (address) {
        return address(new ERC1967Proxy(implementation, abi.encodeWithSignature("initialize()")));
    }

    /// @dev Terms of a sale of the fixture's asset paid in cEUR, starting now and running `duration`.
    function _terms(
        uint64 softCap,
        uint64 hardCap,
        uint64 duration
    ) internal view returns (IAssetOffering.Terms memory) {
        return
            IAssetOffering.Terms({
                assetId: assetId,
                paymentToken: address(ceur),
                price: PRICE,
                softCap: softCap,
                hardCap: hardCap,
                start: uint64(block.timestamp),
                deadline: uint64(block.timestamp) + duration,
                minPerInvestor: 1,
                maxPerInvestor: hardCap,
                beneficiaryOrg: 0,
                cosignerOrg: 0,
                milestoneBps: new uint16[](0)
            });
    }

    /// @dev A successful sale: investors 1..3 buy 1,000 / 600 / 400 shares; the asset enters Construction.
    function _fund() internal {
        vm.prank(assetOperator);
        uint256 id = offering.open(_terms(1_000, 5_000, 7 days));
        uint256[3] memory amounts = [uint256(1_000), 600, 400];
        for (uint256 i = 0; i < 3; ++i) {
            vm.prank(investors[i]);
            ceur.approve(address(offering), type(uint256).max);
            vm.prank(investors[i]);
            offering.buy(id, amounts[i], PRICE, block.timestamp);
        }
        vm.warp(block.timestamp + 7 days + 1);
        offering.finalise(id);
    }
}

/**
 * @title AgentHandlerBase
 * @notice What the assets handlers share to act as agents and as the consortium: pass a vote with every active
 * organisation (to remove a party or take a role away), in the middle of a campaign.
 */
abstract contract AgentHandlerBase is HandlerBase {
    IConsortium internal immutable _consortium;
    address[] internal _orgAccounts;

    constructor(IConsortium consortium_, address[] memory orgAccounts) {
        _consortium = consortium_;
        _orgAccounts = orgAccounts;
    }

    /// @dev Every active organisation votes yes until the proposal closes (bounded by the 12 founders).
    function _pass(uint256 proposalId) internal {
        for (uint256 i = 0; i < _orgAccounts.length; ++i) {
            if (_consortium.proposal(proposalId).state != IConsortium.ProposalState.Open) return;
            vm.prank(_orgAccounts[i]);
            try _consortium.vote(proposalId, true) {} catch {}
        }
    }

    /// @dev Proposed by the regulator (the first founder) and passed; false when the proposal is refused.
    function _remove(uint32 orgId) internal returns (bool) {
        vm.prank(_orgAccounts[0]);
        try _consortium.proposeStatus(orgId, IConsortium.ProposalKind.Remove) returns (uint256 id) {
            _pass(id);
            return _consortium.member(orgId).status == IConsortium.Status.Removed;
        } catch {
            return false;
        }
    }

    function _setRoles(uint32 orgId, uint16 roles) internal returns (bool) {
        vm.prank(_orgAccounts[0]);
        try _consortium.proposeRoles(orgId, roles) returns (uint256 id) {
            _pass(id);
            return _consortium.member(orgId).roles == roles;
        } catch {
            return false;
        }
    }
}
