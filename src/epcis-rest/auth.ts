/**
 * Sign-In with Ethereum (EIP-4361) sessions of the EPCIS interface. A nonce from `GET /auth/nonce`, a message signed
 * by a member account (checked with viem's SIWE helpers: domain, URI, chain id, nonce, issuedAt, expirationTime),
 * and a bearer token that expires after an hour, never after the message's expirationTime. Who the account belongs
 * to is read from the Consortium contract's views on every request: a suspended organisation loses access at once.
 */
import { randomBytes } from "node:crypto";
import { JsonRpcProvider } from "ethers";
import { type Hex, getAddress, verifyMessage } from "viem";
import { generateSiweNonce, parseSiweMessage, validateSiweMessage } from "viem/siwe";
import { Consortium__factory } from "../../typechain-types";
import { type RoleName, roleNames } from "../roles";
import { EpcisProblem } from "./problem";

/** A session lasts an hour unless the signed message expires sooner. */
export const SESSION_TTL_MS = 3_600_000;
/** A nonce must be signed and sent back within five minutes, once. */
export const NONCE_TTL_MS = 300_000;
/** How far a message's issuedAt may lie in the future (clock skew). */
const ISSUED_SKEW_MS = 60_000;

/**
 * Roles that may capture: the members that act in the supply chain and anchor custody events. A regulator reads
 * everything but documents nothing of its own here.
 */
export const CAPTURE_ROLES: readonly RoleName[] = ["MANUFACTURER", "DISTRIBUTOR", "CARRIER", "HOSPITAL"];

/** Who is asking: a signed-in member organisation, or nobody. */
export type Principal =
  | { kind: "public" }
  | { kind: "member"; account: string; org: number; roles: RoleName[]; regulator: boolean; canCapture: boolean };

/** The consortium's answer about an account: its active organisation and roles, or why it has none. */
export type Membership = { org: number; roles: RoleName[] } | { refused: string };

/** Reads membership from the Consortium contract's views (`memberOf`, `member`) over JSON-RPC. */
export function consortiumMembership(rpcUrl: string, consortium: string): (account: string) => Promise<Membership> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 1 });
  const c = Consortium__factory.connect(consortium, provider);
  return async (account) => {
    const org = Number(await c.memberOf(account));
    if (org === 0) return { refused: `${account} is not a member account` };
    const m = await c.member(org);
    if (Number(m.kind) !== 0) return { refused: `${account} belongs to a person, not an organisation` };
    if (Number(m.status) !== 1) return { refused: `organisation ${org} is not active` };
    return { org, roles: roleNames(m.roles) };
  };
}

export interface SessionOptions {
  /** The chain the indexer reads: a message for another chain is refused. */
  chainId: number;
  /** The origins a message may name as its URI (and, by their host, as its domain). */
  origins: string[];
  membership: (account: string) => Promise<Membership>;
  /** Clock (tests). */
  now?: () => number;
  sessionTtlMs?: number;
}

interface Session {
  account: string;
  expiresAt: number;
}

/** Nonces and sessions of one server (in memory: a restart signs everyone out). */
export class Sessions {
  private readonly nonces = new Map<string, number>();
  private readonly sessions = new Map<string, Session>();
  private readonly now: () => number;
  private readonly domains: Set<string>;
  private readonly origins: Set<string>;

  constructor(private readonly options: SessionOptions) {
    this.now = options.now ?? Date.now;
    this.origins = new Set(options.origins.map((o) => new URL(o).origin));
    this.domains = new Set(options.origins.map((o) => new URL(o).host));
  }

  /** A fresh single-use nonce. */
  nonce(): string {
    this.sweep();
    const nonce = generateSiweNonce();
    this.nonces.set(nonce, this.now() + NONCE_TTL_MS);
    return nonce;
  }

  /** Checks a signed EIP-4361 message and opens a session; a SecurityException says what was wrong. */
  async signIn(message: unknown, signature: unknown): Promise<{ token: string; account: string; expiresAt: string }> {
    const refuse = (why: string) => new EpcisProblem("SecurityException", `sign-in refused: ${why}`);
    if (typeof message !== "string" || typeof signature !== "string" || !/^0x[0-9a-fA-F]+$/.test(signature))
      throw new EpcisProblem("ValidationException", "the body must be { message: string, signature: 0x-hex }");
    const m = parseSiweMessage(message);
    if (!m.address || !m.domain || !m.uri || !m.nonce || m.chainId === undefined || !m.issuedAt || !m.version)
      throw refuse("not an EIP-4361 message (address, domain, uri, chain id, nonce and issuedAt are required)");
    if (!this.domains.has(m.domain)) throw refuse(`domain ${m.domain} is not this server's`);
    let origin: string;
    try {
      origin = new URL(m.uri).origin;
    } catch {
      throw refuse(`uri ${m.uri} is not a URI`);
    }
    if (!this.origins.has(origin)) throw refuse(`uri ${m.uri} is not on this server`);
    if (m.chainId !== this.options.chainId) throw refuse(`chain ${m.chainId} is not the indexed chain`);
    const now = this.now();
    if (m.issuedAt.getTime() > now + ISSUED_SKEW_MS) throw refuse("issuedAt lies in the future");
    if (m.expirationTime && m.expirationTime.getTime() <= now) throw refuse("the message has expired");
    if (m.notBefore && m.notBefore.getTime() > now) throw refuse("the message is not valid yet (notBefore)");
    const nonceExpiry = this.nonces.get(m.nonce);
    if (nonceExpiry === undefined || nonceExpiry <= now) throw refuse("unknown, used or expired nonce");
    if (!validateSiweMessage({ message: m, domain: m.domain, nonce: m.nonce, time: new Date(now) }))
      throw refuse("the message does not validate");
    const valid = await verifyMessage({ address: m.address, message, signature: signature as Hex }).catch(() => false);
    if (!valid) throw refuse(`the signature is not ${m.address}'s`);
    // The nonce is spent once the signature checks out (a bad signature does not burn someone else's nonce).
    this.nonces.delete(m.nonce);
    const account = getAddress(m.address);
    const membership = await this.options.membership(account);
    if ("refused" in membership)
      throw new EpcisProblem("SecurityException", `sign-in refused: ${membership.refused}`, 403);
    const ttl = this.options.sessionTtlMs ?? SESSION_TTL_MS;
    const expiresAt = Math.min(now + ttl, m.expirationTime?.getTime() ?? Infinity);
    const token = randomBytes(32).toString("base64url");
    this.sessions.set(token, { account, expiresAt });
    return { token, account, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** The principal of a request's `Authorization` header (public without one; an invalid token is refused). */
  async principal(authorization: string | undefined): Promise<Principal> {
    if (!authorization) return { kind: "public" };
    const m = /^Bearer ([A-Za-z0-9_-]{20,})$/.exec(authorization);
    if (!m) throw new EpcisProblem("SecurityException", "Authorization must be `Bearer <session token>`");
    const session = this.sessions.get(m[1]);
    if (!session) throw new EpcisProblem("SecurityException", "unknown session: sign in again");
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(m[1]);
      throw new EpcisProblem("SecurityException", "the session has expired: sign in again");
    }
    const membership = await this.options.membership(session.account);
    if ("refused" in membership) throw new EpcisProblem("SecurityException", membership.refused, 403);
    return {
      kind: "member",
      account: session.account,
      org: membership.org,
      roles: membership.roles,
      regulator: membership.roles.includes("REGULATOR"),
      canCapture: membership.roles.some((r) => CAPTURE_ROLES.includes(r)),
    };
  }

  private sweep(): void {
    const now = this.now();
    for (const [n, exp] of this.nonces) if (exp <= now) this.nonces.delete(n);
    for (const [t, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(t);
  }
}
