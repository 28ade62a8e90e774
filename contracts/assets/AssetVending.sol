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
import {IAssetVending} from "../interfaces/IAssetVending.sol";
import {IAssetRegistry} from "../interfaces/IAssetRegistry.sol";
import {IAssetShareToken} from "../interfaces/IAssetShareToken.sol";
import {IDeviceRegistry} from "../interfaces/IDeviceRegistry.sol";
import {DeviceKinds} from "../libraries/DeviceKinds.sol";
import {Roles} from "../libraries/Roles.sol";

/**
 * @title AssetVending
 * @notice Reconciles operators' deposits against controller-signed sales (see IAssetVending).
 * @dev Cumulative bookkeeping: `due` grows with every reconciled sales increase (minus the cost share, rounded
 * up in the holders' favour); the first batch that ends after the period closes sets `matured` to everything due
 * before it (what was reported in the closed period); the open arrear is `matured - paid` when positive.
 */
contract AssetVending is ConsortiumGated, EIP712Upgradeable, ReentrancyGuardUpgradeable, IAssetVending {
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

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IAssetRegistry private immutable _registry;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IDeviceRegistry private immutable _devices;

    /// @custom:storage-location erc7201:citychain.storage.AssetVending
    struct AssetVendingStorage {
        mapping(uint256 assetId => Terms) terms;
        mapping(uint256 assetId => bytes32) pending;
        mapping(uint256 assetId => Ledger) ledgers;
    }

    // keccak256(abi.encode(uint256(keccak256("citychain.storage.AssetVending")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ASSET_VENDING_STORAGE = 0x0ae1bd5c29478d06922b53eac0d9e5bb85dd36ff07c912f78a03a760d3b57f00;

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
        __EIP712_init("CityChain AssetVending", "1");
        __ReentrancyGuard_init();
    }

    /// @inheritdoc IAssetVending
    function propose(uint256 assetId, Terms calldata t) external whenNotPaused returns (bytes32 termsHash) {
        AssetVendingStorage storage $ = _assetVendingStorage();
        IAssetRegistry.Asset memory a = _registry.asset(assetId);
        if (_roleOrg(Roles.ASSET_OPERATOR, msg.sender) != a.operatorOrg) revert VendingNotParty(assetId, msg.sender);
        _checkTerms(assetId, a, t);
        termsHash = keccak256(abi.encode(t));
        $.pending[assetId] = termsHash;
        emit VendingProposed(assetId, termsHash, t);
    }

    /// @inheritdoc IAssetVending
    function accept(uint256 assetId, Terms calldata t) external whenNotPaused {
        AssetVendingStorage storage $ = _assetVendingStorage();
        if (_roleOrg(Roles.REGULATOR, msg.sender) == 0) revert VendingNotParty(assetId, msg.sender);
        bytes32 termsHash = keccak256(abi.encode(t));
        if (termsHash != $.pending[assetId] || termsHash == bytes32(0)) revert VendingNotProposed(assetId, termsHash);
        IAssetRegistry.Asset memory a = _registry.asset(assetId);
        _checkTerms(assetId, a, t);
        delete $.pending[assetId];
        Ledger storage book = $.ledgers[assetId];
        if (t.controller != $.terms[assetId].controller) {
            // A new controller counts from zero, from now on.
            book.counter = 0;
            if (book.lastTime < block.timestamp) book.lastTime = uint40(block.timestamp);
        }
        if (book.periodStart == 0) book.periodStart = uint40(block.timestamp);
        $.terms[assetId] = t;
        emit VendingAccepted(assetId, termsHash, msg.sender);
    }

    /// @inheritdoc IAssetVending
    function reconcile(IAssetPPA.MeterBatch calldata b, bytes calldata signature) external whenNotPaused {
        AssetVendingStorage storage $ = _assetVendingStorage();
        uint256 assetId = b.assetId;
        Terms memory t = $.terms[assetId];
        if (t.controller == address(0)) revert VendingNoTerms(assetId);
        _checkController(b, signature, t.controller);
        Ledger memory book = $.ledgers[assetId];
        if (b.sequence <= book.sequence || b.startTime <= book.lastTime) {
            revert VendingStaleBatch(assetId, b.sequence, b.startTime);
        }
        uint64 toTime = _end(b);
        uint64 last = _walk(assetId, b.registers, book.counter);
        // last >= book.counter (_walk refuses a backward step).
        uint256 sales = last - book.counter;
        // Holders' share, rounded up in their favour: sales · (1 - costShare).
        uint256 share = (sales * (10_000 - t.costShareBps) + 9_999) / 10_000;
        book.counter = last;
        book.lastTime = uint40(toTime);
        book.sequence = b.sequence;
        // false until the batch closes a period below.
        // slither-disable-next-line uninitialized-local
        bool closed;
        if (toTime >= uint256(book.periodStart) + t.period) {
            // The batch opens a new period: everything reported in the closed one must be deposited by now.
            book.matured = book.due;
            book.periodStart = uint40(toTime);
            closed = true;
        }
        // SafeCast called as a library: Slither 0.11.6 cannot build its IR for `(a + b).toUint128()`.
        book.due = SafeCast.toUint128(uint256(book.due) + share);
        $.ledgers[assetId] = book;
        uint256 open = book.matured > book.paid ? book.matured - book.paid : 0;
        emit VendingReconciled(assetId, b.sequence, last, sales, share, open);
        if (closed && open != 0) emit VendingArrearOpened(assetId, open);
    }

    /// @inheritdoc IAssetVending
    function deposit(uint256 assetId, uint256 amount) external whenNotPaused nonReentrant {
        AssetVendingStorage storage $ = _assetVendingStorage();
        Terms memory t = $.terms[assetId];
        if (t.controller == address(0)) revert VendingNoTerms(assetId);
        IAssetRegistry.Asset memory a = _registry.asset(assetId);
        if (_roleOrg(Roles.ASSET_OPERATOR, msg.sender) != a.operatorOrg) revert VendingNotParty(assetId, msg.sender);
        if (amount == 0) revert VendingInvalidDeposit(assetId, amount);
        Ledger storage book = $.ledgers[assetId];
        book.paid = SafeCast.toUint128(uint256(book.paid) + amount);
        uint256 total = amount + book.dust;
        // zero unless the deposit (with the carried dust) reaches one unit per share, below.
        // slither-disable-next-line uninitialized-local
        uint256 toHolders;
        uint256 supply = IERC20(a.shareToken).totalSupply();
        // With no share in issue the deposit is held and reaches the holders with the first deposit after shares exist.
        if (supply != 0 && total >= supply) {
            toHolders = total;
            book.dust = 0;
        } else {
            book.dust = total.toUint128();
        }
        uint256 open = book.matured > book.paid ? book.matured - book.paid : 0;
        emit VendingDeposited(assetId, msg.sender, amount, open);
        IERC20(t.paymentToken).safeTransferFrom(msg.sender, address(this), amount);
        if (toHolders != 0) {
            IERC20(t.paymentToken).safeTransfer(a.shareToken, toHolders);
            IAssetShareToken(a.shareToken).depositFromOffering(t.paymentToken, toHolders);
        }
    }

    /// @inheritdoc IAssetVending
    function terms(uint256 assetId) external view returns (Terms memory) {
        AssetVendingStorage storage $ = _assetVendingStorage();
        return $.terms[assetId];
    }

    /// @inheritdoc IAssetVending
    function ledger(uint256 assetId) external view returns (Ledger memory) {
        AssetVendingStorage storage $ = _assetVendingStorage();
        return $.ledgers[assetId];
    }

    /// @inheritdoc IAssetVending
    function arrears(uint256 assetId) external view returns (uint256) {
        AssetVendingStorage storage $ = _assetVendingStorage();
        Ledger storage book = $.ledgers[assetId];
        return book.matured > book.paid ? book.matured - book.paid : 0;
    }

    /// @inheritdoc IAssetVending
    function batchDigest(IAssetPPA.MeterBatch calldata b) external view returns (bytes32) {
        return _digest(b);
    }

    /// @dev Reasons: 1 asset kind/status, 2 controller not bound, 3 zero token, 4 zero period, 5 cost share > 100 %.
    function _checkTerms(uint256 assetId, IAssetRegistry.Asset memory a, Terms calldata t) private view {
        // 0 means "no reason": each check below sets one.
        // slither-disable-next-line uninitialized-local
        uint8 reason;
        if (
            (a.kind != IAssetRegistry.Kind.Vending && a.kind != IAssetRegistry.Kind.AdScreen) ||
            (a.status != IAssetRegistry.Status.Construction && a.status != IAssetRegistry.Status.Operating)
        ) reason = 1;
        else if (t.controller == address(0) || !_isDeviceOf(assetId, t.controller)) reason = 2;
        else if (t.paymentToken == address(0)) reason = 3;
        else if (t.period == 0) reason = 4;
        else if (t.costShareBps > 10_000) reason = 5;
        if (reason != 0) revert VendingInvalidTerms(assetId, reason);
    }

    function _checkController(
        IAssetPPA.MeterBatch calldata b,
        bytes calldata signature,
        address controller
    ) private view {
        if (b.device != controller) revert VendingWrongController(b.assetId, b.device);
        if (!_isDeviceOf(b.assetId, controller)) revert VendingControllerNotTrusted(controller);
        // Unused parts of the destructured returns: the device's owner organisation (the registry binding above is
        // the ownership check) and the recovery error's argument.
        // slither-disable-next-line unused-return
        (, uint8 kind, bool active) = _devices.deviceOf(controller);
        if (!active || kind != DeviceKinds.VENDING_CONTROLLER) revert VendingControllerNotTrusted(controller);
        // slither-disable-next-line unused-return
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(_digest(b), signature);
        if (err != ECDSA.RecoverError.NoError || signer != controller) revert VendingBadSignature(controller);
    }

    /// @dev True when the device is one of the asset's metering devices (at most MAX_DEVICES: bounded).
    function _isDeviceOf(uint256 assetId, address device) private view returns (bool) {
        address[] memory devices = _registry.devicesOf(assetId);
        for (uint256 i = 0; i < devices.length; ++i) if (devices[i] == device) return true;
        return false;
    }

    function _end(IAssetPPA.MeterBatch calldata b) private view returns (uint64) {
        uint256 len = b.registers.length;
        if (len == 0 || len % 8 != 0 || len / 8 > MAX_READINGS || b.interval == 0) {
            revert VendingMalformedBatch(b.assetId, len);
        }
        // len / 8 <= 1024 and interval < 2^32.
        uint256 end = uint256(b.startTime) + (len / 8 - 1) * b.interval;
        if (end > block.timestamp + MAX_CLOCK_SKEW) revert VendingMalformedBatch(b.assetId, len);
        return uint64(end);
    }

    function _walk(uint256 assetId, bytes calldata registers, uint256 prev) private pure returns (uint64) {
        uint256 n = registers.length / 8;
        for (uint256 i = 0; i < n; ++i) {
            uint256 r;
            assembly ("memory-safe") {
                r := shr(192, calldataload(add(registers.offset, shl(3, i))))
            }
            if (r < prev) revert VendingCounterBackwards(assetId, i, uint64(prev), uint64(r));
            prev = r;
        }
        return uint64(prev);
    }

    function _digest(IAssetPPA.MeterBatch calldata b) private view returns (bytes32) {
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

    function _assetVendingStorage() private pure returns (AssetVendingStorage storage $) {
        assembly ("memory-safe") {
            $.slot := ASSET_VENDING_STORAGE
        }
    }
}
