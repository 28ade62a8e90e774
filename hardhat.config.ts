import "./src/runtime-check";
import path from "node:path";
import { HardhatUserConfig, subtask } from "hardhat/config";
import {
  TASK_COMPILE_SOLIDITY_CHECK_ERRORS,
  TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD,
} from "hardhat/builtin-tasks/task-names";
import { HardhatPluginError } from "hardhat/plugins";
import "@nomicfoundation/hardhat-toolbox";
import "@openzeppelin/hardhat-upgrades";
import "./tasks";
import { networksFromEnvironment } from "./src/networks";

/** The compiler is the pinned `solc` npm package (solcjs): no machine here can download one. */
const SOLC_VERSION = "0.8.28";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solcPackage = require("solc/package.json") as { version: string };
  if (solcPackage.version !== SOLC_VERSION) {
    throw new HardhatPluginError(
      "citychain",
      `solc npm package is ${solcPackage.version}, config wants ${SOLC_VERSION}`,
    );
  }
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: `${SOLC_VERSION}+solcjs`,
  };
});

interface SolcMessage {
  severity: string;
  formattedMessage: string;
  sourceLocation?: { file: string };
}

/** Compiler warnings in our own sources fail the build (instrumented coverage builds excepted). */
subtask(TASK_COMPILE_SOLIDITY_CHECK_ERRORS, async (args: { output: { errors?: SolcMessage[] } }, hre, runSuper) => {
  await runSuper(args);
  const coverage = (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING;
  if (coverage) return;
  const ours = (args.output.errors ?? []).filter(
    (e) => e.severity === "warning" && e.sourceLocation?.file.startsWith("contracts/"),
  );
  if (ours.length > 0) {
    throw new HardhatPluginError("citychain", `${ours.length} compiler warning(s) in contracts/: warnings are errors`);
  }
});

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "london",
      viaIR: false,
    },
  },
  networks: {
    hardhat: {
      hardfork: "london",
      // Bulk loads and large fixtures: keep the in-process chain close to the PoA one.
      blockGasLimit: 30_000_000,
      initialBaseFeePerGas: 0,
      accounts: { count: 40 },
    },
    localhost: { url: "http://127.0.0.1:8545" },
    ...networksFromEnvironment(),
  },
  paths: {
    sources: path.join(__dirname, "contracts"),
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "true",
    currency: "USD",
    offline: true,
    excludeContracts: ["mocks/"],
  },
  // One confirmation: Besu QBFT finalises immediately; on the local Clique chain reorgs need a signer majority.
  ignition: { requiredConfirmations: 1 },
  mocha: { timeout: 120_000 },
};

export default config;
