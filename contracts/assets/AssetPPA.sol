// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {ReentrancyGuardUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardUpgradeable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ConsortiumGated} from "../consortium/ConsortiumGated.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {IAssetPPA} from "../interfaces/IAssetPPA.sol";
import {IAssetRegistry} from "../interfaces/IAssetRegistry.sol";
import {IAssetShareToken} from "../interfaces/IAssetShareToken.sol";
import {IDeviceRegistry} from "../interfaces/IDeviceRegistry.sol";
import {DeviceKinds} from "../libraries/DeviceKinds.sol";
import {Roles} from "../libraries/Roles.sol";

/**
 * @title AssetPPA
 * @notice Power purchase agreements that settle from the plant's own meter (see IAssetPPA).
 * @dev Register rules: every reading of a batch is at least the previous one (else the batch is refused); a
 * step larger than the plant's capacity can produce in its time raises an alarm and holds the whole batch for a
 * regulator's review (the register still advances, so the same energy is never billed twice). Value is
 * `energyWh · tariff / 1000`, the sub-unit remainder (in thousandths) carried to the next settlement. The waterfall
 * fills arrears in order rent → O&M → investors; rent and O&M are rounded down, investors get the rest, and an
 * investors' part smaller than the share supply is carried as dust until it reaches one unit per share.
 */
contract AssetPPA is ConsortiumGated, EIP712Upgradeable, ReentrancyGuardUpgradeable, IAssetPPA {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice Most readings in one batch.
    uint256 public constant MAX_READINGS = 1024;
    /// @notice How far (seconds) a reading may lie in the future (device clock drift).
    uint256 public constant MAX_CLOCK_SKEW = 120;

    bytes32 private constant BATCH_TYPEHASH =
        keccak256(
            "MeterBatch(address device,uint256 assetId,uint64 sequence,uint64 startTime,uint32 interval,bytes registers)"
        );

    /// @dev What the contract needs of the asset, cached at acceptance (one slot).
    struct Bound {
        address shareToken;
        uint32 operatorOrg;
        uint32 version;
    }

    /// @dev A pending proposal.
    struct Pending {
        bytes32 termsHash;
        uint32 proposerOrg;
        bool byOperator;
    }

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IAssetRegistry private immutable _registry;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IDeviceRegistry private immutable _devices;

    /// @custom:storage-location erc7201:citychain.storage.AssetPPA
    struct AssetPPAStorage {
        mapping(uint256 assetId => Terms) terms;
        mapping(uint256 assetId => Bound) bound;
        mapping(uint256 assetId => Pending) pending;
        mapping(uint256 assetId => Account) accounts;
        mapping(uint256 heldId => Held) held;
        uint256 heldCount;
        mapping(address paymentToken => mapping(uint32 orgId => uint256)) credits;
    }

    // keccak256(abi.encode(uint256(keccak256("citychain.storage.AssetPPA")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ASSET_P_P_A_STORAGE = 0xb2550c0d1694b1ae26c37c33ce8892c23fa52b8b35c9db5d587ea6cef29b5000;

    /// @param consortium_ The consortium.
    /// @param registry_ The asset registry.
    /// @param devices_ The IoT device registry.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortium consortium_,
        IAssetRegistry registry_,
        IDeviceRegistry devices_
    ) ConsortiumGated(consortium_) {
        _registry = registry_;
        _devices = devices_;
    }

    /// @notice Sets up the EIP-712 domain (same name and version as before, so device signatures stay valid) and the
    /// reentrancy guard; runs once, in the proxy's constructor.
    function initialize() external initializer {
        __EIP712_init("CityChain AssetPPA", "1");
        __ReentrancyGuard_init();
    }

    // ---------------------------------------------------------------- agreement

    /// @inheritdoc IAssetPPA
    function propose(uint256 assetId, Terms calldata t) external whenNotPaused returns (bytes32 termsHash) {
        AssetPPAStorage storage $ = _assetPPAStorage();
        IAssetRegistry.Asset memory a = _solar(assetId);
        _checkTerms(assetId, t);
        uint32 operatorOrg = _roleOrg(Roles.ASSET_OPERATOR, msg.sender);
        bool byOperator = operatorOrg != 0 && operatorOrg == a.operatorOrg;
        uint32 proposerOrg = byOperator ? operatorOrg : _roleOrg(Roles.GRID_OPERATOR, msg.sender);
        if (!byOperator && (proposerOrg == 0 || proposerOrg != t.gridOrg)) revert PpaNotParty(assetId, msg.sender);
        termsHash = keccak256(abi.encode(t));
        $.pending[assetId] = Pending(termsHash, proposerOrg, byOperator);
        emit PpaProposed(assetId, proposerOrg, termsHash, t);
    }

    /// @inheritdoc IAssetPPA
    function accept(uint256 assetId, Terms calldata t) external whenNotPaused {
        AssetPPAStorage storage $ = _assetPPAStorage();
        IAssetRegistry.Asset memory a = _solar(assetId);
        Pending memory p = $.pending[assetId];
        bytes32 termsHash = keccak256(abi.encode(t));
        if (p.termsHash == bytes32(0) || p.termsHash != termsHash) revert PpaNotProposed(assetId, termsHash);
        // The other party: the grid operator accepts the operator's proposal and the other way round.
        uint32 acceptorOrg = p.byOperator
            ? _roleOrg(Roles.GRID_OPERATOR, msg.sender)
            : _roleOrg(Roles.ASSET_OPERATOR, msg.sender);
        uint32 expected = p.byOperator ? t.gridOrg : a.operatorOrg;
        if (acceptorOrg == 0 || acceptorOrg != expected) revert PpaNotParty(assetId, msg.sender);
        // Re-checked: bindings, roles or the register may have changed since the proposal.
        _checkTerms(assetId, t);
        delete $.pending[assetId];
        Account storage acc = $.accounts[assetId];
        if (t.meter != $.terms[assetId].meter) {
            // A new meter counts from its opening register, from now on: nothing before is billed twice.
            acc.register = t.openingRegister;
            if (acc.lastTime < block.timestamp) acc.lastTime = uint40(block.timestamp);
        }
        $.terms[assetId] = t;
        uint32 version = $.bound[assetId].version + 1;
        $.bound[assetId] = Bound(a.shareToken, a.operatorOrg, version);
        emit PpaAccepted(assetId, acceptorOrg, termsHash, version);
    }

    // ---------------------------------------------------------------- settlement

    /// @inheritdoc IAssetPPA
    function settle(MeterBatch calldata batch, bytes calldata signature) external whenNotPaused nonReentrant {
        AssetPPAStorage storage $ = _assetPPAStorage();
        uint256 assetId = batch.assetId;
        Terms storage t = $.terms[assetId];
        address meter = t.meter;
        if (meter == address(0)) revert PpaNoTerms(assetId);
        if (batch.device != meter) revert PpaWrongMeter(assetId, batch.device);
        Account memory a = $.accounts[assetId];
        if (batch.sequence <= a.sequence) revert PpaStaleSequence(assetId, batch.sequence, a.sequence);
        if (batch.startTime <= a.lastTime) revert PpaAlreadySettled(assetId, batch.startTime, a.lastTime);
        (uint64 last, uint64 toTime, bool over) = _scan(batch, a, t.capacityW, t.period);
        _checkMeter(batch, signature, meter);

        // last >= a.register: `_scan` refused any backward step.
        uint64 energy = last - a.register;
        uint40 fromTime = a.lastTime;
        a.register = last;
        a.lastTime = uint40(toTime);
        a.sequence = batch.sequence;
        if (over) {
            uint256 heldId = ++$.heldCount;
            $.held[heldId] = Held(assetId, energy, fromTime, uint40(toTime), false);
            $.accounts[assetId] = a;
            emit PpaMeterAlarm(assetId, heldId, meter, energy, _maxWh(t.capacityW, toTime - fromTime).toUint64());
            return;
        }
        uint256 value = _bill(t, a, energy);
        emit PpaSettled(assetId, a.settlements, meter, fromTime, toTime, last, energy, value);
        _collect(assetId, t, a);
    }

    /// @inheritdoc IAssetPPA
    function collect(uint256 assetId) external whenNotPaused nonReentrant {
        AssetPPAStorage storage $ = _assetPPAStorage();
        Terms storage t = $.terms[assetId];
        if (t.meter == address(0)) revert PpaNoTerms(assetId);
        Account memory a = $.accounts[assetId];
        // _collect returns the amount pulled: zero means nothing was owed or the grid could pay nothing.
        // slither-disable-next-line incorrect-equality
        if (_collect(assetId, t, a) == 0) revert PpaNothingToCollect(assetId);
    }

    /// @inheritdoc IAssetPPA
    function reviewHeld(uint256 heldId, uint64 acceptedWh) external whenNotPaused nonReentrant {
        AssetPPAStorage storage $ = _assetPPAStorage();
        if (_roleOrg(Roles.REGULATOR, msg.sender) == 0) revert PpaNotRegulator(msg.sender);
        Held storage h = $.held[heldId];
        if (h.assetId == 0 || h.resolved || acceptedWh > h.energyWh) revert PpaInvalidReview(heldId, acceptedWh);
        h.resolved = true;
        uint256 assetId = h.assetId;
        emit PpaHeldReviewed(heldId, assetId, acceptedWh, msg.sender);
        if (acceptedWh == 0) return;
        Terms storage t = $.terms[assetId];
        Account memory a = $.accounts[assetId];
        uint256 value = _bill(t, a, acceptedWh);
        emit PpaSettled(assetId, a.settlements, t.meter, h.fromTime, h.toTime, a.register, acceptedWh, value);
        _collect(assetId, t, a);
    }

    // ---------------------------------------------------------------- credits

    /// @inheritdoc IAssetPPA
    function withdraw(address paymentToken, uint32 orgId) external nonReentrant {
        AssetPPAStorage storage $ = _assetPPAStorage();
        IConsortium c = consortium();
        if (orgId == 0 || c.memberOf(msg.sender) != orgId) revert PpaNotOrgAccount(orgId, msg.sender);
        if (c.member(orgId).status != IConsortium.Status.Active) revert PpaOrgInactive(orgId);
        uint256 amount = $.credits[paymentToken][orgId];
        if (amount == 0) revert PpaNoCredit(paymentToken, orgId);
        $.credits[paymentToken][orgId] = 0;
        emit PpaCreditWithdrawn(paymentToken, orgId, msg.sender, amount);
        IERC20(paymentToken).safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IAssetPPA
    function redirectCredit(address paymentToken, uint32 fromOrg, uint32 toOrg) external whenNotPaused {
        AssetPPAStorage storage $ = _assetPPAStorage();
        if (_roleOrg(Roles.REGULATOR, msg.sender) == 0) revert PpaNotRegulator(msg.sender);
        if (toOrg == 0 || toOrg == fromOrg || consortium().member(toOrg).status != IConsortium.Status.Active) {
            revert PpaOrgInactive(toOrg);
        }
        uint256 amount = $.credits[paymentToken][fromOrg];
        if (amount == 0) revert PpaNoCredit(paymentToken, fromOrg);
        $.credits[paymentToken][fromOrg] = 0;
        $.credits[paymentToken][toOrg] += amount;
        emit PpaCreditRedirected(paymentToken, fromOrg, toOrg, amount, msg.sender);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IAssetPPA
    function terms(uint256 assetId) external view returns (Terms memory) {
        AssetPPAStorage storage $ = _assetPPAStorage();
        return $.terms[assetId];
    }

    /// @inheritdoc IAssetPPA
    function account(uint256 assetId) external view returns (Account memory) {
        AssetPPAStorage storage $ = _assetPPAStorage();
        return $.accounts[assetId];
    }

    /// @inheritdoc IAssetPPA
    function arrears(uint256 assetId) external view returns (uint256) {
        AssetPPAStorage storage $ = _assetPPAStorage();
        Account storage a = $.accounts[assetId];
        return uint256(a.rentOwed) + a.omOwed + a.investorsOwed;
    }

    /// @inheritdoc IAssetPPA
    function held(uint256 heldId) external view returns (Held memory) {
        AssetPPAStorage storage $ = _assetPPAStorage();
        return $.held[heldId];
    }

    /// @inheritdoc IAssetPPA
    function credit(address paymentToken, uint32 orgId) external view returns (uint256) {
        AssetPPAStorage storage $ = _assetPPAStorage();
        return $.credits[paymentToken][orgId];
    }

    /// @inheritdoc IAssetPPA
    function batchDigest(MeterBatch calldata batch) external view returns (bytes32) {
        return _digest(batch);
    }

    /// @notice The pending proposal's hash and proposer organisation.
    /// @param assetId The asset.
    /// @return termsHash The hash (zero: none).
    /// @return proposerOrg The proposing organisation.
    function pending(uint256 assetId) external view returns (bytes32 termsHash, uint32 proposerOrg) {
        AssetPPAStorage storage $ = _assetPPAStorage();
        Pending storage p = $.pending[assetId];
        return (p.termsHash, p.proposerOrg);
    }

    // ---------------------------------------------------------------- internals

    /// @dev A solar asset in construction or operation.
    function _solar(uint256 assetId) private view returns (IAssetRegistry.Asset memory a) {
        a = _registry.asset(assetId);
        if (
            a.kind != IAssetRegistry.Kind.Solar ||
            (a.status != IAssetRegistry.Status.Construction && a.status != IAssetRegistry.Status.Operating)
        ) revert PpaAssetNotSolar(assetId);
    }

    /// @dev Reasons: 1 meter, 2 token or payer, 3 tariff, 4 capacity, 5 period, 6 split over 100 %, 7 grid org,
    /// 8 payer not the grid's, 9 rent without property org, 10 register of the same meter differs.
    function _checkTerms(uint256 assetId, Terms calldata t) private view {
        AssetPPAStorage storage $ = _assetPPAStorage();
        // 0 means "no reason": each check below sets one.
        // slither-disable-next-line uninitialized-local
        uint8 reason;
        if (t.meter == address(0) || !_isDeviceOf(assetId, t.meter)) reason = 1;
        else if (t.paymentToken == address(0) || t.payer == address(0)) reason = 2;
        else if (t.tariff == 0) reason = 3;
        else if (t.capacityW == 0) reason = 4;
        else if (t.period == 0) reason = 5;
        else if (
            uint256(t.rentPerKWh) * 10_000 + (uint256(t.rentBps) + t.omBps) * t.tariff > uint256(t.tariff) * 10_000
        ) reason = 6;
        else if (!consortium().memberHasRole(t.gridOrg, Roles.GRID_OPERATOR)) reason = 7;
        else if (_roleOrg(Roles.GRID_OPERATOR, t.payer) != t.gridOrg) reason = 8;
        else if (t.propertyOrg == 0 && (t.rentBps != 0 || t.rentPerKWh != 0)) reason = 9;
        else if (t.meter == $.terms[assetId].meter && t.openingRegister != $.accounts[assetId].register) reason = 10;
        if (reason != 0) revert PpaInvalidTerms(assetId, reason);
    }

    /// @dev The PPA's meter is bound to the asset, trusted by the IoT registry, and signed the batch.
    function _checkMeter(MeterBatch calldata batch, bytes calldata signature, address meter) private view {
        if (!_isDeviceOf(batch.assetId, meter)) revert PpaMeterNotBound(batch.assetId, meter);
        // Unused parts of the destructured returns: the device's owner organisation (the registry binding above is
        // the ownership check) and the recovery error's argument.
        // slither-disable-next-line unused-return
        (, uint8 kind, bool active) = _devices.deviceOf(meter);
        if (!active || kind != DeviceKinds.POWER_METER) revert PpaMeterNotTrusted(meter);
        // slither-disable-next-line unused-return
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(_digest(batch), signature);
        if (err != ECDSA.RecoverError.NoError || signer != meter) revert PpaBadSignature(meter);
    }

    /// @dev True when the device is one of the asset's metering devices (at most MAX_DEVICES: bounded).
    function _isDeviceOf(uint256 assetId, address device) private view returns (bool) {
        address[] memory devices = _registry.devicesOf(assetId);
        for (uint256 i = 0; i < devices.length; ++i) if (devices[i] == device) return true;
        return false;
    }

    /// @dev Checks the batch's shape and times, then walks its registers (see `_walk`).
    function _scan(
        MeterBatch calldata b,
        Account memory a,
        uint64 capacityW,
        uint32 period
    ) private view returns (uint64 last, uint64 toTime, bool over) {
        toTime = _end(b, period);
        (last, over) = _walk(
            b.assetId,
            b.registers,
            a.register,
            _maxWh(capacityW, b.startTime - a.lastTime),
            _maxWh(capacityW, b.interval)
        );
    }

    /// @dev Time of the batch's last reading; refuses empty, ragged, too long, zero-interval, longer-than-period
    /// or future batches.
    function _end(MeterBatch calldata b, uint32 period) private view returns (uint64) {
        uint256 len = b.registers.length;
        if (len == 0 || len % 8 != 0 || len / 8 > MAX_READINGS || b.interval == 0) {
            revert PpaMalformedBatch(b.assetId, len);
        }
        // len / 8 <= 1024 and interval < 2^32: the span fits easily.
        uint256 span = (len / 8 - 1) * b.interval;
        uint256 end = uint256(b.startTime) + span;
        if (span > period || end > block.timestamp + MAX_CLOCK_SKEW) revert PpaMalformedBatch(b.assetId, len);
        // end <= block.timestamp + skew fits uint64.
        return uint64(end);
    }

    /// @dev Refuses a backward step; flags a step beyond what the plant can produce (first step: since the last
    /// settled reading).
    function _walk(
        uint256 assetId,
        bytes calldata registers,
        uint256 prev,
        uint256 firstMax,
        uint256 stepMax
    ) private pure returns (uint64 last, bool over) {
        uint256 n = registers.length / 8;
        for (uint256 i = 0; i < n; ++i) {
            uint256 r;
            assembly ("memory-safe") {
                r := shr(192, calldataload(add(registers.offset, shl(3, i))))
            }
            if (r < prev) revert PpaRegisterBackwards(assetId, i, uint64(prev), uint64(r));
            // r >= prev, checked above.
            if (r - prev > (i == 0 ? firstMax : stepMax)) over = true;
            prev = r;
        }
        last = uint64(prev);
    }

    /// @dev Most energy (Wh) the plant can produce in `seconds`, rounded up.
    function _maxWh(uint256 capacityW, uint256 seconds_) private pure returns (uint256) {
        return (capacityW * seconds_ + 3599) / 3600;
    }

    /// @dev Adds the value of `energyWh` to what is owed (rent, O&M, investors); returns the value.
    function _bill(Terms storage t, Account memory a, uint256 energyWh) private view returns (uint256 value) {
        uint256 tariff = t.tariff;
        // energyWh < 2^64, tariff < 2^128: no overflow; valueCarry < 1000.
        uint256 milli = energyWh * tariff + a.valueCarry;
        value = milli / 1000;
        a.valueCarry = uint16(milli % 1000);
        // The split is taken from the whole-unit value the grid pays (the sub-unit remainder is carried to the next
        // settlement), so dividing first is the rule, not a precision loss.
        // slither-disable-next-line divide-before-multiply
        uint256 rent = (value * t.rentBps) / 10_000 + (energyWh * t.rentPerKWh) / 1000;
        if (rent > value) rent = value;
        // slither-disable-next-line divide-before-multiply
        uint256 om = (value * t.omBps) / 10_000;
        // rentBps + omBps + rentPerKWh/tariff <= 100 % (checked in the terms), so om <= value - rent up to
        // rounding; clamp anyway so the investors' part never underflows.
        if (om > value - rent) om = value - rent;
        // SafeCast called as a library: Slither 0.11.6 cannot build its IR for `(a + b).toUint128()`.
        a.rentOwed = SafeCast.toUint128(uint256(a.rentOwed) + rent);
        a.omOwed = SafeCast.toUint128(uint256(a.omOwed) + om);
        a.investorsOwed = SafeCast.toUint128(uint256(a.investorsOwed) + (value - rent - om));
        ++a.settlements;
    }

    /// @dev Pulls what is owed (up to the grid's allowance and balance) and runs the waterfall; writes `a`.
    function _collect(uint256 assetId, Terms storage t, Account memory a) private returns (uint256 paid) {
        AssetPPAStorage storage $ = _assetPPAStorage();
        address token = t.paymentToken;
        paid = _payable(IERC20(token), t.payer, a);
        uint256[3] memory parts = _split(a, paid);
        Bound memory bound = $.bound[assetId];
        uint256 deposit = _toHolders(a, parts[2], bound.shareToken);
        $.accounts[assetId] = a;
        if (parts[0] != 0) $.credits[token][t.propertyOrg] += parts[0];
        if (parts[1] != 0) $.credits[token][bound.operatorOrg] += parts[1];
        emit PpaWaterfall(
            assetId,
            paid,
            parts[0],
            parts[1],
            parts[2],
            a.dust,
            uint256(a.rentOwed) + a.omOwed + a.investorsOwed
        );
        // The payer is the grid operator's account in the terms both parties accepted (accept() checks it belongs to
        // the grid operator's organisation); it pre-approved this contract to pull what its energy is worth.
        // slither-disable-next-line arbitrary-send-erc20
        if (paid != 0) IERC20(token).safeTransferFrom(t.payer, address(this), paid);
        if (deposit != 0) {
            IERC20(token).safeTransfer(bound.shareToken, deposit);
            IAssetShareToken(bound.shareToken).depositFromOffering(token, deposit);
        }
    }

    /// @dev What can be pulled now: everything owed, bounded by the payer's allowance and balance.
    function _payable(IERC20 token, address payer, Account memory a) private view returns (uint256 paid) {
        paid = uint256(a.rentOwed) + a.omOwed + a.investorsOwed;
        if (paid == 0) return 0;
        uint256 allowed = token.allowance(payer, address(this));
        if (allowed < paid) paid = allowed;
        uint256 balance = token.balanceOf(payer);
        if (balance < paid) paid = balance;
    }

    /// @dev The waterfall: `paid` fills rent, then O&M, then investors, each at most what is owed to it.
    function _split(Account memory a, uint256 paid) private pure returns (uint256[3] memory parts) {
        uint256 rent = paid < a.rentOwed ? paid : a.rentOwed;
        uint256 rest = paid - rent;
        uint256 om = rest < a.omOwed ? rest : a.omOwed;
        // paid <= rentOwed + omOwed + investorsOwed, so each part is at most its uint128 bucket.
        uint256 investors = rest - om;
        a.rentOwed -= uint128(rent);
        a.omOwed -= uint128(om);
        a.investorsOwed -= uint128(investors);
        parts = [rent, om, investors];
    }

    /// @dev The amount to deposit for the holders now (0: carried as dust, less than one unit per share, or no share
    /// in issue yet: the investors' part is then held and paid with the first settlement after shares exist, so a
    /// plant without shareholders still settles and pays rent and O&M).
    function _toHolders(Account memory a, uint256 investors, address shareToken) private view returns (uint256) {
        uint256 total = investors + a.dust;
        uint256 supply = IERC20(shareToken).totalSupply();
        if (total != 0 && supply != 0 && total >= supply) {
            a.dust = 0;
            return total;
        }
        a.dust = total.toUint128();
        return 0;
    }

    function _digest(MeterBatch calldata b) private view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        BATCH_TYPEHASH,
                        b.device,
                        b.assetId,
                        b.sequence,
                        b.startTime,
                        b.interval,
                        keccak256(b.registers)
                    )
                )
            );
    }

    function _assetPPAStorage() private pure returns (AssetPPAStorage storage $) {
        assembly ("memory-safe") {
            $.slot := ASSET_P_P_A_STORAGE
        }
    }
}
