import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployPaymentToken } from "../../src/medical";
import { demoClock, describeSpan, pickChapters, refusal, sendAll } from "../../src/demo/context";

/** A runtime whose chain cannot move its clock and seals the given timestamps, one per `getBlock` call. */
function sealedChain(timestamps: number[]) {
  let i = 0;
  return {
    polls: () => i,
    runtime: {
      network: {
        provider: {
          send: async (method: string): Promise<unknown> => {
            throw new Error(`the method ${method} does not exist/is not available`);
          },
        },
      },
      ethers: {
        provider: {
          getBlock: async () => ({ timestamp: timestamps[Math.min(i++, timestamps.length - 1)] }),
        },
      },
    },
  };
}

/** Waits until the in-process network's pool holds `n` transactions (automine off). */
async function untilPending(n: number): Promise<void> {
  for (;;) {
    const block = (await hre.network.provider.send("eth_getBlockByNumber", ["pending", false])) as {
      transactions: string[];
    };
    if (block.transactions.length >= n) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("demo context", function () {
  async function tokenFixture() {
    const [issuer, holder, outsider] = await hre.ethers.getSigners();
    return { token: await deployPaymentToken(hre, issuer), issuer, holder, outsider };
  }

  describe("the clock", function () {
    it("on the in-process network jumps to a time by mining a block there, and never goes back", async function () {
      const clock = await demoClock(hre);
      expect(clock.live).to.equal(false);
      expect(clock.span(14 * 86_400, 45)).to.equal(14 * 86_400);
      const t0 = await clock.now();
      await clock.until(t0 + 3_600);
      expect(await clock.now()).to.equal(t0 + 3_600);
      const block = await hre.ethers.provider.getBlockNumber();
      await clock.until(t0 + 60);
      expect(await hre.ethers.provider.getBlockNumber(), "a time already passed mines nothing").to.equal(block);
    });

    it("on a sealed chain waits for the block that reaches the time and uses the live durations", async function () {
      const chain = sealedChain([100, 101, 101, 102, 104]);
      const clock = await demoClock(chain.runtime, 60_000);
      expect(clock.live).to.equal(true);
      expect(clock.span(14 * 86_400, 45)).to.equal(45);
      expect(await clock.now()).to.equal(100);
      await clock.until(103);
      expect(chain.polls(), "polled until the block at 104").to.equal(5);
      await clock.until(50);
      expect(chain.polls(), "a time already reached is one look").to.equal(6);
    });

    it("on a sealed chain shows a labelled long wait as a bar and still ends at the block that reaches the time", async function () {
      const chain = sealedChain([100, 100, 104, 111]);
      const clock = await demoClock(chain.runtime, 60_000);
      await clock.until(110, "the sale runs to its deadline");
      expect(chain.polls()).to.equal(4);
    });

    it("on a sealed chain that stops sealing fails with a clear error instead of hanging", async function () {
      const clock = await demoClock(sealedChain([100]).runtime, 10);
      await expect(clock.until(101)).to.be.rejectedWith(
        /sealed no block at or after 101 in time \(latest block at 100\)/,
      );
    });
  });

  it("describes durations in words", function () {
    expect(describeSpan(14 * 86_400)).to.equal("14 days");
    expect(describeSpan(86_400)).to.equal("1 day");
    expect(describeSpan(7_200)).to.equal("2 h");
    expect(describeSpan(1_800)).to.equal("30 min");
    expect(describeSpan(1_875)).to.equal("31 min 15 s");
    expect(describeSpan(45)).to.equal("45 s");
    expect(describeSpan(0)).to.equal("0 s");
  });

  it("picks chapters by number and refuses unknown ones", function () {
    expect(pickChapters(5)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(pickChapters(5, "")).to.deep.equal([1, 2, 3, 4, 5]);
    expect(pickChapters(5, "4, 1")).to.deep.equal([1, 4]);
    expect(() => pickChapters(5, "1,6")).to.throw("DEMO_CHAPTERS=1,6: no chapter 6 (there are 1–5)");
    expect(() => pickChapters(5, "1,x,0")).to.throw("no chapter x, 0");
  });

  describe("refusal", function () {
    it("names the custom error a call is refused with, and checks it is the expected one", async function () {
      const { token, outsider } = await loadFixture(tokenFixture);
      const call = () => token.connect(outsider).mint.staticCall(outsider.address, 1n);
      expect(await refusal(token, call)).to.equal(`OwnableUnauthorizedAccount(account=${outsider.address})`);
      expect(await refusal(token, call, "OwnableUnauthorizedAccount")).to.match(/^OwnableUnauthorizedAccount/);
      await expect(refusal(token, call, "ERC20InsufficientBalance")).to.be.rejectedWith(
        "expected ERC20InsufficientBalance, refused with OwnableUnauthorizedAccount",
      );
    });

    it("treats an accepted call, or a failure that is no custom error, as a broken story", async function () {
      const { token, issuer } = await loadFixture(tokenFixture);
      await expect(refusal(token, () => token.connect(issuer).mint.staticCall(issuer.address, 1n))).to.be.rejectedWith(
        "expected to be refused, and was accepted",
      );
      await expect(refusal(token, () => Promise.reject(new Error("connection refused")))).to.be.rejectedWith(
        "connection refused",
      );
    });
  });

  describe("sendAll", function () {
    it("sends one signer's transactions in order without waiting, and they ride in the same block", async function () {
      const { token, issuer, holder } = await loadFixture(tokenFixture);
      await hre.network.provider.send("evm_setAutomine", [false]);
      try {
        const confirmed: number[] = [];
        const pending = sendAll(
          [1n, 2n, 3n].map((n) => () => token.connect(issuer).mint(holder.address, n)),
          (n) => confirmed.push(n),
        );
        await untilPending(3); // all three are in the pool before anything is mined
        expect(confirmed).to.deep.equal([]);
        await hre.network.provider.send("evm_mine", []);
        const receipts = await pending;
        expect(new Set(receipts.map((r) => r.blockNumber)).size).to.equal(1);
        expect(receipts.map((r) => r.index)).to.deep.equal([0, 1, 2]);
        expect(confirmed).to.deep.equal([1, 2, 3]);
        expect(await token.balanceOf(holder.address)).to.equal(6n);
      } finally {
        await hre.network.provider.send("evm_setAutomine", [true]);
      }
    });

    it("rejects when one of the transactions is sealed reverted", async function () {
      const { token, issuer, holder } = await loadFixture(tokenFixture);
      await hre.network.provider.send("evm_setAutomine", [false]);
      try {
        const pending = sendAll([
          () => token.connect(issuer).mint(holder.address, 1n),
          // more than the holder will have: sealed, but reverted
          () => token.connect(holder).transfer(issuer.address, 2n, { gasLimit: 100_000 }),
        ]);
        const settled = pending.then(
          () => "resolved",
          (e: Error) => e.message,
        );
        await untilPending(2);
        await hre.network.provider.send("evm_mine", []);
        expect(await settled).to.match(/transaction execution reverted/);
      } finally {
        await hre.network.provider.send("evm_setAutomine", [true]);
      }
      expect(await token.balanceOf(holder.address), "the first one stands").to.equal(1n);
    });
  });
});
