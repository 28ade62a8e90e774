import { task } from "hardhat/config";
import type { Consortium } from "../typechain-types";
import { resolveAddress, resolveSigner } from "../src/deployments";
import { checkAndProposeUpgrade, specOf } from "../src/upgrades";

task(
  "city:propose-upgrade",
  "Checks a new implementation (safety, storage layout), deploys it and proposes the upgrade",
)
  .addParam("contract", "The upgradeable contract: SupplyChain, ColdChain, AssetShareToken (its beacon), Consortium, …")
  .addOptionalParam("from", "Proposer (an active member organisation): actor key, address or signer index", "regulator")
  .addOptionalParam("artifact", "Artifact of the new version (default: the contract's own, from the current sources)")
  .addOptionalParam("target", "Proxy or beacon to upgrade (default: the Ignition deployment of this network)")
  .addOptionalParam("address", "Consortium address (default: the Ignition deployment of this network)")
  .setAction(
    async (args: { contract: string; from: string; artifact?: string; target?: string; address?: string }, hre) => {
      const spec = specOf(args.contract);
      const target = await resolveAddress(hre, spec.target, args.target);
      const consortium = (await hre.ethers.getContractAt(
        "Consortium",
        await resolveAddress(hre, "Consortium", args.address),
      )) as unknown as Consortium;
      const proposer = await resolveSigner(hre, args.from);
      const p = await checkAndProposeUpgrade(hre, {
        contract: args.contract,
        target,
        consortium,
        proposer,
        artifact: args.artifact,
        deployment: (future) => resolveAddress(hre, future),
        log: (line) => console.log(line),
      });
      const libs = Object.entries(p.libraries).map(([name, address]) => `${name.split(":").pop()} ${address}`);
      console.log(
        [
          `proposal ${p.proposalId}: upgrade ${args.contract} ${p.target}`,
          `  from implementation ${p.previousImplementation}`,
          `  to implementation   ${p.implementation}${libs.length > 0 ? ` (linked: ${libs.join(", ")})` : ""}`,
          `  code hash           ${p.codehash}`,
          `  upgrade delay       ${p.upgradeDelay} s after the vote passes`,
          "next steps:",
          `  1. every member organisation votes: npx hardhat consortium:vote --proposal ${p.proposalId} --from <member> --network ${hre.network.name}`,
          `  2. after the delay: npx hardhat consortium:apply-upgrade --target ${p.target} --from <any account> --network ${hre.network.name}`,
          "  3. record the applied layout: npm run upgrades:record, and commit upgrades/layouts.json",
        ].join("\n"),
      );
      return p;
    },
  );
