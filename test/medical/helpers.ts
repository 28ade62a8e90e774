import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import type { City } from "../../src/city";
import { proposeRoles, proposeStatus, voteUntilClosed } from "../../src/consortium";
import type { RoleName } from "../../src/roles";

/** Every founding organisation but the proposer: enough yes votes to pass any proposal in the city. */
function votersFor(
  city: City,
  proposer: HardhatEthersSigner,
  exclude: HardhatEthersSigner[] = [],
): HardhatEthersSigner[] {
  const a = city.actors;
  return [
    a.regulator,
    a.manufacturer,
    a.distributor,
    a.carrier,
    a.hospital,
    a.pharmacy,
    a.insurer,
    a.assetOperator,
    a.gridOperator,
    a.deviceManager,
    a.kyc,
  ].filter((s) => s !== proposer && !exclude.includes(s));
}

/** Suspends an organisation by a vote of the others. */
export async function suspend(city: City, orgId: number, account: HardhatEthersSigner): Promise<void> {
  const id = await proposeStatus(city.consortium, city.actors.regulator, orgId, "Suspend");
  expect(await voteUntilClosed(city.consortium, id, votersFor(city, city.actors.regulator, [account]))).to.equal(
    "Executed",
  );
}

/** Gives an organisation a new role set by vote. */
export async function setRoles(city: City, orgId: number, roles: RoleName[]): Promise<void> {
  const id = await proposeRoles(city.consortium, city.actors.regulator, orgId, roles);
  expect(await voteUntilClosed(city.consortium, id, votersFor(city, city.actors.regulator))).to.equal("Executed");
}

/** A small deterministic PRNG (mulberry32) so property tests reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
