// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title MedicalCodes
 * @notice Bit sets of the medical domain, after HL7 FHIR Consent.provision: actions (`access`, `disclose`),
 * purposes of use (`TREAT`, `HPAYMT`, `HRESCH`), the break-glass reasons (v3 ActReason) and the claim review flags.
 */
library MedicalCodes {
    /// @dev Consent action `access`: read the record.
    uint8 internal constant ACTION_ACCESS = 1;
    /// @dev Consent action `disclose`: pass the record on (e.g. to an insurer for payment).
    uint8 internal constant ACTION_DISCLOSE = 2;
    /// @dev Every defined action bit.
    uint8 internal constant ALL_ACTIONS = 3;

    /// @dev Purpose of use `TREAT` (treatment).
    uint8 internal constant PURPOSE_TREATMENT = 1;
    /// @dev Purpose of use `HPAYMT` (healthcare payment).
    uint8 internal constant PURPOSE_PAYMENT = 2;
    /// @dev Purpose of use `HRESCH` (healthcare research).
    uint8 internal constant PURPOSE_RESEARCH = 4;
    /// @dev Every defined purpose bit.
    uint8 internal constant ALL_PURPOSES = 7;

    /// @dev Highest break-glass reason code: 1 ETREAT, 2 ERTREAT, 3 BTG (patient unable to consent), 4 PUBHLTH.
    uint8 internal constant MAX_EMERGENCY_REASON = 4;

    /// @dev Claim review flag: the policy was not active on the service date (or its premium is unpaid).
    uint8 internal constant FLAG_POLICY_INACTIVE = 1;
    /// @dev Claim review flag: no valid consent to disclose the records to the insurer for payment.
    uint8 internal constant FLAG_NO_PAYMENT_CONSENT = 2;
    /// @dev Claim review flag: a record's category is not covered by the policy.
    uint8 internal constant FLAG_CATEGORY_NOT_COVERED = 4;
    /// @dev Claim review flag: the benefit exceeds the policy's remaining annual limit.
    uint8 internal constant FLAG_OVER_LIMIT = 8;
    /// @dev Claim review flag: the claimant did not author every record or did not admit the patient, and the
    /// patient's payment consent does not name the claimant.
    uint8 internal constant FLAG_FOREIGN_RECORD = 16;
    /// @dev Claim review flag: the policy's insurer is not an active INSURER (suspended or removed).
    uint8 internal constant FLAG_INSURER_INACTIVE = 32;

    /// @notice True when `bits` is exactly one bit of `allowed`.
    /// @param bits The bit set to test.
    /// @param allowed The defined bits.
    /// @return True for a single defined bit.
    function isSingle(uint8 bits, uint8 allowed) internal pure returns (bool) {
        return bits != 0 && (bits & (bits - 1)) == 0 && (bits & ~allowed) == 0;
    }

    /// @notice True when `bits` is a non-empty subset of `allowed`.
    /// @param bits The bit set to test.
    /// @param allowed The defined bits.
    /// @return True for a non-empty subset.
    function isSubset(uint8 bits, uint8 allowed) internal pure returns (bool) {
        return bits != 0 && (bits & ~allowed) == 0;
    }
}
