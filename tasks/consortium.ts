import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Consortium } from "../typechain-types";
import {
  applyUpgrade,
  listMembers,
  proposeAdmission,
  proposeCancelUpgrade,
  proposeRoles,
  proposeStatus,
  proposeUnpause,
} from "../src/consortium";
import { resolveAddress, resolveSigner } from "../src/deployments";
import { PROPOSAL_STATE, parseRoles } from "../src/roles";
import { printTable } from "../src/table";

async function consortiumAt(hre: HardhatRuntimeEnvironment, address?: string): Promise<Consortium> {
  return (await hre.ethers.getContractAt(
    "Consortium",
    await resolveAddress(hre, "Consortium", address),
  )) as unknown as Consortium;
}

task("consortium:members", "Lists the consortium's members, their roles, status and accounts")
  .addOptionalParam("address", "Consortium address (default: the Ignition deployment of this network)")
  .setAction(async ({ address }: { address?: string }, hre) => {
    const consortium = await consortiumAt(hre, address);
    const members = await listMembers(consortium);
    printTable(
      ["id", "name", "kind", "status", "roles", "accounts"],
      members.map((m) => [m.id, m.name || "(person)", m.kind, m.status, m.roles.join(" "), m.accounts.join("\n")]),
      `Consortium ${await consortium.getAddress()}: quorum ${Number(await consortium.quorumBps()) / 100}% of ${await consortium.activeVoters()} active organisations`,
    );
  });

task("consortium:propose", "Opens a proposal (the proposer's organisation votes for it)")
  .addParam("kind", "admit | roles | suspend | reinstate | remove | unpause | cancel-upgrade")
  .addParam("from", "Proposer: an actor key (regulator, hospital, …), an address or a signer index")
  .addOptionalParam("org", "Target organisation id (roles, suspend, reinstate, remove)", undefined, types.int)
  .addOptionalParam("name", "Name of the organisation to admit")
  .addOptionalParam("roles", "Comma-separated roles (admit, roles), e.g. HOSPITAL,DISTRIBUTOR")
  .addOptionalParam("account", "First account of the organisation to admit")
  .addOptionalParam("documents", "Registration documents (hashed; admit)")
  .addOptionalParam("target", "Domain proxy to unpause, or proxy/beacon whose scheduled upgrade to cancel")
  .addOptionalParam("address", "Consortium address")
  .setAction(
    async (
      args: {
        kind: string;
        from: string;
        org?: number;
        name?: string;
        roles?: string;
        account?: string;
        documents?: string;
        target?: string;
        address?: string;
      },
      hre,
    ) => {
      const consortium = await consortiumAt(hre, args.address);
      const proposer = await resolveSigner(hre, args.from);
      const need = (v: unknown, flag: string) => {
        if (v === undefined || v === "") throw new Error(`--kind ${args.kind} needs --${flag}`);
      };
      let id: bigint;
      switch (args.kind) {
        case "admit":
          need(args.name, "name");
          need(args.roles, "roles");
          need(args.account, "account");
          id = await proposeAdmission(
            consortium,
            proposer,
            {
              name: args.name!,
              roles: parseRoles(args.roles!),
              documents: args.documents,
            },
            args.account!,
          );
          break;
        case "roles":
          need(args.org, "org");
          need(args.roles, "roles");
          id = await proposeRoles(consortium, proposer, args.org!, parseRoles(args.roles!));
          break;
        case "suspend":
        case "reinstate":
        case "remove":
          need(args.org, "org");
          id = await proposeStatus(
            consortium,
            proposer,
            args.org!,
            (args.kind[0].toUpperCase() + args.kind.slice(1)) as "Suspend" | "Reinstate" | "Remove",
          );
          break;
        case "unpause":
          need(args.target, "target");
          id = await proposeUnpause(consortium, proposer, args.target!);
          break;
        case "cancel-upgrade":
          need(args.target, "target");
          id = await proposeCancelUpgrade(consortium, proposer, args.target!);
          break;
        default:
          throw new Error(
            `unknown --kind ${args.kind} (admit, roles, suspend, reinstate, remove, unpause, cancel-upgrade)`,
          );
      }
      const p = await consortium.proposal(id);
      console.log(
        `proposal ${id}: ${PROPOSAL_STATE[Number(p.state)]}, ${p.yes} for / ${p.no} against, expires ${new Date(Number(p.expiresAt) * 1000).toISOString()}`,
      );
    },
  );

task("consortium:apply-upgrade", "Applies a voted upgrade once its delay is over (any account may)")
  .addParam("target", "The proxy or beacon whose scheduled upgrade to apply")
  .addParam("from", "Sender: an actor key, an address or a signer index")
  .addOptionalParam("address", "Consortium address")
  .setAction(async (args: { target: string; from: string; address?: string }, hre) => {
    const consortium = await consortiumAt(hre, args.address);
    const s = await consortium.scheduledUpgrade(args.target);
    if (s.eta === 0n) throw new Error(`no upgrade is scheduled for ${args.target} (never voted, applied or cancelled)`);
    const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    if (now < s.eta) {
      throw new Error(
        `the upgrade of ${args.target} can be applied from ${new Date(Number(s.eta) * 1000).toISOString()} ` +
          `(${s.eta - now} s from now)`,
      );
    }
    await applyUpgrade(consortium, await resolveSigner(hre, args.from), args.target);
    console.log(`${args.target} now runs ${s.implementation} (code hash ${s.codehash}, proposal ${s.proposalId})`);
  });

task("consortium:vote", "Votes on a proposal for the signer's organisation")
  .addParam("proposal", "Proposal id", undefined, types.int)
  .addParam("from", "Voter: an actor key, an address or a signer index")
  .addFlag("against", "Vote against (default: for)")
  .addOptionalParam("address", "Consortium address")
  .setAction(async (args: { proposal: number; from: string; against: boolean; address?: string }, hre) => {
    const consortium = await consortiumAt(hre, args.address);
    const voter = await resolveSigner(hre, args.from);
    await (await consortium.connect(voter).vote(args.proposal, !args.against)).wait();
    const p = await consortium.proposal(args.proposal);
    console.log(`proposal ${args.proposal}: ${PROPOSAL_STATE[Number(p.state)]}, ${p.yes} for / ${p.no} against`);
  });
