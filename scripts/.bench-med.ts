import hre from "hardhat";
import { suite } from "../src/bench/medical";
async function main() {
  await hre.network.provider.send("hardhat_reset", []);
  for (const r of await suite.run(hre)) console.log(`${r.name}\t${r.gas}\t${r.target}`);
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
