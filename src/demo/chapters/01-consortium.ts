import { CITY_ORGANISATIONS, CITY_PERSONS, OrganisationKey, PersonKey } from "../../city";
import {
  deployConsortium,
  documentHash,
  listMembers,
  proposeAdmission,
  proposeStatus,
  voteUntilClosed,
} from "../../consortium";
import { ROLES } from "../../roles";
import { printTable, short } from "../../table";
import { DemoChapter, say, sendAll } from "../context";

/**
 * The city forms its consortium: eleven founding organisations, Corner Pharmacy admitted by vote, investors and
 * patients admitted by their KYC authority, and Lumen Foods suspended by vote (its accounts lose every right).
 */
export const chapter: DemoChapter = {
  title: "The consortium: founding, admission by vote, suspension",
  async run(ctx) {
    const { hre, actors } = ctx;
    const founders = (Object.keys(CITY_ORGANISATIONS) as OrganisationKey[]).filter((k) => k !== "pharmacy");
    const consortium = await deployConsortium(
      hre,
      founders.map((k) => ({ spec: CITY_ORGANISATIONS[k], account: actors[k].address })),
      { deployer: actors.deployer },
    );
    say(`consortium deployed at ${await consortium.getAddress()} by ${founders.length} founding organisations`);

    const voters = founders.filter((k) => k !== "regulator").map((k) => actors[k]);
    const admission = await proposeAdmission(
      consortium,
      actors.regulator,
      {
        ...CITY_ORGANISATIONS.pharmacy,
        roles: [...CITY_ORGANISATIONS.pharmacy.roles],
        documents: "pharmacy licence 2026-114",
      },
      actors.pharmacy.address,
    );
    const admitted = await voteUntilClosed(consortium, admission, voters);
    const p = await consortium.proposal(admission);
    say(
      `proposal ${admission} to admit Corner Pharmacy: ${admitted} with ${p.yes} of ${(await consortium.activeVoters()) - 1n} votes`,
    );

    const orgIds = {} as Record<OrganisationKey | PersonKey, number>;
    founders.forEach((k, i) => (orgIds[k] = i + 1));
    orgIds.pharmacy = Number(p.target);
    const persons = Object.entries(CITY_PERSONS) as [PersonKey, "INVESTOR" | "PATIENT"][];
    await sendAll(
      persons.map(([key, role]) => () => {
        const admitter = role === "INVESTOR" ? actors.kyc : actors.hospital;
        return consortium.connect(admitter).admitPerson(actors[key].address, ROLES[role], documentHash(`kyc:${key}`));
      }),
    );
    for (const [key] of persons) orgIds[key] = Number(await consortium.memberOf(actors[key].address));
    say(`TrustID KYC admitted 3 investors; Northside Hospital admitted 2 pseudonymous patients`);

    const suspension = await proposeStatus(consortium, actors.regulator, orgIds.manufacturer2, "Suspend");
    const suspended = await voteUntilClosed(
      consortium,
      suspension,
      voters.filter((s) => s !== actors.manufacturer2),
    );
    say(
      `proposal ${suspension} to suspend Lumen Foods (licence lapsed): ${suspended}; ` +
        `Lumen's account may still act as manufacturer: ${await consortium.hasRole(ROLES.MANUFACTURER, actors.manufacturer2.address)}`,
    );

    const members = await listMembers(consortium);
    printTable(
      ["id", "member", "status", "roles", "account"],
      members.map((m) => [m.id, m.name || `(person)`, m.status, m.roles.join(" "), short(m.accounts[0])]),
      "Members of the consortium",
    );
    ctx.city = { consortium, actors, orgIds };
  },
};
