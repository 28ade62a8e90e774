import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployConsortiumFixture } from "../../fixtures/consortium";
import type { WrongPartyTarget } from "../wrongparty";

const STATUS_REMOVED = 3;

/** A proposal of Acme Pharma (id 1), open. */
async function withProposal() {
  const city = await loadFixture(deployConsortiumFixture);
  await city.consortium.connect(city.actors.manufacturer).proposeQuorum(7_000);
  return city;
}

/**
 * Consortium: proposals belong to their proposer, accounts to their organisation, persons to the member that admitted
 * them. Creating a proposal, voting and admitting a person create or use only the caller's own standing.
 */
export const target: WrongPartyTarget = {
  contractName: "Consortium",
  async load() {
    return (await loadFixture(deployConsortiumFixture)).consortium;
  },
  functions: {
    "cancel(uint256)": {
      rule: "Acme Pharma's proposal: only the proposing organisation cancels it",
      async setup() {
        const { consortium, actors, orgIds } = await loadFixture(withProposal);
        return {
          contract: consortium,
          consortium,
          caller: actors.carrier,
          role: "CARRIER",
          args: [1n],
          error: "ConsortiumNotProposer",
          errorArgs: [1n, orgIds.carrier],
        };
      },
    },
    "removeAccount(address)": {
      rule: "Northside's account: only Northside's account admin revokes it",
      async setup() {
        const { consortium, actors, orgIds } = await loadFixture(deployConsortiumFixture);
        return {
          contract: consortium,
          consortium,
          caller: actors.carrier,
          role: "CARRIER",
          args: [actors.hospital.address],
          error: "ConsortiumAccountNotOfMember",
          errorArgs: [actors.hospital.address, orgIds.carrier],
        };
      },
    },
    "setAccountAdmin(address)": {
      rule: "Northside's account: another member cannot make it its account admin",
      async setup() {
        const { consortium, actors, orgIds } = await loadFixture(deployConsortiumFixture);
        return {
          contract: consortium,
          consortium,
          caller: actors.carrier,
          role: "CARRIER",
          args: [actors.hospital.address],
          error: "ConsortiumAccountNotOfMember",
          errorArgs: [actors.hospital.address, orgIds.carrier],
        };
      },
    },
    "setPersonStatus(uint32,uint8)": {
      rule: "a patient Northside admitted: another hospital cannot suspend or remove them",
      async setup() {
        const { consortium, actors, orgIds } = await loadFixture(deployConsortiumFixture);
        return {
          contract: consortium,
          consortium,
          caller: actors.pharmacy,
          role: "HOSPITAL",
          args: [orgIds.patient1, STATUS_REMOVED],
          error: "ConsortiumNotPersonAdmin",
          errorArgs: [actors.pharmacy.address, orgIds.patient1],
        };
      },
    },
    "addAccount(address)": {
      exempt: "binds an account to the caller's own organisation, by its account admin only",
    },
    "admitPerson(address,uint8,bytes32)": {
      exempt: "creates a new person admitted by the caller's organisation, which becomes its authority",
    },
    "proposeAdmission(string,bytes32,uint16,address)": {
      exempt: "opens the caller's own proposal; the vote of the other members decides",
    },
    "proposeRoles(uint32,uint16)": { exempt: "opens the caller's own proposal; the vote of the other members decides" },
    "proposeStatus(uint32,uint8)": { exempt: "opens the caller's own proposal; the vote of the other members decides" },
    "proposeQuorum(uint16)": { exempt: "opens the caller's own proposal; the vote of the other members decides" },
    "proposeVotingPeriod(uint64)": {
      exempt: "opens the caller's own proposal; the vote of the other members decides",
    },
    "proposeUpgrade(address,address,bytes32)": {
      exempt: "opens the caller's own proposal; the vote of the other members decides, then the delay",
    },
    "proposeCancelUpgrade(address)": {
      exempt: "opens the caller's own proposal; the vote of the other members decides",
    },
    "proposeUnpause(address)": { exempt: "opens the caller's own proposal; the vote of the other members decides" },
    "proposeUpgradeDelay(uint64)": {
      exempt: "opens the caller's own proposal; the vote of the other members decides",
    },
    "applyUpgrade(address)": {
      exempt: "permissionless: anyone applies what the members voted, once the delay is over and the code unchanged",
    },
    "upgradeToAndCall(address,bytes)": {
      exempt: "the consortium itself only (ConsortiumUpgradeNotVoted for every member), applying a voted upgrade",
    },
    "initialize((string,bytes32,uint16,address)[],uint16,uint64,uint64)": {
      exempt: "runs once in the proxy's constructor; refuses everyone afterwards (InvalidInitialization)",
    },
    "vote(uint256,bool)": {
      exempt: "every active voting organisation is a party to every proposal: the electorate (one vote each)",
    },
    "recoverAccountAdmin(uint32,address)": {
      exempt: "a regulator's recovery power over any suspended organisation, by design; the account must be its own",
    },
  },
};
