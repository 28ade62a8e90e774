// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {Consortium} from "../../contracts/consortium/Consortium.sol";
import {IConsortium} from "../../contracts/interfaces/IConsortium.sol";
import {Roles} from "../../contracts/libraries/Roles.sol";
import {FuzzBase} from "./FuzzBase.sol";

/**
 * @title CityFuzz
 * @notice The Solidity twin of src/city.ts `formCity` for invariant suites: the same organisations and persons,
 * each with a deterministic key (so domains with signed data can `vm.sign`), plus outsiders. A domain suite
 * inherits it, calls `_formCity()` in `setUp`, deploys its contracts against `consortium` and hands the actor
 * pools to its handler.
 */
abstract contract CityFuzz is FuzzBase {
    uint16 internal constant QUORUM_BPS = 5001;
    uint64 internal constant VOTING_PERIOD = 7 days;
    uint64 internal constant UPGRADE_DELAY = 2 days;

    Consortium internal consortium;

    address internal regulator;
    address internal manufacturer;
    address internal manufacturer2;
    address internal distributor;
    address internal carrier;
    address internal hospital;
    address internal pharmacy;
    address internal insurer;
    address internal assetOperator;
    address internal gridOperator;
    address internal deviceManager;
    address internal kyc;
    address internal investor1;
    address internal investor2;
    address internal investor3;
    address internal patient1;
    address internal patient2;
    address internal outsider;
    address internal outsider2;

    /// @dev Every organisation's first account, in orgId order (orgId = index + 1).
    address[] internal organisations;
    /// @dev Investors and patients.
    address[] internal persons;
    /// @dev Accounts that belong to no member.
    address[] internal outsiders;

    /// @notice The deterministic private key of a named actor (for vm.sign in signed-data domains).
    function keyOf(string memory name) public pure returns (uint256) {
        return uint256(keccak256(abi.encodePacked("citychain.fuzz.", name)));
    }

    function _actor(string memory name) internal returns (address account) {
        account = vm.addr(keyOf(name));
        vm.label(account, name);
    }

    /// @dev Deploys the consortium with every reference organisation and admits the reference persons.
    function _formCity() internal {
        regulator = _actor("regulator");
        manufacturer = _actor("manufacturer");
        manufacturer2 = _actor("manufacturer2");
        distributor = _actor("distributor");
        carrier = _actor("carrier");
        hospital = _actor("hospital");
        pharmacy = _actor("pharmacy");
        insurer = _actor("insurer");
        assetOperator = _actor("assetOperator");
        gridOperator = _actor("gridOperator");
        deviceManager = _actor("deviceManager");
        kyc = _actor("kyc");

        IConsortium.Founder[] memory f = new IConsortium.Founder[](12);
        f[0] = _founder("City Health & Markets Authority", Roles.REGULATOR, regulator);
        f[1] = _founder("Acme Pharma", Roles.MANUFACTURER, manufacturer);
        f[2] = _founder("Lumen Foods", Roles.MANUFACTURER, manufacturer2);
        f[3] = _founder("MedSupply Dealers", Roles.DISTRIBUTOR, distributor);
        f[4] = _founder("ColdLine Logistics", Roles.CARRIER, carrier);
        f[5] = _founder("Northside Hospital", Roles.HOSPITAL, hospital);
        f[6] = _founder("Corner Pharmacy", Roles.HOSPITAL, pharmacy);
        f[6].roles |= Roles.mask(Roles.DISTRIBUTOR);
        f[7] = _founder("CareShield Insurance", Roles.INSURER, insurer);
        f[8] = _founder("City Assets Co", Roles.ASSET_OPERATOR, assetOperator);
        f[9] = _founder("SunGrid Utility", Roles.GRID_OPERATOR, gridOperator);
        f[10] = _founder("Metro IoT Operations", Roles.DEVICE_MANAGER, deviceManager);
        f[11] = _founder("TrustID KYC", Roles.KYC_PROVIDER, kyc);
        // As deployed: the implementation behind an ERC-1967 proxy initialised in its constructor.
        Consortium implementation = new Consortium();
        consortium = Consortium(
            address(
                new ERC1967Proxy(
                    address(implementation),
                    abi.encodeCall(Consortium.initialize, (f, QUORUM_BPS, VOTING_PERIOD, UPGRADE_DELAY))
                )
            )
        );
        for (uint256 i = 0; i < f.length; ++i) organisations.push(f[i].account);

        investor1 = _person("investor1", Roles.INVESTOR, kyc);
        investor2 = _person("investor2", Roles.INVESTOR, kyc);
        investor3 = _person("investor3", Roles.INVESTOR, kyc);
        patient1 = _person("patient1", Roles.PATIENT, hospital);
        patient2 = _person("patient2", Roles.PATIENT, hospital);

        outsider = _actor("outsider");
        outsider2 = _actor("outsider2");
        outsiders.push(outsider);
        outsiders.push(outsider2);
    }

    function _founder(
        string memory name,
        uint8 role,
        address account
    ) private pure returns (IConsortium.Founder memory) {
        return
            IConsortium.Founder({
                name: name,
                metadataHash: keccak256(bytes(name)),
                roles: Roles.mask(role),
                account: account
            });
    }

    function _person(string memory name, uint8 role, address admitter) private returns (address account) {
        account = _actor(name);
        vm.prank(admitter);
        consortium.admitPerson(account, role, keccak256(abi.encodePacked("kyc:", name)));
        persons.push(account);
    }
}
