import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Consortium } from "../typechain-types";
import { OrganisationSpec, deployConsortium, documentHash } from "./consortium";
import { ROLES } from "./roles";

/**
 * The city's reference cast: the member organisations of the demo, the fixtures and the benchmarks.
 * Each gets one signer of the network (in this order after the deployer), so every script agrees on who is who.
 */
export const CITY_ORGANISATIONS = {
  regulator: { name: "City Health & Markets Authority", roles: ["REGULATOR"] },
  manufacturer: { name: "Acme Pharma", roles: ["MANUFACTURER"] },
  manufacturer2: { name: "Lumen Foods", roles: ["MANUFACTURER"] },
  distributor: { name: "MedSupply Dealers", roles: ["DISTRIBUTOR"] },
  carrier: { name: "ColdLine Logistics", roles: ["CARRIER"] },
  hospital: { name: "Northside Hospital", roles: ["HOSPITAL"] },
  pharmacy: { name: "Corner Pharmacy", roles: ["HOSPITAL", "DISTRIBUTOR"] },
  insurer: { name: "CareShield Insurance", roles: ["INSURER"] },
  assetOperator: { name: "City Assets Co", roles: ["ASSET_OPERATOR"] },
  gridOperator: { name: "SunGrid Utility", roles: ["GRID_OPERATOR"] },
  deviceManager: { name: "Metro IoT Operations", roles: ["DEVICE_MANAGER"] },
  kyc: { name: "TrustID KYC", roles: ["KYC_PROVIDER"] },
} as const satisfies Record<string, OrganisationSpec>;

export type OrganisationKey = keyof typeof CITY_ORGANISATIONS;

/** Natural persons: KYC'd investors (admitted by the KYC provider) and pseudonymous patients (by a hospital). */
export const CITY_PERSONS = {
  investor1: "INVESTOR",
  investor2: "INVESTOR",
  investor3: "INVESTOR",
  patient1: "PATIENT",
  patient2: "PATIENT",
} as const;

export type PersonKey = keyof typeof CITY_PERSONS;
export type ActorKey = "deployer" | OrganisationKey | PersonKey | "outsider" | "outsider2";

/** How many signers the cast needs (deployer, organisations, persons, two outsiders). */
export const CITY_SIGNERS_NEEDED = 1 + Object.keys(CITY_ORGANISATIONS).length + Object.keys(CITY_PERSONS).length + 2;

export interface City {
  consortium: Consortium;
  actors: Record<ActorKey, HardhatEthersSigner>;
  orgIds: Record<OrganisationKey | PersonKey, number>;
}

/** Maps the network's signers onto the cast (deployer first, then organisations, persons and outsiders). */
export async function cityActors(hre: HardhatRuntimeEnvironment): Promise<Record<ActorKey, HardhatEthersSigner>> {
  const signers = await hre.ethers.getSigners();
  if (signers.length < CITY_SIGNERS_NEEDED) {
    throw new Error(`the network has ${signers.length} accounts; the city needs ${CITY_SIGNERS_NEEDED}`);
  }
  const keys: ActorKey[] = [
    "deployer",
    ...(Object.keys(CITY_ORGANISATIONS) as OrganisationKey[]),
    ...(Object.keys(CITY_PERSONS) as PersonKey[]),
    "outsider",
    "outsider2",
  ];
  return Object.fromEntries(keys.map((k, i) => [k, signers[i]])) as Record<ActorKey, HardhatEthersSigner>;
}

/**
 * Forms the whole city: every organisation founds the consortium (no votes needed at deployment), then the
 * KYC provider admits the investors and the hospital admits its patients. Used by fixtures, bench and demo.
 */
export async function formCity(hre: HardhatRuntimeEnvironment, only?: OrganisationKey[]): Promise<City> {
  const actors = await cityActors(hre);
  const keys = only ?? (Object.keys(CITY_ORGANISATIONS) as OrganisationKey[]);
  if (!keys.includes("regulator")) keys.unshift("regulator");
  const consortium = await deployConsortium(
    hre,
    keys.map((k) => ({ spec: CITY_ORGANISATIONS[k], account: actors[k].address })),
    { deployer: actors.deployer },
  );
  const orgIds = {} as Record<OrganisationKey | PersonKey, number>;
  keys.forEach((k, i) => (orgIds[k] = i + 1));
  let next = keys.length + 1;
  for (const [key, role] of Object.entries(CITY_PERSONS) as [PersonKey, "INVESTOR" | "PATIENT"][]) {
    const admitter = role === "INVESTOR" ? (keys.includes("kyc") ? actors.kyc : actors.regulator) : actors.hospital;
    if (role === "PATIENT" && !keys.includes("hospital")) continue;
    await (
      await consortium.connect(admitter).admitPerson(actors[key].address, ROLES[role], documentHash(`kyc:${key}`))
    ).wait();
    orgIds[key] = next++;
  }
  return { consortium, actors, orgIds };
}
