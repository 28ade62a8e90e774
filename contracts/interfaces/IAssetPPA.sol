// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title IAssetPPA
 * @notice Power purchase agreements of solar assets: the asset's operator and its grid operator agree the terms
 * (two transactions, every term in an event), the plant's POWER_METER signs its cumulative energy register
 * (EIP-712, the device key of the IoT registry, any relayer pays the gas), and each settlement pulls what the
 * energy is worth from the grid's allowance and splits it in one transaction: property rent, O&M fee (both pull
 * credits of the organisations), the rest to the share token's holders. Unpaid amounts become visible arrears,
 * paid first when funds arrive.
 */
interface IAssetPPA {
    /// @notice The terms both parties agree.
    /// @param meter The POWER_METER device (bound to the asset in the asset registry) whose register settles.
    /// @param paymentToken The accepted payment token the grid pays in.
    /// @param payer The grid operator's account whose allowance (to this contract) is pulled.
    /// @param gridOrg The GRID_OPERATOR organisation that buys the energy.
    /// @param propertyOrg The organisation whose roof or land carries the plant (rent receiver; 0: no rent).
    /// @param period Longest span (seconds) one settlement may cover.
    /// @param capacityW Plant capacity (W): the most energy the plant can produce is capacityW · hours.
    /// @param tariff Payment-token units per kWh.
    /// @param rentPerKWh Rent in payment-token units per kWh (on top of `rentBps`).
    /// @param rentBps Rent as a share of each settlement's value (basis points).
    /// @param omBps The operator's O&M fee as a share of each settlement's value (basis points).
    /// @param openingRegister The meter's register (Wh) from which these terms count (a new meter's opening
    /// register; must equal the settled register when the meter stays the same).
    struct Terms {
        address meter;
        address paymentToken;
        address payer;
        uint32 gridOrg;
        uint32 propertyOrg;
        uint32 period;
        uint64 capacityW;
        uint128 tariff;
        uint128 rentPerKWh;
        uint16 rentBps;
        uint16 omBps;
        uint64 openingRegister;
    }

    /// @notice A device-signed batch of cumulative register readings at a fixed interval.
    /// @param device The meter (its key signs).
    /// @param assetId The asset.
    /// @param sequence Strictly increasing per asset.
    /// @param startTime Time of the first reading.
    /// @param interval Seconds between readings.
    /// @param registers Packed big-endian uint64 registers (Wh or payment-token units), 1..MAX_READINGS.
    struct MeterBatch {
        address device;
        uint256 assetId;
        uint64 sequence;
        uint64 startTime;
        uint32 interval;
        bytes registers;
    }

    /// @notice Register state and what is owed, per asset.
    struct Account {
        uint64 register;
        uint40 lastTime;
        uint64 sequence;
        uint16 valueCarry;
        uint32 settlements;
        uint128 rentOwed;
        uint128 omOwed;
        uint128 investorsOwed;
        uint128 dust;
    }

    /// @notice A settlement held for review (over-capacity register increase).
    struct Held {
        uint256 assetId;
        uint64 energyWh;
        uint40 fromTime;
        uint40 toTime;
        bool resolved;
    }

    /// @notice A party proposed terms (every term is in the event).
    event PpaProposed(uint256 indexed assetId, uint32 indexed proposerOrg, bytes32 termsHash, Terms terms);
    /// @notice The other party accepted the proposed terms: they are in force.
    event PpaAccepted(uint256 indexed assetId, uint32 indexed acceptorOrg, bytes32 termsHash, uint32 version);
    /// @notice A register batch was settled: energy valued, paid as far as the allowance reached, split.
    event PpaSettled(
        uint256 indexed assetId,
        uint32 indexed settlement,
        address indexed meter,
        uint64 fromTime,
        uint64 toTime,
        uint64 register,
        uint64 energyWh,
        uint256 value
    );
    /// @notice Money received from the grid went down the waterfall.
    event PpaWaterfall(
        uint256 indexed assetId,
        uint256 paid,
        uint256 rent,
        uint256 om,
        uint256 investors,
        uint256 dust,
        uint256 arrears
    );
    /// @notice A register increase beyond the plant's capacity: the period is held for review, nothing paid.
    event PpaMeterAlarm(
        uint256 indexed assetId,
        uint256 indexed heldId,
        address indexed meter,
        uint64 energyWh,
        uint64 maxWh
    );
    /// @notice A regulator reviewed a held period and accepted `acceptedWh` of it.
    event PpaHeldReviewed(uint256 indexed heldId, uint256 indexed assetId, uint64 acceptedWh, address indexed by);
    /// @notice An organisation withdrew its credit.
    event PpaCreditWithdrawn(address indexed paymentToken, uint32 indexed orgId, address indexed to, uint256 amount);
    /// @notice A regulator moved a (held) credit from one organisation to another.
    event PpaCreditRedirected(
        address indexed paymentToken,
        uint32 indexed fromOrg,
        uint32 indexed toOrg,
        uint256 amount,
        address by
    );

    /// @dev No terms are in force for the asset.
    error PpaNoTerms(uint256 assetId);
    /// @dev The caller is neither the asset's operator nor the named grid operator (or is the proposer itself).
    error PpaNotParty(uint256 assetId, address account);
    /// @dev The terms are malformed (zero addresses, tariff, capacity, period, or rent + O&M over 100 %).
    error PpaInvalidTerms(uint256 assetId, uint8 reason);
    /// @dev The accepted terms are not the pending proposal.
    error PpaNotProposed(uint256 assetId, bytes32 termsHash);
    /// @dev The asset is not a solar asset in construction or operation.
    error PpaAssetNotSolar(uint256 assetId);
    /// @dev The device is not the PPA's meter.
    error PpaWrongMeter(uint256 assetId, address device);
    /// @dev The meter is not bound to the asset in the asset registry.
    error PpaMeterNotBound(uint256 assetId, address device);
    /// @dev The meter is not an active, calibrated POWER_METER (revoked, suspended, uncalibrated, wrong kind).
    error PpaMeterNotTrusted(address device);
    /// @dev The signature is not the device's.
    error PpaBadSignature(address device);
    /// @dev The batch's sequence is not above the last one.
    error PpaStaleSequence(uint256 assetId, uint64 sequence, uint64 last);
    /// @dev The batch starts at or before the last settled reading (already settled).
    error PpaAlreadySettled(uint256 assetId, uint64 startTime, uint64 lastTime);
    /// @dev The batch is malformed (empty, ragged, too long, zero interval, longer than the period, in the future).
    error PpaMalformedBatch(uint256 assetId, uint256 length);
    /// @dev A register went backwards.
    error PpaRegisterBackwards(uint256 assetId, uint256 index, uint64 previous, uint64 register);
    /// @dev Nothing is owed or nothing could be pulled.
    error PpaNothingToCollect(uint256 assetId);
    /// @dev No such held period, or it is already reviewed, or more energy is accepted than was held.
    error PpaInvalidReview(uint256 heldId, uint64 acceptedWh);
    /// @dev The caller is not a regulator.
    error PpaNotRegulator(address account);
    /// @dev The caller is not an account of the organisation.
    error PpaNotOrgAccount(uint32 orgId, address account);
    /// @dev The organisation is not active (suspended or removed): its credit is held.
    error PpaOrgInactive(uint32 orgId);
    /// @dev No credit to withdraw or redirect.
    error PpaNoCredit(address paymentToken, uint32 orgId);

    /// @notice Propose terms for an asset (its operator or the terms' grid operator); the other party accepts.
    /// @param assetId The asset.
    /// @param terms The terms.
    /// @return termsHash The hash the other party accepts.
    function propose(uint256 assetId, Terms calldata terms) external returns (bytes32 termsHash);

    /// @notice Accept the pending proposal (the party that did not propose it).
    /// @param assetId The asset.
    /// @param terms The proposed terms (must hash to the pending proposal).
    function accept(uint256 assetId, Terms calldata terms) external;

    /// @notice Settle a meter's signed register batch (anyone, e.g. the relayer or a keeper).
    /// @param batch The batch.
    /// @param signature The meter's EIP-712 signature.
    function settle(MeterBatch calldata batch, bytes calldata signature) external;

    /// @notice Pull arrears from the grid's allowance now (anyone).
    /// @param assetId The asset.
    function collect(uint256 assetId) external;

    /// @notice Review a held period (REGULATOR): bill `acceptedWh` of it (0: reject).
    /// @param heldId The held period.
    /// @param acceptedWh Energy accepted.
    function reviewHeld(uint256 heldId, uint64 acceptedWh) external;

    /// @notice Withdraw an organisation's credit to the caller (an account of the active organisation).
    /// @param paymentToken The token.
    /// @param orgId The organisation.
    function withdraw(address paymentToken, uint32 orgId) external;

    /// @notice Move an organisation's credit to another active organisation (REGULATOR), e.g. when it was removed.
    /// @param paymentToken The token.
    /// @param fromOrg The organisation whose credit is held.
    /// @param toOrg The receiving organisation.
    function redirectCredit(address paymentToken, uint32 fromOrg, uint32 toOrg) external;

    /// @notice The terms in force (meter zero: none).
    /// @param assetId The asset.
    /// @return The terms.
    function terms(uint256 assetId) external view returns (Terms memory);

    /// @notice Register state and amounts owed.
    /// @param assetId The asset.
    /// @return The account.
    function account(uint256 assetId) external view returns (Account memory);

    /// @notice What the grid owes (arrears).
    /// @param assetId The asset.
    /// @return The amount.
    function arrears(uint256 assetId) external view returns (uint256);

    /// @notice A held period.
    /// @param heldId The id.
    /// @return The record.
    function held(uint256 heldId) external view returns (Held memory);

    /// @notice An organisation's credit.
    /// @param paymentToken The token.
    /// @param orgId The organisation.
    /// @return The amount.
    function credit(address paymentToken, uint32 orgId) external view returns (uint256);

    /// @notice The EIP-712 digest a meter signs.
    /// @param batch The batch.
    /// @return The digest.
    function batchDigest(MeterBatch calldata batch) external view returns (bytes32);
}
