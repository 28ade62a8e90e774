/**
 * Writes a Hyperledger Besu QBFT genesis (the production profile; see docs/poa.md):
 *   ts-node scripts/besu-genesis.ts --chain-id 2026 --period 2 \
 *     --validators 0xAbc…,0xDef…,0x123…,0x456… [--alloc 0xAddr=weiAmount,…] [--gas-limit 30000000] \
 *     [--request-timeout 4] [--out besu/genesis.json]
 * Validators are the addresses of the validator nodes' keys (`besu public-key export-address`); each operator
 * generates its own key on its own host, so no key ever passes through this script or git.
 * Logic lives in src/poa/besu.ts.
 */
import "../src/runtime-check";
import path from "node:path";
import { parseArgs } from "node:util";
import { decodeQbftExtraData, writeQbftGenesis } from "../src/poa/besu";

function main(): void {
  const { values } = parseArgs({
    options: {
      "chain-id": { type: "string" },
      period: { type: "string", default: "2" },
      validators: { type: "string" },
      alloc: { type: "string" },
      "gas-limit": { type: "string" },
      "request-timeout": { type: "string" },
      out: { type: "string", default: "besu-genesis.json" },
    },
  });
  if (!values["chain-id"] || !values.validators) {
    throw new Error("--chain-id and --validators (comma-separated addresses) are required");
  }
  const number = (name: string, text: string): number => {
    if (!/^\d+$/.test(text)) throw new Error(`--${name} ${text} is not a whole number`);
    return Number(text);
  };
  const alloc: Record<string, bigint> = {};
  for (const entry of (values.alloc ?? "").split(",").filter(Boolean)) {
    const [address, wei] = entry.split("=");
    if (!address || !wei || !/^\d+$/.test(wei)) throw new Error(`--alloc entry "${entry}" is not address=wei`);
    alloc[address] = BigInt(wei);
  }
  const out = path.resolve(values.out as string);
  const genesis = writeQbftGenesis(out, {
    chainId: number("chain-id", values["chain-id"]),
    blockPeriodSeconds: number("period", values.period as string),
    validators: values.validators.split(",").map((v) => v.trim()),
    requestTimeoutSeconds: values["request-timeout"] ? number("request-timeout", values["request-timeout"]) : undefined,
    gasLimit: values["gas-limit"] ? BigInt(number("gas-limit", values["gas-limit"])) : undefined,
    alloc,
  });
  const { validators } = decodeQbftExtraData(genesis.extraData);
  console.log(
    `wrote ${out}: QBFT chain ${genesis.config.chainId}, ${genesis.config.qbft.blockperiodseconds} s blocks, free gas`,
  );
  console.log(`validators (${validators.length}; tolerates ${Math.floor((validators.length - 1) / 3)} faulty):`);
  for (const v of validators) console.log(`  ${v}`);
}

try {
  main();
} catch (err) {
  console.error(`besu-genesis: ${(err as Error).message}`);
  process.exitCode = 1;
}
