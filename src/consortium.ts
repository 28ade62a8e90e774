import { ContractTransactionReceipt, Signer, keccak256, toUtf8Bytes } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Consortium } from "../typechain-types";
import { deployProxied } from "./deploy/proxy";
import { PROPOSAL_KIND, PROPOSAL_STATE, ROLES, RoleName, STATUS, roleMask, roleNames } from "./roles";

/** Default governance: more than half of the active organisations, proposals open for a week. */
export const DEFAULT_QUORUM_BPS = 5001;
export const DEFAULT_VOTING_PERIOD = 7 * 24 * 3600;
/** Default delay between an upgrade vote and its earliest application: two days for every member to inspect it. */
export const DEFAULT_UPGRADE_DELAY = 2 * 24 * 3600;

export interface OrganisationSpec {
  name: string;
  roles: RoleName[];
  /** Off-chain registration documents; the chain keeps their hash. */
  documents?: string;
}

export interface MemberView {
  id: number;
  name: string;
  kind: "Organisation" | "Person";
  status: (typeof STATUS)[number];
  roles: RoleName[];
  accounts: string[];
  metadataHash: string;
}

/** Hash of off-chain documents (registration papers, KYC record): only this goes on chain. */
export function documentHash(text: string): string {
  return keccak256(toUtf8Bytes(text));
}

/**
 * Deploys the consortium behind its ERC-1967 proxy (UUPS) with its founding organisations (each bound to one
 * account); the returned binding is at the proxy, the address members use.
 */
export async function deployConsortium(
  hre: HardhatRuntimeEnvironment,
  founders: { spec: OrganisationSpec; account: string }[],
  options: { quorumBps?: number; votingPeriod?: number; upgradeDelay?: number; deployer?: Signer } = {},
): Promise<Consortium> {
  const args: { name: string; metadataHash: string; roles: number; account: string }[] = founders.map((f) => ({
    name: f.spec.name,
    metadataHash: documentHash(f.spec.documents ?? f.spec.name),
    roles: roleMask(f.spec.roles),
    account: f.account,
  }));
  const { contract } = await deployProxied<Consortium>(
    hre,
    "Consortium",
    [],
    [
      args,
      options.quorumBps ?? DEFAULT_QUORUM_BPS,
      options.votingPeriod ?? DEFAULT_VOTING_PERIOD,
      options.upgradeDelay ?? DEFAULT_UPGRADE_DELAY,
    ],
    options.deployer,
  );
  return contract;
}

function proposalIdFrom(consortium: Consortium, receipt: ContractTransactionReceipt | null): bigint {
  for (const log of receipt?.logs ?? []) {
    const parsed = consortium.interface.parseLog(log);
    if (parsed?.name === "ProposalCreated") return parsed.args.proposalId as bigint;
  }
  throw new Error("transaction did not create a proposal");
}

/** Proposes admitting an organisation; returns the proposal id (the proposer's vote is already cast). */
export async function proposeAdmission(
  consortium: Consortium,
  proposer: Signer,
  spec: OrganisationSpec,
  account: string,
): Promise<bigint> {
  const tx = await consortium
    .connect(proposer)
    .proposeAdmission(spec.name, documentHash(spec.documents ?? spec.name), roleMask(spec.roles), account);
  return proposalIdFrom(consortium, await tx.wait());
}

/** Proposes a status change (Suspend, Reinstate or Remove) of an organisation. */
export async function proposeStatus(
  consortium: Consortium,
  proposer: Signer,
  orgId: number | bigint,
  kind: "Suspend" | "Reinstate" | "Remove",
): Promise<bigint> {
  const tx = await consortium.connect(proposer).proposeStatus(orgId, PROPOSAL_KIND[kind]);
  return proposalIdFrom(consortium, await tx.wait());
}

/** Proposes a new role set for an organisation. */
export async function proposeRoles(
  consortium: Consortium,
  proposer: Signer,
  orgId: number | bigint,
  roles: RoleName[],
): Promise<bigint> {
  const tx = await consortium.connect(proposer).proposeRoles(orgId, roleMask(roles));
  return proposalIdFrom(consortium, await tx.wait());
}

/**
 * Proposes replacing the code of `target` (a domain proxy, the consortium itself, or the share-token beacon) with
 * the already deployed `implementation`; the code hash the members vote on is read from the chain now.
 */
export async function proposeUpgrade(
  consortium: Consortium,
  proposer: Signer,
  target: string,
  implementation: string,
): Promise<bigint> {
  const provider = proposer.provider;
  if (!provider) throw new Error("the proposer has no provider");
  const code = await provider.getCode(implementation);
  if (code === "0x") throw new Error(`no contract at ${implementation}`);
  const tx = await consortium.connect(proposer).proposeUpgrade(target, implementation, keccak256(code));
  return proposalIdFrom(consortium, await tx.wait());
}

/** Proposes cancelling the upgrade scheduled for `target`. */
export async function proposeCancelUpgrade(consortium: Consortium, proposer: Signer, target: string): Promise<bigint> {
  const tx = await consortium.connect(proposer).proposeCancelUpgrade(target);
  return proposalIdFrom(consortium, await tx.wait());
}

/** Proposes lifting a regulator's emergency stop of the domain at `target`. */
export async function proposeUnpause(consortium: Consortium, proposer: Signer, target: string): Promise<bigint> {
  const tx = await consortium.connect(proposer).proposeUnpause(target);
  return proposalIdFrom(consortium, await tx.wait());
}

/**
 * Applies the upgrade scheduled for `target` (anyone may, once the delay is over); returns the transaction's
 * receipt. Refused before the delay, after a cancellation, or when the implementation's code changed.
 */
export async function applyUpgrade(
  consortium: Consortium,
  caller: Signer,
  target: string,
): Promise<ContractTransactionReceipt | null> {
  return (await consortium.connect(caller).applyUpgrade(target)).wait();
}

/**
 * Has each voter vote in turn until the proposal closes (executed or defeated). Voters whose organisation
 * already voted are skipped. Returns the final state name.
 */
export async function voteUntilClosed(
  consortium: Consortium,
  proposalId: bigint,
  voters: Signer[],
  support = true,
): Promise<(typeof PROPOSAL_STATE)[number]> {
  for (const voter of voters) {
    const state = PROPOSAL_STATE[Number((await consortium.proposal(proposalId)).state)];
    if (state !== "Open") return state;
    const orgId = await consortium.memberOf(await voter.getAddress());
    if (await consortium.hasVoted(proposalId, orgId)) continue;
    await (await consortium.connect(voter).vote(proposalId, support)).wait();
  }
  return PROPOSAL_STATE[Number((await consortium.proposal(proposalId)).state)];
}

/** Reads every member with its roles and accounts, for tables, the web page and checks. */
export async function listMembers(consortium: Consortium): Promise<MemberView[]> {
  const count = Number(await consortium.memberCount());
  const members: MemberView[] = [];
  for (let id = 1; id <= count; id++) {
    const m = await consortium.member(id);
    members.push({
      id,
      name: m.name,
      kind: Number(m.kind) === 0 ? "Organisation" : "Person",
      status: STATUS[Number(m.status)],
      roles: roleNames(m.roles),
      accounts: [...(await consortium.accountsOf(id))],
      metadataHash: m.metadataHash,
    });
  }
  return members;
}

/** The member id bound to an account, or 0. */
export async function memberIdOf(consortium: Consortium, account: string): Promise<number> {
  return Number(await consortium.memberOf(account));
}

/** True when the account's organisation is active and holds the role. */
export async function accountHasRole(consortium: Consortium, role: RoleName, account: string): Promise<boolean> {
  return consortium.hasRole(ROLES[role], account);
}
