// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAssetPPA} from "./IAssetPPA.sol";

/**
 * @title IAssetVending
 * @notice Reported sales against deposits for vending machines and ad screens: the asset's VENDING_CONTROLLER
 * signs its cumulative sales counter (payment-token units, EIP-712, any relayer pays the gas); what the holders
 * are due is the sales increase minus the agreed cost share; the operator still collects the cash and deposits
 * it through this ledger. What was reported in a period and is not deposited when the period closes (at the first
 * batch past its end) is an open arrear, visible to investors, closed by deposits.
 */
interface IAssetVending {
    /// @notice Terms proposed by the asset's operator and accepted by a regulator.
    /// @param controller The VENDING_CONTROLLER device (bound to the asset) whose counter counts.
    /// @param paymentToken The token the counter and the deposits are in.
    /// @param costShareBps The operator's cost share of sales (basis points), kept out of the holders' due.
    /// @param period The settlement period (seconds).
    struct Terms {
        address controller;
        address paymentToken;
        uint16 costShareBps;
        uint32 period;
    }

    /// @notice Counter state and the reconciliation, per asset (cumulative amounts).
    struct Ledger {
        uint64 counter;
        uint40 lastTime;
        uint40 periodStart;
        uint64 sequence;
        uint128 due;
        uint128 matured;
        uint128 paid;
        uint128 dust;
    }

    /// @notice The operator proposed terms.
    event VendingProposed(uint256 indexed assetId, bytes32 termsHash, Terms terms);
    /// @notice A regulator accepted the terms.
    event VendingAccepted(uint256 indexed assetId, bytes32 termsHash, address indexed by);
    /// @notice A controller's batch was reconciled.
    event VendingReconciled(
        uint256 indexed assetId,
        uint64 indexed sequence,
        uint64 counter,
        uint256 sales,
        uint256 due,
        uint256 arrears
    );
    /// @notice A period closed with a shortfall: an open arrear.
    event VendingArrearOpened(uint256 indexed assetId, uint256 arrears);
    /// @notice The operator deposited sales revenue for the holders.
    event VendingDeposited(uint256 indexed assetId, address indexed by, uint256 amount, uint256 arrears);

    /// @dev No terms are in force.
    error VendingNoTerms(uint256 assetId);
    /// @dev The caller is not the asset's operator (propose, deposit) or not a regulator (accept).
    error VendingNotParty(uint256 assetId, address account);
    /// @dev Malformed terms (controller not bound, zero token or period, cost share over 100 %, asset kind).
    error VendingInvalidTerms(uint256 assetId, uint8 reason);
    /// @dev The accepted terms are not the pending proposal.
    error VendingNotProposed(uint256 assetId, bytes32 termsHash);
    /// @dev The device is not the asset's controller.
    error VendingWrongController(uint256 assetId, address device);
    /// @dev The controller is not bound, active, calibrated and of the VENDING_CONTROLLER kind.
    error VendingControllerNotTrusted(address device);
    /// @dev The signature is not the controller's.
    error VendingBadSignature(address device);
    /// @dev Sequence not increasing or batch at or before the last reconciled one.
    error VendingStaleBatch(uint256 assetId, uint64 sequence, uint64 startTime);
    /// @dev Empty, ragged, too long, zero interval or future batch.
    error VendingMalformedBatch(uint256 assetId, uint256 length);
    /// @dev A sales counter went backwards.
    error VendingCounterBackwards(uint256 assetId, uint256 index, uint64 previous, uint64 counter);
    /// @dev Zero deposit.
    error VendingInvalidDeposit(uint256 assetId, uint256 amount);

    /// @notice Propose terms (the asset's operator).
    /// @param assetId A vending or ad-screen asset.
    /// @param terms The terms.
    /// @return termsHash The hash a regulator accepts.
    function propose(uint256 assetId, Terms calldata terms) external returns (bytes32 termsHash);

    /// @notice Accept the pending proposal (REGULATOR).
    /// @param assetId The asset.
    /// @param terms The proposed terms.
    function accept(uint256 assetId, Terms calldata terms) external;

    /// @notice Reconcile a controller's signed sales batch (anyone, e.g. the relayer).
    /// @param batch The batch (registers: cumulative sales counters).
    /// @param signature The controller's EIP-712 signature.
    function reconcile(IAssetPPA.MeterBatch calldata batch, bytes calldata signature) external;

    /// @notice Deposit collected sales for the holders (the asset's operator); closes arrears first.
    /// @param assetId The asset.
    /// @param amount The amount.
    function deposit(uint256 assetId, uint256 amount) external;

    /// @notice The terms in force.
    /// @param assetId The asset.
    /// @return The terms.
    function terms(uint256 assetId) external view returns (Terms memory);

    /// @notice The reconciliation ledger.
    /// @param assetId The asset.
    /// @return The ledger.
    function ledger(uint256 assetId) external view returns (Ledger memory);

    /// @notice The open arrear: due by a closed period and not deposited.
    /// @param assetId The asset.
    /// @return The amount.
    function arrears(uint256 assetId) external view returns (uint256);

    /// @notice The EIP-712 digest a controller signs.
    /// @param batch The batch.
    /// @return The digest.
    function batchDigest(IAssetPPA.MeterBatch calldata batch) external view returns (bytes32);
}
