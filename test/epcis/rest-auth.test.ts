import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { type HDNodeWallet, Wallet } from "ethers";
import { type Membership, Sessions } from "../../src/epcis-rest/auth";
import { EpcisRestError, signIn, siweMessage } from "../../src/epcis-rest/client";
import { EpcisProblem } from "../../src/epcis-rest/problem";

const BASE = "http://127.0.0.1:42069";
const CHAIN = 31337;
const member = Wallet.createRandom();
const regulator = Wallet.createRandom();
const stranger = Wallet.createRandom();

async function refusal(p: Promise<unknown>): Promise<EpcisProblem> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(EpcisProblem);
    return err as EpcisProblem;
  }
  throw new Error("expected a refusal");
}

describe("EPCIS REST: Sign-In with Ethereum sessions", function () {
  let now: number;
  let suspended: boolean;
  let sessions: Sessions;
  const membership = async (account: string): Promise<Membership> => {
    if (account === member.address)
      return suspended ? { refused: "organisation 2 is not active" } : { org: 2, roles: ["MANUFACTURER"] };
    if (account === regulator.address) return { org: 1, roles: ["REGULATOR"] };
    return { refused: `${account} is not a member account` };
  };
  const signed = async (w: HDNodeWallet, over: Partial<Parameters<typeof siweMessage>[0]> = {}) => {
    const message = siweMessage({
      baseUrl: BASE,
      account: w.address,
      chainId: CHAIN,
      nonce: sessions.nonce(),
      issuedAt: new Date(now),
      ...over,
    });
    return { message, signature: await w.signMessage(message) };
  };

  beforeEach(function () {
    now = Date.parse("2026-03-02T08:00:00Z");
    suspended = false;
    sessions = new Sessions({
      chainId: CHAIN,
      origins: [BASE, "http://127.0.0.1:5173"],
      membership,
      now: () => now,
    });
  });

  it("opens a session for a member and answers who it is on every request", async function () {
    const { message, signature } = await signed(member);
    const s = await sessions.signIn(message, signature);
    expect(s.account).to.equal(member.address);
    expect(s.expiresAt).to.equal("2026-03-02T09:00:00.000Z");
    expect(await sessions.principal(`Bearer ${s.token}`)).to.deep.equal({
      kind: "member",
      account: member.address,
      org: 2,
      roles: ["MANUFACTURER"],
      regulator: false,
      canCapture: true,
    });
    const r = await signed(regulator, { baseUrl: "http://127.0.0.1:5173" });
    const rs = await sessions.signIn(r.message, r.signature);
    expect(await sessions.principal(`Bearer ${rs.token}`)).to.include({ regulator: true, canCapture: false });
    expect(await sessions.principal(undefined)).to.deep.equal({ kind: "public" });
  });

  it("refuses another signer, a foreign domain or URI, another chain, a reused or unknown nonce", async function () {
    const good = await signed(member);
    const cases: [Promise<unknown>, string][] = [
      [sessions.signIn(good.message, await stranger.signMessage(good.message)), "signature"],
      [
        signed(member, { baseUrl: "https://evil.example" }).then((m) => sessions.signIn(m.message, m.signature)),
        "domain",
      ],
      [signed(member, { chainId: 1 }).then((m) => sessions.signIn(m.message, m.signature)), "chain 1"],
      [signed(member, { nonce: "ZZZZZZZZZZZZZZZZ" }).then((m) => sessions.signIn(m.message, m.signature)), "nonce"],
    ];
    for (const [p, text] of cases) {
      const e = await refusal(p);
      expect([e.exception, e.status]).to.deep.equal(["SecurityException", 401]);
      expect(e.message).to.contain(text);
    }
    await sessions.signIn(good.message, good.signature);
    expect((await refusal(sessions.signIn(good.message, good.signature))).message).to.contain("used");
    const bad = await refusal(sessions.signIn("hello", "0x00"));
    expect(bad.message).to.contain("not an EIP-4361 message");
    expect((await refusal(sessions.signIn(undefined, undefined))).exception).to.equal("ValidationException");
  });

  it("refuses a message issued in the future, expired, not yet valid, or a nonce older than five minutes", async function () {
    for (const [over, text] of [
      [{ issuedAt: new Date(now + 120_000) }, "future"],
      [{ expirationTime: new Date(now - 1) }, "expired"],
    ] as const) {
      const m = await signed(member, over);
      expect((await refusal(sessions.signIn(m.message, m.signature))).message).to.contain(text);
    }
    const m = await signed(member);
    now += 300_001;
    expect((await refusal(sessions.signIn(m.message, m.signature))).message).to.contain("expired nonce");
  });

  it("refuses a non-member (403) and drops a session whose organisation is suspended", async function () {
    const m = await signed(stranger);
    const e = await refusal(sessions.signIn(m.message, m.signature));
    expect([e.exception, e.status]).to.deep.equal(["SecurityException", 403]);
    const g = await signed(member);
    const s = await sessions.signIn(g.message, g.signature);
    suspended = true;
    const d = await refusal(sessions.principal(`Bearer ${s.token}`));
    expect([d.status, d.message]).to.deep.equal([403, "organisation 2 is not active"]);
  });

  it("ends a session after an hour or at the message's expirationTime, whichever comes first", async function () {
    const short = await signed(member, { expirationTime: new Date(now + 600_000) });
    const s = await sessions.signIn(short.message, short.signature);
    expect(s.expiresAt).to.equal("2026-03-02T08:10:00.000Z");
    now += 599_999;
    expect((await sessions.principal(`Bearer ${s.token}`)).kind).to.equal("member");
    now += 1;
    expect((await refusal(sessions.principal(`Bearer ${s.token}`))).message).to.contain("expired");
    const long = await signed(member, { expirationTime: new Date(now + 86_400_000) });
    const l = await sessions.signIn(long.message, long.signature);
    now += 3_600_000;
    expect((await refusal(sessions.principal(`Bearer ${l.token}`))).status).to.equal(401);
    expect((await refusal(sessions.principal("Basic abc"))).message).to.contain("Bearer");
  });
});

describe("EPCIS REST client: signing in", function () {
  it("refuses to sign in when the interface names no chain id, before asking for a nonce", async function () {
    const asked: string[] = [];
    const server = http.createServer((req, res) => {
      asked.push(req.url ?? "");
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ chainId: "", indexedBlock: "0", headBlock: "0", behind: "0" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const err = await signIn(member, `http://127.0.0.1:${port}`).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(EpcisRestError);
      expect((err as EpcisRestError).message).to.contain("names no chain id to sign in for");
      expect(asked).to.deep.equal(["/history/status"]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
