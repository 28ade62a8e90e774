import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { ActorKey, cityActors } from "../city";
import { documentHash } from "../consortium";
import { roleMask } from "../roles";

/**
 * Deployment parameters per network, in ignition/parameters/<network>.json (falling back to local.json).
 * Accounts are addresses, or `@<actor>` (e.g. `@regulator`) for the city cast on local networks, where the
 * harness generates the keys. Roles are names; documents are hashed here, so only hashes reach the chain.
 */
const account = z.string().regex(/^(0x[0-9a-fA-F]{40}|@[A-Za-z0-9]+)$/, "an address or @actor");

/** A temperature in centi-degrees Celsius, as the contract stores it (int16). */
const centiCelsius = z.number().int().min(-32_768).max(32_767);
const UINT32_MAX = 2 ** 32 - 1;

export const ParametersFile = z
  .object({
    consortium: z.object({
      founders: z
        .array(
          z.object({
            name: z.string().min(1),
            roles: z.array(z.string()).min(1),
            account,
            documents: z.string().optional(),
          }),
        )
        .min(1),
      quorumBps: z.number().int().min(5001).max(10000).default(5001),
      votingPeriod: z
        .number()
        .int()
        .positive()
        .default(7 * 24 * 3600),
      /** Seconds between an upgrade vote and its earliest application (the contract allows 60 s to 90 days). */
      upgradeDelay: z
        .number()
        .int()
        .min(60)
        .max(90 * 24 * 3600)
        .default(2 * 24 * 3600),
    }),
    settlementToken: z
      .object({ name: z.string(), symbol: z.string(), decimals: z.number().int().min(0).max(18), issuer: account })
      .optional(),
    /** Storage classes the regulator defines at deployment (centi-degrees Celsius; seconds). */
    storageClasses: z
      .array(
        z
          .object({
            name: z.string().min(1),
            hardMin: centiCelsius,
            hardMax: centiCelsius,
            low: centiCelsius,
            high: centiCelsius,
            allowance: z.number().int().nonnegative().max(UINT32_MAX),
            maxGap: z.number().int().positive().max(UINT32_MAX),
          })
          // the rule ColdChain.defineStorageClass enforces, checked before anything is deployed
          .refine((c) => c.hardMin <= c.low && c.low < c.high && c.high <= c.hardMax, {
            path: ["low"],
            message: "the bounds must satisfy hardMin <= low < high <= hardMax",
          }),
      )
      .default([]),
    /** Who performs the cross-domain grants (the cold chain's guardian right is a REGULATOR act). */
    wiring: z.object({ regulator: account }).optional(),
  })
  .passthrough();

export type ParametersFileT = z.infer<typeof ParametersFile>;

export function parametersPath(network: string): string {
  const dir = path.join(__dirname, "..", "..", "ignition", "parameters");
  const own = path.join(dir, `${network}.json`);
  return fs.existsSync(own) ? own : path.join(dir, "local.json");
}

/** Reads and validates a parameters file; errors name the field (e.g. `consortium.founders.2.account`). */
export function readParameters(file: string): ParametersFileT {
  const parsed = ParametersFile.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`${file} is invalid:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** Resolves `@actor` references to the network's signers. */
export async function resolveAccount(hre: HardhatRuntimeEnvironment, ref: string): Promise<string> {
  if (!ref.startsWith("@")) return ref;
  const actors = await cityActors(hre);
  const signer = actors[ref.slice(1) as ActorKey];
  if (!signer) throw new Error(`unknown actor ${ref}`);
  return signer.address;
}

/**
 * The account that must sign a deployment step (e.g. `wiring.regulator`, who grants the cold chain its guardian
 * right), checked against the network's signers before anything is sent: a key that is missing would otherwise
 * fail the deployment halfway.
 */
export async function resolveSigningAccount(
  hre: HardhatRuntimeEnvironment,
  ref: string,
  what: string,
): Promise<string> {
  const address = await resolveAccount(hre, ref);
  const signers = await hre.ethers.getSigners();
  if (!signers.some((s) => s.address.toLowerCase() === address.toLowerCase())) {
    throw new Error(
      `${what} ${address} is not an account of network "${hre.network.name}": add its key ` +
        `(on besu: BESU_EXTRA_KEYS) or name another account in the parameters file`,
    );
  }
  return address;
}

/** The consortium's `initialize` arguments from a parameters file. */
export async function consortiumArgs(hre: HardhatRuntimeEnvironment, p: ParametersFileT) {
  const founders = [];
  for (const f of p.consortium.founders) {
    founders.push({
      name: f.name,
      metadataHash: documentHash(f.documents ?? f.name),
      roles: roleMask(f.roles),
      account: await resolveAccount(hre, f.account),
    });
  }
  return {
    founders,
    quorumBps: p.consortium.quorumBps,
    votingPeriod: p.consortium.votingPeriod,
    upgradeDelay: p.consortium.upgradeDelay,
  };
}
