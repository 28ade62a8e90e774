// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {HealthInsurance} from "../../contracts/medical/HealthInsurance.sol";
import {MedicalRecords} from "../../contracts/medical/MedicalRecords.sol";
import {IHealthInsurance} from "../../contracts/interfaces/IHealthInsurance.sol";
import {IMedicalRecords} from "../../contracts/interfaces/IMedicalRecords.sol";
import {SettlementToken} from "../../contracts/payments/SettlementToken.sol";
import {MedicalCodes} from "../../contracts/libraries/MedicalCodes.sol";
import {HandlerBase} from "../base/FuzzBase.sol";
import {CityFuzz} from "../base/CityFuzz.sol";

/**
 * @title InsuranceHandler
 * @notice Drives the claims pool: the insurer funds and withdraws; patients' policies are active; hospitals submit
 * claims (on a few service days, so the same record and day comes back; some before activation) that go to review, the insurer approves (in full or in part) or denies,
 * anyone settles approved claims; payees withdraw their credit. Each patient consented to disclose their record to
 * the insurer for payment; half the submissions carry that consent (and, within the rules, are paid at once), half
 * carry none (and wait for review). Ghosts: funded, withdrawn from the pool, credit withdrawn, how many times each
 * claim went to Paid, and how many consented claims were decided on submission.
 */
contract InsuranceHandler is HandlerBase {
    HealthInsurance public immutable insurance;
    SettlementToken public immutable money;
    address private immutable _insurer;
    address[] private _hospitals;
    address[] private _anyone;
    uint256[] private _policies;
    address[] private _patients;
    uint256[] private _recordIds;
    /// @dev Patient i's payment consent: its id and the window its terms were granted for.
    uint256[] private _consentIds;
    uint64 private immutable _consentFrom;

    uint256 public funded;
    uint256 public poolWithdrawn;
    uint256 public creditWithdrawn;
    uint256 public fingerprints;
    /// @dev What each accepted claim rested on, for the business-rule invariants.
    mapping(uint256 claimId => uint256) public recordOf;
    mapping(uint256 claimId => address) public claimantOf;
    /// @dev Ghost of the waiting line: claims in the order they became Approved, and the next to settle.
    uint256[] public approvedOrder;
    uint256 public settledCount;
    uint256 public fifoViolations;
    /// @dev Accepted submissions that carried the patient's payment consent from the patient's own hospital for a
    /// service after activation, and those of them decided at once (paid, or approved and waiting for funds).
    uint256 public consentedSubmits;
    uint256 public decidedOnSubmit;
    /// @dev claimId => number of transitions to Paid observed.
    mapping(uint256 claimId => uint256) public paidTransitions;

    constructor(
        HealthInsurance insurance_,
        SettlementToken money_,
        address insurer,
        address[] memory hospitals,
        address[] memory anyone,
        uint256[] memory policies,
        address[] memory patients,
        uint256[] memory recordIds,
        uint256 premiums
    ) {
        insurance = insurance_;
        money = money_;
        _insurer = insurer;
        _hospitals = hospitals;
        _anyone = anyone;
        _policies = policies;
        _patients = patients;
        _recordIds = recordIds;
        funded = premiums;
        _consentFrom = uint64(block.timestamp);
        IMedicalRecords records = insurance_.records();
        for (uint256 i = 0; i < patients.length; ++i) {
            IMedicalRecords.ConsentTerms memory terms = _paymentConsent(i);
            vm.prank(patients[i]);
            _consentIds.push(records.grantConsent(terms));
        }
    }

    /// @dev Patient i lets the insurer of their policy read the claim's record (by its category) for payment.
    function _paymentConsent(uint256 i) private view returns (IMedicalRecords.ConsentTerms memory terms) {
        bytes32[] memory scope = new bytes32[](1);
        IMedicalRecords records = insurance.records();
        scope[0] = records.record(_recordIds[i]).category;
        terms = IMedicalRecords.ConsentTerms({
            patient: _patients[i],
            granteeOrg: insurance.policy(_policies[i]).insurerOrg,
            granteeAccount: address(0),
            actions: MedicalCodes.ACTION_DISCLOSE,
            purposes: MedicalCodes.PURPOSE_PAYMENT,
            scopeKind: IMedicalRecords.ScopeKind.Categories,
            validFrom: _consentFrom,
            validUntil: _consentFrom + 365 days,
            scope: scope
        });
    }

    function fund(uint256 amount) external {
        amount = _bound(amount, 1, 50_000);
        vm.prank(_insurer);
        try insurance.fundPool(amount) {
            funded += amount;
            _accepted("fund");
        } catch {}
    }

    function withdrawPool(uint256 amount) external {
        amount = _bound(amount, 1, 50_000);
        vm.prank(_insurer);
        try insurance.withdrawPool(amount) {
            poolWithdrawn += amount;
            _accepted("withdrawPool");
        } catch {}
    }

    function submit(uint256 policySeed, uint256 hospitalSeed, uint256 amount, uint256 fingerprintSeed) external {
        uint256 i = policySeed % _policies.length;
        address hospital = _pick(_hospitals, hospitalSeed);
        uint256[] memory records = new uint256[](1);
        records[0] = _recordIds[i];
        // Few service days, so that the same record and day comes back (a second claim must be refused); one in
        // eight is a service an hour before the policy was activated (never paid automatically).
        uint64 activatedAt = insurance.policy(_policies[i]).activatedAt;
        uint64 serviceDate = fingerprintSeed % 8 == 7
            ? activatedAt - 1 hours
            : activatedAt + uint64((fingerprintSeed >> 8) % 12) * 1 minutes;
        IHealthInsurance.ClaimInput memory input = IHealthInsurance.ClaimInput({
            policyId: _policies[i],
            patient: _patients[i],
            recordIds: records,
            amount: uint96(_bound(amount, 1, 20_000)),
            serviceDate: serviceDate,
            fingerprint: keccak256(abi.encode("claim", ++fingerprints)),
            consentId: 0
        });
        IMedicalRecords.ConsentTerms memory consent;
        if (fingerprintSeed & 2 != 0) {
            input.consentId = _consentIds[i];
            consent = _paymentConsent(i);
        }
        vm.prank(hospital);
        try insurance.submitClaim(input, consent) returns (uint256 claimId, IHealthInsurance.ClaimStatus status) {
            recordOf[claimId] = _recordIds[i];
            claimantOf[claimId] = hospital;
            if (status == IHealthInsurance.ClaimStatus.Paid) ++paidTransitions[claimId];
            if (status == IHealthInsurance.ClaimStatus.Approved) approvedOrder.push(claimId);
            // Consented claims of the patient's own hospital for a service after activation are the ones the rules pay.
            if (input.consentId != 0 && hospital == _hospitals[0] && serviceDate >= activatedAt) {
                ++consentedSubmits;
                if (status != IHealthInsurance.ClaimStatus.Pending) ++decidedOnSubmit;
            }
            _accepted("submit");
        } catch {}
    }

    function approve(uint256 claimSeed, uint256 eligible) external {
        uint256 n = insurance.claimCount();
        if (n == 0) return;
        uint256 id = _bound(claimSeed, 1, n);
        eligible = _bound(eligible, 1, insurance.claim(id).submitted);
        IHealthInsurance.ClaimStatus before = insurance.claim(id).status;
        vm.prank(_insurer);
        try insurance.approveClaim(id, uint96(eligible)) returns (IHealthInsurance.ClaimStatus status) {
            if (status == IHealthInsurance.ClaimStatus.Approved) approvedOrder.push(id);
            _observe(id, before);
            _accepted("approve");
        } catch {}
    }

    function deny(uint256 claimSeed) external {
        uint256 n = insurance.claimCount();
        if (n == 0) return;
        uint256 id = _bound(claimSeed, 1, n);
        IHealthInsurance.ClaimStatus before = insurance.claim(id).status;
        vm.prank(_insurer);
        try insurance.denyClaim(id, "not covered") {
            _observe(id, before);
            _accepted("deny");
        } catch {}
    }

    function settle(uint256 claimSeed, uint256 callerSeed) external {
        uint256 n = insurance.claimCount();
        if (n == 0) return;
        uint256 id = _bound(claimSeed, 1, n);
        address caller = _pick(_anyone, callerSeed);
        vm.prank(caller);
        try insurance.settleClaim(id) {
            // an accepted settlement always pays: counted whatever the status was before
            ++paidTransitions[id];
            // first in, first out: the settled claim is the oldest that waited
            if (settledCount >= approvedOrder.length || approvedOrder[settledCount] != id) ++fifoViolations;
            ++settledCount;
            _accepted("settle");
        } catch {}
    }

    function withdrawCredit(uint256 callerSeed) external {
        address caller = _pick(_anyone, callerSeed);
        uint256 before = money.balanceOf(caller);
        vm.prank(caller);
        try insurance.withdrawCredit() {
            creditWithdrawn += money.balanceOf(caller) - before;
            _accepted("withdrawCredit");
        } catch {}
    }

    /// @notice How many claims became Approved (waiting for funds), in order.
    function approvedCount() external view returns (uint256) {
        return approvedOrder.length;
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 1, 1 days));
    }

    function _observe(uint256 id, IHealthInsurance.ClaimStatus before) private {
        if (
            before != IHealthInsurance.ClaimStatus.Paid &&
            insurance.claim(id).status == IHealthInsurance.ClaimStatus.Paid
        ) {
            ++paidTransitions[id];
        }
    }
}

/// @notice The insurance pool pays out no more than was funded, and every claim at most once.
contract HealthInsuranceInvariants is CityFuzz {
    SettlementToken internal money;
    MedicalRecords internal records;
    HealthInsurance internal insurance;
    InsuranceHandler internal handler;
    address[] internal payees;

    function setUp() public {
        _formCity();
        vm.warp(1_800_000_000);
        money = new SettlementToken("City EUR", "cEUR", 2, address(this));
        // Both behind their ERC-1967 proxies, initialised in the proxies' constructors, as deployMedical does.
        records = MedicalRecords(
            address(
                new ERC1967Proxy(address(new MedicalRecords(consortium)), abi.encodeCall(MedicalRecords.initialize, ()))
            )
        );
        insurance = HealthInsurance(
            address(
                new ERC1967Proxy(
                    address(new HealthInsurance(consortium, records, money)),
                    abi.encodeCall(HealthInsurance.initialize, ())
                )
            )
        );
        records.setClaimsProcessor(address(insurance));
        money.mint(insurer, 1e12);
        vm.prank(insurer);
        money.approve(address(insurance), type(uint256).max);

        address[] memory patients = new address[](2);
        patients[0] = patient1;
        patients[1] = patient2;
        uint256[] memory policies = new uint256[](2);
        uint256[] memory recordIds = new uint256[](2);
        bytes32 category = bytes32("DiagnosticReport");
        bytes32[] memory categories = new bytes32[](1);
        categories[0] = category;
        uint256 premiums;
        for (uint256 i = 0; i < 2; ++i) {
            vm.prank(hospital);
            recordIds[i] = records.anchorRecord(
                patients[i],
                keccak256(abi.encode("record", i)),
                keccak256(abi.encode("where", i)),
                category,
                uint64(block.timestamp)
            );
            vm.prank(insurer);
            policies[i] = insurance.issuePolicy(
                IHealthInsurance.PolicyTerms({
                    patient: patients[i],
                    // Coverage backdated a month: a service before activation is inside the coverage period, so
                    // only the activation rule keeps it from being paid automatically.
                    coverageStart: uint64(block.timestamp - 30 days),
                    coverageEnd: uint64(block.timestamp + 300 days),
                    annualLimit: 200_000,
                    deductible: 500,
                    coinsuranceBps: 2_000,
                    premium: 1_000,
                    payee: i == 0 ? IHealthInsurance.Payee.Provider : IHealthInsurance.Payee.Patient,
                    offerExpiresAt: uint64(block.timestamp + 30 days),
                    coveredCategories: categories
                })
            );
            money.mint(patients[i], 1_000);
            vm.prank(patients[i]);
            money.approve(address(insurance), type(uint256).max);
            vm.prank(patients[i]);
            insurance.payPremium(policies[i]);
            premiums += 1_000;
        }
        vm.warp(block.timestamp + 1 hours);

        address[] memory hospitals = new address[](2);
        hospitals[0] = hospital;
        hospitals[1] = pharmacy;
        payees = [hospital, pharmacy, patient1, patient2, outsider];
        handler = new InsuranceHandler(
            insurance,
            money,
            insurer,
            hospitals,
            payees,
            policies,
            patients,
            recordIds,
            premiums
        );
        targetContract(address(handler));
    }

    /// A run that submitted consented claims reached automatic adjudication: the path the payout invariants are about
    /// is exercised, not just the review queue.
    function afterInvariant() public view {
        if (handler.consentedSubmits() > 0) {
            assertGe(handler.decidedOnSubmit(), 1, "consented claims were submitted, none was decided automatically");
        }
    }

    function invariant_payoutsWithinFunded() public view {
        uint256 paid;
        uint256 n = insurance.claimCount();
        for (uint256 id = 1; id <= n; ++id) {
            IHealthInsurance.Claim memory c = insurance.claim(id);
            if (c.status == IHealthInsurance.ClaimStatus.Paid) paid += c.benefit;
        }
        uint256 funded = handler.funded();
        assertLe(paid + handler.poolWithdrawn(), funded, "payouts + withdrawals <= funded");
        uint32 insurerOrg = consortium.memberOf(insurer);
        IHealthInsurance.Pool memory pl = insurance.pool(insurerOrg);
        assertEq(pl.balance, funded - handler.poolWithdrawn() - paid, "pool == funded - withdrawn - paid");
        uint256 credits;
        for (uint256 i = 0; i < payees.length; ++i) credits += insurance.creditOf(consortium.memberOf(payees[i]));
        assertEq(credits + handler.creditWithdrawn(), paid, "credited (held + withdrawn) == paid claims");
        assertEq(money.balanceOf(address(insurance)), pl.balance + credits, "the contract holds pool + credits");
    }

    function invariant_noDuplicatePayout() public view {
        uint256 n = insurance.claimCount();
        for (uint256 id = 1; id <= n; ++id) {
            assertLe(handler.paidTransitions(id), 1, "a claim is paid at most once");
            if (handler.paidTransitions(id) == 1) {
                assertTrue(insurance.claim(id).status == IHealthInsurance.ClaimStatus.Paid, "paid claims stay paid");
            }
        }
    }

    /**
     * Business rules, not only accounting: every paid claim is the only paid claim for its policy, record and
     * service date; every claim paid without review rests on a record its claimant authored for a patient it
     * admitted (or whose payment consent names it) and a service date within [activation, coverage end].
     */
    function invariant_paidClaimsFollowTheRules() public view {
        uint256 n = insurance.claimCount();
        uint32 hospitalOrg = consortium.memberOf(hospital);
        for (uint256 id = 1; id <= n; ++id) {
            IHealthInsurance.Claim memory c = insurance.claim(id);
            if (c.status != IHealthInsurance.ClaimStatus.Paid) continue;
            uint256 recordId = handler.recordOf(id);
            for (uint256 other = id + 1; other <= n; ++other) {
                IHealthInsurance.Claim memory o = insurance.claim(other);
                if (o.status != IHealthInsurance.ClaimStatus.Paid) continue;
                assertTrue(
                    !(o.policyId == c.policyId &&
                        handler.recordOf(other) == recordId &&
                        o.serviceDate == c.serviceDate),
                    "one paid claim per policy, record and service date"
                );
            }
            if (c.reviewFlags != 0) continue; // paid on the insurer's review: the insurer's decision
            IHealthInsurance.Policy memory p = insurance.policy(c.policyId);
            assertEq(records.record(recordId).authorOrg, c.providerOrg, "auto-paid: the claimant authored the record");
            assertEq(c.providerOrg, hospitalOrg, "auto-paid: the claimant admitted the patient");
            assertGe(c.serviceDate, p.activatedAt, "auto-paid: service on or after activation");
            assertLe(c.serviceDate, p.coverageEnd, "auto-paid: service before coverage end");
        }
    }

    /// Waiting claims settle first in, first out: the contract's next claim is the ghost line's head.
    function invariant_settlementIsFifo() public view {
        assertEq(handler.fifoViolations(), 0, "a claim settled before an older waiting one");
        uint32 insurerOrg = consortium.memberOf(insurer);
        uint256 expected = handler.settledCount() < handler.approvedCount()
            ? handler.approvedOrder(handler.settledCount())
            : 0;
        assertEq(insurance.nextToSettle(insurerOrg), expected, "the next claim to settle is the oldest waiting");
    }
}
