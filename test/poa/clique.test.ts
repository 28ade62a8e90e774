import { expect } from "chai";
import { Wallet, getAddress, getBytes, hexlify, toBeHex } from "ethers";
import {
  CLIQUE_FORK_BLOCKS,
  CLIQUE_SEAL_BYTES,
  CLIQUE_VANITY_BYTES,
  INITIAL_BASE_FEE,
  cliqueExtraData,
  cliqueGenesis,
  decodeCliqueExtraData,
} from "../../src/poa/clique";
import { deterministicNodeKey, enodeId } from "../../src/poa/chain";

// Fixed keys so the expectations are exact and failures reproduce.
const SIGNERS = [1, 2, 3].map((i) => new Wallet(toBeHex(i * 1_000_003, 32)).address);
const MEMBERS = [7, 8].map((i) => new Wallet(toBeHex(i * 1_000_003, 32)).address);
const ascending = (xs: string[]) => [...xs].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));

describe("PoA: Clique genesis", function () {
  describe("extraData", function () {
    it("is 32 zero bytes of vanity, the signers' addresses in ascending order, then 65 zero bytes of seal", function () {
      const extra = getBytes(cliqueExtraData(SIGNERS));
      expect(extra.length).to.equal(CLIQUE_VANITY_BYTES + 20 * SIGNERS.length + CLIQUE_SEAL_BYTES);
      expect([...extra.slice(0, 32)].every((b) => b === 0)).to.equal(true);
      expect([...extra.slice(extra.length - 65)].every((b) => b === 0)).to.equal(true);
      const listed = [0, 1, 2].map((i) => getAddress(hexlify(extra.slice(32 + 20 * i, 52 + 20 * i))));
      expect(listed).to.deep.equal(ascending(SIGNERS));
    });

    it("decodes back to the same signers, vanity and seal", function () {
      const decoded = decodeCliqueExtraData(cliqueExtraData([...SIGNERS].reverse()));
      expect(decoded.signers).to.deep.equal(ascending(SIGNERS));
      expect(decoded.vanity).to.equal(hexlify(new Uint8Array(32)));
      expect(decoded.seal).to.equal(hexlify(new Uint8Array(65)));
    });

    it("refuses no signers, duplicates, and malformed layouts", function () {
      expect(() => cliqueExtraData([])).to.throw("at least one signer");
      expect(() => cliqueExtraData([SIGNERS[0], SIGNERS[0].toLowerCase()])).to.throw("duplicate signer");
      expect(() => decodeCliqueExtraData(hexlify(new Uint8Array(96)))).to.throw("not 32 + 20·n + 65");
      expect(() => decodeCliqueExtraData(hexlify(new Uint8Array(32 + 21 + 65)))).to.throw("not 32 + 20·n + 65");
    });
  });

  describe("genesis", function () {
    const genesis = cliqueGenesis({
      chainId: 31_337_001,
      signers: SIGNERS,
      periodSeconds: 1,
      alloc: { [MEMBERS[0]]: 10n ** 24n, [MEMBERS[1]]: 5n },
      timestamp: 1_700_000_000,
    });

    it("enables every fork up to London at block 0 and nothing later", function () {
      const { config } = genesis;
      for (const fork of CLIQUE_FORK_BLOCKS) expect(config[fork], fork).to.equal(0);
      expect(config.chainId).to.equal(31_337_001);
      const later = Object.keys(config).filter(
        (k) => /Time$|Block$/.test(k) && !(CLIQUE_FORK_BLOCKS as readonly string[]).includes(k),
      );
      expect(later).to.deep.equal([]);
      expect(config).to.not.have.property("terminalTotalDifficulty");
      expect(Object.keys(config).sort()).to.deep.equal(["chainId", "clique", ...CLIQUE_FORK_BLOCKS].sort());
    });

    it("configures Clique with the period and epoch, and starts at difficulty 1 with London's base fee", function () {
      expect(genesis.config.clique).to.deep.equal({ period: 1, epoch: 30_000 });
      expect(genesis.difficulty).to.equal("0x1");
      expect(BigInt(genesis.baseFeePerGas)).to.equal(INITIAL_BASE_FEE);
      expect(genesis.gasLimit).to.equal("0x1c9c380");
      expect(genesis.timestamp).to.equal("0x6553f100");
      expect(decodeCliqueExtraData(genesis.extraData).signers).to.deep.equal(ascending(SIGNERS));
    });

    it("funds exactly the given accounts with the given balances", function () {
      expect(genesis.alloc).to.deep.equal({
        [MEMBERS[0].slice(2).toLowerCase()]: { balance: "0xd3c21bcecceda1000000" },
        [MEMBERS[1].slice(2).toLowerCase()]: { balance: "0x5" },
      });
    });

    it("refuses a bad chain id, a sub-second or fractional period, and zero funding", function () {
      const base = { chainId: 1, signers: SIGNERS, periodSeconds: 1, alloc: {} };
      expect(() => cliqueGenesis({ ...base, chainId: 0 })).to.throw("chain id 0");
      expect(() => cliqueGenesis({ ...base, periodSeconds: 0 })).to.throw("period 0");
      expect(() => cliqueGenesis({ ...base, periodSeconds: 1.5 })).to.throw("period 1.5");
      expect(() => cliqueGenesis({ ...base, alloc: { [MEMBERS[0]]: 0n } })).to.throw("must be positive");
    });
  });

  describe("node keys", function () {
    it("are the same for the same chain and index, and differ across nodes and chains", function () {
      expect(deterministicNodeKey(5, 1)).to.equal(deterministicNodeKey(5, 1));
      expect(deterministicNodeKey(5, 1)).to.not.equal(deterministicNodeKey(5, 2));
      expect(deterministicNodeKey(5, 1)).to.not.equal(deterministicNodeKey(6, 1));
    });

    it("give a 64-byte enode id (uncompressed public key without the 0x04 prefix)", function () {
      const id = enodeId(deterministicNodeKey(5, 1));
      expect(id).to.match(/^[0-9a-f]{128}$/);
    });
  });
});
