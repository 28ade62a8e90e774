// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Consortium} from "../../consortium/Consortium.sol";

/// @dev Test-only: the consortium's next version, with a new view and a new field in its own ERC-7201 namespace.
contract ConsortiumV2 is Consortium {
    /// @custom:storage-location erc7201:citychain.storage.ConsortiumV2
    struct ConsortiumV2Storage {
        bytes32 charterHash;
    }

    // keccak256(abi.encode(uint256(keccak256("citychain.storage.ConsortiumV2")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CONSORTIUM_V2_STORAGE = 0x24f4f0e7642e0f39d15290cf6c8b54fa3f3cdbc60005eed408d5ef5728073f00;

    function version() external pure returns (string memory) {
        return "2";
    }

    /// @dev Test-only setter of the new field (by the consortium itself in a real version).
    function setCharterHash(bytes32 charterHash_) external {
        _v2().charterHash = charterHash_;
    }

    function charterHash() external view returns (bytes32) {
        return _v2().charterHash;
    }

    function _v2() private pure returns (ConsortiumV2Storage storage $) {
        assembly ("memory-safe") {
            $.slot := CONSORTIUM_V2_STORAGE
        }
    }
}
