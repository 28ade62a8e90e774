import { expect } from "chai";
import type { BaseContract, ContractTransactionResponse } from "ethers";

/**
 * Shared behaviour: each listed call, made by `outsider`, is refused with the named custom error and arguments.
 * Domain tests describe their restricted functions once, as data, instead of copying negative tests.
 */
export interface RestrictedCall {
  /** Human label, e.g. "commissionLot by a non-manufacturer". */
  name: string;
  /** Sends the call as the outsider. */
  send: () => Promise<ContractTransactionResponse>;
  /** Contract whose ABI declares the error. */
  contract: BaseContract;
  error: string;
  args?: unknown[];
}

export function shouldBehaveLikeRestricted(calls: () => Promise<RestrictedCall[]>): void {
  describe("restricted functions refuse outsiders", function () {
    it("refuses every restricted call with its custom error", async function () {
      const list = await calls();
      expect(list.length).to.be.greaterThan(0);
      for (const c of list) {
        const assertion = expect(c.send(), c.name).to.be.revertedWithCustomError(c.contract, c.error);
        if (c.args) await assertion.withArgs(...c.args);
        else await assertion;
      }
    });
  });
}
