// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title GS1
 * @notice GS1 General Specifications helpers: the mod-10 check digit shared by GTIN-14 and SSCC-18 (weights
 * 3,1,3,1... from the rightmost data digit), and the serial rule of AI 21 (1..20 characters of the AI 82 set).
 */
library GS1 {
    /// @dev Upper bound (exclusive) of a 14-digit GTIN.
    uint64 internal constant GTIN14_LIMIT = 1e14;
    /// @dev Upper bound (exclusive) of an 18-digit SSCC.
    uint64 internal constant SSCC18_LIMIT = 1e18;
    /// @dev GS1 AI 21: a serial has at most 20 characters.
    uint256 internal constant MAX_SERIAL_LENGTH = 20;

    /// @notice The check digit the GS1 mod-10 algorithm gives for `body` (the digits without the check digit).
    /// @param body The data digits as an integer (leading zeros implicit).
    /// @return The check digit 0..9.
    function checkDigit(uint64 body) internal pure returns (uint64) {
        uint256 sum = 0;
        uint256 weight = 3;
        uint256 rest = body;
        while (rest != 0) {
            sum += (rest % 10) * weight;
            rest /= 10;
            weight = 4 - weight;
        }
        return uint64((10 - (sum % 10)) % 10);
    }

    /// @notice True when `gtin` is a non-zero GTIN-14 whose last digit is the correct check digit.
    /// @param gtin The GTIN-14 as an integer (GTIN-8/12/13 are left-padded with zeros).
    /// @return Whether it is valid.
    function isValidGtin14(uint64 gtin) internal pure returns (bool) {
        return gtin != 0 && gtin < GTIN14_LIMIT && checkDigit(gtin / 10) == gtin % 10;
    }

    /// @notice True when `sscc` is a non-zero SSCC-18 whose last digit is the correct check digit.
    /// @param sscc The SSCC as an integer.
    /// @return Whether it is valid.
    function isValidSscc(uint64 sscc) internal pure returns (bool) {
        return sscc != 0 && sscc < SSCC18_LIMIT && checkDigit(sscc / 10) == sscc % 10;
    }

    /// @notice True when `serial` has 1..20 characters, all in the GS1 AI 82 character set.
    /// @param serial The serial bytes.
    /// @return Whether it is valid.
    function isValidSerial(bytes memory serial) internal pure returns (bool) {
        uint256 n = serial.length;
        if (n == 0 || n > MAX_SERIAL_LENGTH) return false;
        for (uint256 i; i < n; ++i) {
            if (!_isAi82(uint8(serial[i]))) return false;
        }
        return true;
    }

    /// @dev GS1 AI encodable character set 82: ! " % & ' ( ) * + , - . / 0-9 : ; < = > ? A-Z _ a-z.
    function _isAi82(uint8 c) private pure returns (bool) {
        if (c >= 0x30 && c <= 0x39) return true; // 0-9
        if (c >= 0x41 && c <= 0x5a) return true; // A-Z
        if (c >= 0x61 && c <= 0x7a) return true; // a-z
        if (c >= 0x25 && c <= 0x2f) return true; // % & ' ( ) * + , - . /
        if (c >= 0x3a && c <= 0x3f) return true; // : ; < = > ?
        return c == 0x21 || c == 0x22 || c == 0x5f; // ! " _
    }
}
