import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployPharmaFixture } from "../fixtures/pharma";

describe("probe", function () {
  it("gas by op", async function () {
    const f = await loadFixture(deployPharmaFixture);
    const now = await time.latest();
    await time.increaseTo(now + 1 + 200 * 60);
    const series = Array.from({ length: 200 }, (_, i) => ({ time: now + 1 + i * 60, centi: 500 }));
    const [b] = await f.sensorB.signSeries(series, hre.ethers.ZeroAddress, 1024);
    const tx = await f.registry.submitBatch(b.batch, b.signature, { low: -32768, high: 32767, hardLow: -32768, hardHigh: 32767, maxInterval: 65535 });
    const trace = await hre.network.provider.send("debug_traceTransaction", [tx.hash, { disableMemory: true, disableStack: true, disableStorage: true }]);
    const by: Record<string, [number, number]> = {};
    for (const l of trace.structLogs) { by[l.op] ??= [0, 0]; by[l.op][0] += l.gasCost; by[l.op][1]++; }
    console.log(Object.entries(by).sort((a, b) => b[1][0] - a[1][0]).slice(0, 25).map(([k, v]) => `${k}:${v[0]}/${v[1]}`).join(" "));
    // pcs hot
    const pcs: Record<number, number> = {};
    for (const l of trace.structLogs) pcs[l.pc] = (pcs[l.pc] ?? 0) + 1;
    console.log("steps", trace.structLogs.length, "gas", trace.gas);
    const hist: Record<number, number> = {};
    for (const c of Object.values(pcs)) hist[c] = (hist[c] ?? 0) + 1;
    console.log("hist", JSON.stringify(hist));
    const hot = Object.entries(pcs).filter(([, c]) => c >= 20).map(([pc, c]) => `${pc}:${c}`);
    console.log("hot", hot.join(" "));
  });
});
