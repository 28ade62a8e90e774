import { expect } from "chai";
import hre from "hardhat";
import { sendLoad } from "../../src/load";
import { cityActors } from "../../src/city";

describe("bulk ingestion (sendLoad)", function () {
  it("sends many transactions per sender with consecutive nonces and measures the blocks they filled", async function () {
    const actors = await cityActors(hre);
    const token = await hre.ethers.deployContract("SettlementToken", ["T", "T", 2, actors.deployer.address]);
    const senders = [actors.deployer, actors.regulator, actors.hospital];
    const before = await Promise.all(senders.map((s) => s.getNonce()));
    await hre.network.provider.send("evm_setAutomine", [false]);
    await hre.network.provider.send("evm_setIntervalMining", [200]);
    try {
      const mintTo = (i: number) => token.mint.populateTransaction(hre.ethers.Wallet.createRandom().address, i + 1);
      const report = await sendLoad(hre.ethers.provider, [
        { signer: actors.deployer, requests: await Promise.all([...Array(30)].map((_, i) => mintTo(i))) },
        { signer: actors.regulator, requests: [...Array(10)].map(() => ({ to: actors.outsider.address, value: 1n })) },
        { signer: actors.hospital, requests: [...Array(10)].map(() => ({ to: actors.outsider.address, value: 2n })) },
      ]);
      expect(report.transactions).to.equal(50);
      expect(report.blocks.reduce((s, b) => s + b.ours, 0)).to.equal(50);
      expect(report.utilisation).to.be.greaterThan(0).and.lessThanOrEqual(1);
      const after = await Promise.all(senders.map((s) => s.getNonce()));
      expect(after.map((n, i) => n - before[i])).to.deep.equal([30, 10, 10]);
    } finally {
      await hre.network.provider.send("evm_setIntervalMining", [0]);
      await hre.network.provider.send("evm_setAutomine", [true]);
    }
  });
});
