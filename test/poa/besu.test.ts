import { expect } from "chai";
import { Wallet, decodeRlp, encodeRlp, getAddress, getBytes, hexlify, toBeHex } from "ethers";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { BFT_MIX_HASH, decodeQbftExtraData, qbftExtraData, qbftGenesis, writeQbftGenesis } from "../../src/poa/besu";
import { CLIQUE_FORK_BLOCKS } from "../../src/poa/clique";

const VALIDATORS = [11, 12, 13, 14].map((i) => new Wallet(toBeHex(i * 7_919, 32)).address);
// Besu's documentation example (Configure QBFT consensus, block header validator selection): 4 validators.
const BESU_DOC_EXTRA =
  "0xf87aa00000000000000000000000000000000000000000000000000000000000000000f8549464a702e6263b7297a96638cac6ae65e6541f41" +
  "69943923390ad55e90c237593b3b0e401f3b08a0318594aefdb9a738c9f433e5b6b212a6d62f6370c2f69294c7eeb9a4e00ce683cf93039b21" +
  "2648e01c6c6b78c080c0";
const VANITY = hexlify(new Uint8Array(32));

describe("PoA: Besu QBFT genesis", function () {
  describe("extraData", function () {
    it("is RLP [32-byte vanity, validators, empty vote list, round 0 as the empty scalar, empty seal list]", function () {
      const raw = decodeRlp(qbftExtraData(VALIDATORS)) as unknown[];
      expect(raw).to.have.length(5);
      expect(raw[0]).to.equal(VANITY);
      expect((raw[1] as string[]).map((a) => a.toLowerCase())).to.deep.equal(VALIDATORS.map((a) => a.toLowerCase()));
      expect(raw[2]).to.deep.equal([]);
      expect(raw[3]).to.equal("0x");
      expect(raw[4]).to.deep.equal([]);
      // The tail of the encoding is exactly: empty list (c0), empty string (80), empty list (c0).
      expect(qbftExtraData(VALIDATORS).endsWith("c080c0")).to.equal(true);
    });

    it("decodes to the validators (checksummed, in the given order), no vote, round 0 and no seals", function () {
      const reversed = [...VALIDATORS].reverse();
      const decoded = decodeQbftExtraData(qbftExtraData(reversed));
      expect(decoded).to.deep.equal({ vanity: VANITY, validators: reversed, vote: undefined, round: 0, seals: [] });
    });

    it("reproduces Besu's documented genesis extraData byte for byte", function () {
      const decoded = decodeQbftExtraData(BESU_DOC_EXTRA);
      expect(decoded.validators).to.have.length(4);
      expect(decoded.validators[0]).to.equal(getAddress("0x64a702e6263b7297a96638cac6ae65e6541f4169"));
      expect(qbftExtraData(decoded.validators)).to.equal(BESU_DOC_EXTRA);
    });

    it("decodes a vote and a non-zero round as Besu writes them in later headers", function () {
      const add = encodeRlp([VANITY, [VALIDATORS[0]], [VALIDATORS[1], "0xff"], "0x02", ["0x" + "11".repeat(65)]]);
      const d = decodeQbftExtraData(add);
      expect(d.vote).to.deep.equal({ recipient: VALIDATORS[1], add: true });
      expect(d.round).to.equal(2);
      expect(d.seals).to.deep.equal(["0x" + "11".repeat(65)]);
      const drop = encodeRlp([VANITY, [VALIDATORS[0]], [VALIDATORS[1], "0x"], "0x", []]);
      expect(decodeQbftExtraData(drop).vote).to.deep.equal({ recipient: VALIDATORS[1], add: false });
    });

    it("refuses malformed extraData field by field", function () {
      const v = [VALIDATORS[0]];
      expect(() => decodeQbftExtraData(encodeRlp([VANITY, v, [], "0x"]))).to.throw("expected 5 items, got 4");
      expect(() => decodeQbftExtraData(encodeRlp(["0x00", v, [], "0x", []]))).to.throw("vanity must be 32 bytes");
      expect(() => decodeQbftExtraData(encodeRlp([VANITY, ["0x1234"], [], "0x", []]))).to.throw(
        "validator 0 is not 20 bytes",
      );
      expect(() => decodeQbftExtraData(encodeRlp([VANITY, v, [v[0]], "0x", []]))).to.throw(
        "a vote is [recipient, type]",
      );
      expect(() => decodeQbftExtraData(encodeRlp([VANITY, v, [v[0], "0x01"], "0x", []]))).to.throw(
        "neither add nor drop",
      );
      expect(() => decodeQbftExtraData(encodeRlp([VANITY, v, [], "0x0001", []]))).to.throw("canonical integer scalar");
      expect(() => decodeQbftExtraData(encodeRlp([VANITY, "0x", [], "0x", []]))).to.throw("validators must be a list");
      expect(() => decodeQbftExtraData(encodeRlp("0x01"))).to.throw("the root must be a list");
      expect(() => qbftExtraData([])).to.throw("at least one validator");
      expect(() => qbftExtraData([VALIDATORS[0], VALIDATORS[0].toLowerCase()])).to.throw("duplicate validator");
    });
  });

  describe("genesis", function () {
    const genesis = qbftGenesis({
      chainId: 2026,
      validators: VALIDATORS,
      blockPeriodSeconds: 2,
      timestamp: 1_700_000_000,
    });

    it("enables London at block 0 and nothing later, with free gas (zeroBaseFee)", function () {
      const { config } = genesis;
      for (const fork of CLIQUE_FORK_BLOCKS) expect(config[fork], fork).to.equal(0);
      expect(config.zeroBaseFee).to.equal(true);
      expect(Object.keys(config).sort()).to.deep.equal(
        ["chainId", "qbft", "zeroBaseFee", ...CLIQUE_FORK_BLOCKS].sort(),
      );
      expect(config.chainId).to.equal(2026);
    });

    it("sets the QBFT block period, epoch and a round timeout above the period", function () {
      expect(genesis.config.qbft).to.deep.equal({
        blockperiodseconds: 2,
        epochlength: 30_000,
        requesttimeoutseconds: 4,
      });
      const slow = qbftGenesis({ chainId: 1, validators: VALIDATORS, blockPeriodSeconds: 5 });
      expect(slow.config.qbft.requesttimeoutseconds).to.equal(10);
    });

    it("writes the BFT mix hash, difficulty 1, the gas limit, timestamp and validators", function () {
      expect(genesis.mixHash).to.equal(BFT_MIX_HASH);
      expect(Buffer.from(getBytes(BFT_MIX_HASH)).toString("latin1")).to.equal("ctical byzantine fault tolerance");
      expect(genesis.difficulty).to.equal("0x1");
      expect(genesis.gasLimit).to.equal("0x1c9c380");
      expect(genesis.timestamp).to.equal("0x6553f100");
      expect(genesis.nonce).to.equal("0x0");
      expect(genesis.alloc).to.deep.equal({});
      expect(decodeQbftExtraData(genesis.extraData).validators).to.deep.equal(VALIDATORS);
    });

    it("funds optional accounts and refuses bad parameters", function () {
      const funded = qbftGenesis({
        chainId: 1,
        validators: VALIDATORS,
        blockPeriodSeconds: 1,
        alloc: { [VALIDATORS[0]]: 9n },
      });
      expect(funded.alloc).to.deep.equal({ [VALIDATORS[0].slice(2).toLowerCase()]: { balance: "0x9" } });
      const base = { chainId: 1, validators: VALIDATORS, blockPeriodSeconds: 2 };
      expect(() => qbftGenesis({ ...base, chainId: -1 })).to.throw("chain id -1");
      expect(() => qbftGenesis({ ...base, blockPeriodSeconds: 0 })).to.throw("block period 0");
      expect(() => qbftGenesis({ ...base, requestTimeoutSeconds: 2 })).to.throw("request timeout 2 s");
      expect(() => qbftGenesis({ ...base, alloc: { [VALIDATORS[0]]: 0n } })).to.throw("must be positive");
    });
  });

  describe("the written file", function () {
    it("reads back as JSON whose every field, decoded, is what was asked for", function () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "citychain-besu-"));
      try {
        const file = path.join(dir, "nested", "genesis.json");
        const member = new Wallet(toBeHex(99, 32)).address;
        writeQbftGenesis(file, {
          chainId: 4242,
          validators: VALIDATORS,
          blockPeriodSeconds: 3,
          requestTimeoutSeconds: 9,
          epochLength: 100,
          gasLimit: 50_000_000n,
          alloc: { [member]: 10n ** 18n },
          timestamp: 1_800_000_000,
        });
        const json = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
        expect(Object.keys(json).sort()).to.deep.equal(
          [
            "alloc",
            "coinbase",
            "config",
            "difficulty",
            "extraData",
            "gasLimit",
            "mixHash",
            "nonce",
            "timestamp",
          ].sort(),
        );
        const config = json.config as Record<string, unknown>;
        expect(config.chainId).to.equal(4242);
        expect(config.zeroBaseFee).to.equal(true);
        expect(config.qbft).to.deep.equal({ blockperiodseconds: 3, epochlength: 100, requesttimeoutseconds: 9 });
        for (const fork of CLIQUE_FORK_BLOCKS) expect(config[fork], fork).to.equal(0);
        expect(Object.keys(config)).to.have.length(3 + CLIQUE_FORK_BLOCKS.length);
        expect(BigInt(json.gasLimit as string)).to.equal(50_000_000n);
        expect(BigInt(json.timestamp as string)).to.equal(1_800_000_000n);
        expect(json.nonce).to.equal("0x0");
        expect(json.difficulty).to.equal("0x1");
        expect(json.mixHash).to.equal(BFT_MIX_HASH);
        expect(json.coinbase).to.equal("0x" + "00".repeat(20));
        expect(json.alloc).to.deep.equal({ [member.slice(2).toLowerCase()]: { balance: "0xde0b6b3a7640000" } });
        expect(decodeQbftExtraData(json.extraData as string)).to.deep.equal({
          vanity: VANITY,
          validators: VALIDATORS,
          vote: undefined,
          round: 0,
          seals: [],
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
