import { expect } from "chai";
import { getAddress } from "ethers";
import { ConfirmationTimeoutError, confirmWithin } from "../src/poa/confirm";
import { poa } from "./hooks";
import { rejection, restoreAll, runHardhat, startHardhat, waitStalled, wallet } from "./support";
import { waitUntil } from "../src/poa/wait";

// Bounds of this file's waits. Blocks come every second with all signers up; a demo run takes several minutes, two
// of them spent waiting for the real-time sensor journey and sale deadlines.
// The whole demo (six chapters) takes about 16 minutes on this chain: the metered week of chapter 6 five of them, the
// history indexers the chapters start (one per chapter that reads history) about two.
const DEMO_TIMEOUT = 1_500_000;
const CONFIRM_TIMEOUT = 15_000;

describe("PoA network: three geth Clique signers", function () {
  afterEach(async function () {
    // Every case leaves the network whole for the next one (and the next test file).
    this.timeout(90_000);
    await restoreAll(poa());
  });

  describe("a healthy network", function () {
    it("seals blocks, lists exactly our three signers, and every node agrees on the head", async function () {
      const chain = poa();
      await chain.checkSigners();
      const head = await chain.waitBlocks(3);
      const agreed = await chain.waitAgreeOnHead(head);
      expect(agreed.number).to.be.at.least(head);
      const signers = (await chain.node(2).rpc<string[]>("clique_getSigners")).map((s) => getAddress(s));
      expect(signers.sort()).to.deep.equal([...chain.signers].sort());
    });

    it("refuses a transaction whose priority fee is below the miner's gas price, and seals one at the floor", async function () {
      const chain = poa();
      const w = wallet(chain, 40);
      const floor = chain.minPriorityFeeWei;
      const refused = await rejection(
        w.sendTransaction({ to: w.address, maxPriorityFeePerGas: floor - 1n, maxFeePerGas: 100n * floor }),
      );
      expect(refused?.message).to.match(/transaction underpriced: gas tip cap 999999999, minimum needed 1000000000/);
      const tx = await w.sendTransaction({ to: w.address, maxPriorityFeePerGas: floor, maxFeePerGas: 100n * floor });
      const receipt = await confirmWithin(w.provider!, tx.hash, CONFIRM_TIMEOUT);
      expect(receipt.status).to.equal(1);
      expect(tx.type).to.equal(2);
    });

    it("runs the demo end to end on the poa network", async function () {
      this.timeout(DEMO_TIMEOUT + 10_000);
      const run = await runHardhat(["run", "scripts/demo.ts", "--network", "poa"], DEMO_TIMEOUT);
      expect(run.output, run.output.slice(-3_000)).to.contain("The demo completed: 6 chapters");
      expect(run.output).to.contain('on network "poa" (chain id 31337001)');
      // History (the pack's trace, the shipments' readings, portfolios, audit trails) comes from the indexer that
      // follows the 3-signer chain, never from a log scan.
      expect(run.output).to.match(/history indexer http:\/\/127\.0\.0\.1:\d+ started for \d+ contracts/);
      expect(run.output).to.match(
        /Pallet shipped \(shipping\)[\s\S]*Decommissioned \(retail selling\)[\s\S]*Lot recalled/,
      );
      // Every chapter runs, the clock-bound ones on real time: the sensor journey raises its alarm itself, the
      // failed sale refunds after its deadline, the funded one pays out and the shares trade.
      expect(run.output).to.contain("the chain's clock runs in real time");
      expect(run.output).to.match(/ALARM on shipment 2: Cumulative excursion/);
      // The alarm quarantines the pallet that travelled, not the lot; the regulator's destruction order keeps it held.
      expect(run.output).to.contain(
        "its pallet quarantined in the supply chain: true; lot INS-26B elsewhere untouched: true",
      );
      expect(run.output).to.contain("its pallet stays quarantined: true");
      expect(run.output).to.match(/sale 1: 1300 of the 3,000 shares needed by the deadline \(30 s\) → failed/);
      expect(run.output).to.contain("investor3 bought the 500 shares");
      expect(run.output).to.contain("Chapter 5. Medical records");
      // Treatment before the premium was paid (seconds apart on this clock) is not covered.
      // Chapter 6 on real time: the meter's week settles itself, a tampered reading is refused, arrears show and close.
      expect(run.output).to.contain("Chapter 6. Metered revenue");
      expect(run.output).to.contain("a reading with 5 MWh added after signing is refused");
      expect(run.output).to.match(/the period closed: an open arrear of .+ is visible to investors/);
      expect(run.output).to.match(
        /patient 2 paid the premium \d+ s after treatment; the claim for that treatment: Pending, flags policyInactive/,
      );
      expect(run.code).to.equal(0);
    });
  });

  describe("faults", function () {
    it("keeps sealing with one signer stopped, and the demo and its indexer complete while that signer restarts", async function () {
      this.timeout(DEMO_TIMEOUT + 120_000);
      const chain = poa();
      const node3 = chain.node(3);
      await node3.stop();
      await chain.waitBlocks(3, 1);
      // The chapters through the cold chain (the sensor journey on real time): the whole demo runs in the case above.
      process.env.DEMO_CHAPTERS = "1,2,3";
      const demo = startHardhat(["run", "scripts/demo.ts", "--network", "poa"], DEMO_TIMEOUT);
      delete process.env.DEMO_CHAPTERS;
      // Once an indexer follows the chain sealed by two signers, the third restarts, resyncs and seals again.
      const indexing = /history indexer http:\/\/127\.0\.0\.1:\d+ started for \d+ contracts/;
      let exited = false;
      demo.done.then(
        () => (exited = true),
        () => (exited = true),
      );
      await waitUntil(
        "the demo's first history indexer to start",
        async () => ({ done: exited || indexing.test(demo.output()), seen: demo.output().slice(-200) }),
        DEMO_TIMEOUT,
      );
      await node3.start();
      await chain.waitPeered();
      // The signer was back while the demo still ran and read its history.
      expect(exited, demo.output().slice(-3_000)).to.equal(false);
      const run = await demo.done;
      expect(run.output, run.output.slice(-3_000)).to.match(indexing);
      expect(run.output, run.output.slice(-3_000)).to.contain("The demo completed: 3 chapters");
      expect(run.output).to.contain("its pallet stays quarantined: true");
      // The indexer followed the chain through the restart and served the pack's trace and the shipments' readings.
      expect(run.output).to.match(/Pallet shipped \(shipping\)[\s\S]*Lot recalled/);
      expect(run.code).to.equal(0);
      // The restarted signer is back in step: every node agrees on a head past the demo's last block.
      const head = await chain.node(1).blockNumber();
      const agreed = await chain.waitAgreeOnHead(head);
      expect(agreed.number).to.be.at.least(head);
      expect((await node3.head()).number).to.be.at.least(head);
    });

    it("resyncs a restarted signer: all nodes agree on a head past the blocks it missed", async function () {
      const chain = poa();
      const node3 = chain.node(3);
      await node3.stop();
      const missedFrom = await chain.waitBlocks(4, 1);
      await node3.start();
      await chain.waitPeered();
      const agreed = await chain.waitAgreeOnHead(missedFrom + 1);
      expect(agreed.number).to.be.greaterThan(missedFrom);
      expect((await node3.head()).number).to.be.at.least(agreed.number);
    });

    it("recovers a killed (SIGKILL) signer: it restarts from its database and catches up", async function () {
      const chain = poa();
      const node2 = chain.node(2);
      const before = await node2.blockNumber();
      await node2.stop(true);
      expect(node2.running()).to.equal(false);
      const missedFrom = await chain.waitBlocks(3, 1);
      await node2.start();
      await chain.waitPeered();
      const agreed = await chain.waitAgreeOnHead(missedFrom + 1);
      expect(agreed.number).to.be.greaterThan(before);
    });

    it("stops sealing with two of three signers down: a transaction times out clearly, then confirms after they return", async function () {
      this.timeout(150_000);
      const chain = poa();
      const w = wallet(chain, 41);
      await Promise.all([chain.node(2).stop(), chain.node(3).stop()]);
      // The survivor may seal one more block, then Clique forbids it to sign twice in a row.
      const stalledAt = await waitStalled(chain.node(1), 4_000, 30_000);
      const floor = chain.minPriorityFeeWei;
      const tx = await w.sendTransaction({ to: w.address, maxPriorityFeePerGas: floor, maxFeePerGas: 100n * floor });
      const started = Date.now();
      const error = await rejection(confirmWithin(w.provider!, tx.hash, CONFIRM_TIMEOUT));
      const waited = Date.now() - started;
      expect(error).to.be.instanceOf(ConfirmationTimeoutError);
      expect((error as Error).message).to.match(
        new RegExp(`^transaction ${tx.hash} was not confirmed within 15 s: the chain head stayed at #${stalledAt}`),
      );
      expect(waited).to.be.within(CONFIRM_TIMEOUT - 1_000, CONFIRM_TIMEOUT + 5_000);
      expect(await chain.node(1).blockNumber()).to.equal(stalledAt);

      await Promise.all([chain.node(2).start(), chain.node(3).start()]);
      await chain.waitPeered();
      const receipt = await confirmWithin(w.provider!, tx.hash, 60_000);
      expect(receipt.status).to.equal(1);
      expect(receipt.blockNumber).to.be.greaterThan(stalledAt);
    });
  });
});
