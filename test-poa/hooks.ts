/**
 * Root hooks of `npm run test:poa`: one fresh three-signer chain for every test file, started before the first
 * test and stopped after the last, also when a test fails or the run is interrupted. Tests get it from `poa()`.
 */
import "../src/runtime-check";
import { PoaChain } from "../src/poa/chain";

let chain: PoaChain | undefined;

export function poa(): PoaChain {
  if (!chain) throw new Error("the PoA chain is not running (test-poa/hooks.ts starts it)");
  return chain;
}

async function stopChain(): Promise<void> {
  if (chain) await chain.stop();
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    stopChain().finally(() => process.exit(130));
  });
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    // Creation may build geth once (minutes); starting waits for peers and blocks with bounded waits.
    this.timeout(15 * 60_000);
    chain = await PoaChain.create({}, (s) => console.log(`      [poa] ${s}`));
    await chain.start((s) => console.log(`      [poa] ${s}`));
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await stopChain();
  },
};
