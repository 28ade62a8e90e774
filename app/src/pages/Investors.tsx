import { useState } from "react";
import { formatUnits, parseUnits } from "ethers";
import type { Signer } from "ethers";
import {
  AssetMarket__factory,
  AssetOffering__factory,
  AssetRegistry__factory,
  AssetShareToken__factory,
  IERC20Metadata__factory,
} from "../../../typechain-types";
import { ASSET_KIND_NAMES, ASSET_STATUS, OFFERING_STATE } from "../../../src/assets";
import { documentHash } from "../../../src/consortium";
import { useApp } from "../app-context";
import type { AppState } from "../app-context";
import { Addr, Hash, Loading, NotDeployed, useChainData, when } from "../components";
import { TxStatus, useTx } from "../tx";
import { RevenueChart, RevenuePoint } from "./chart";

interface PayToken {
  address: string;
  symbol: string;
  decimals: number;
}

const KIND_LABEL: Record<string, string> = {
  Solar: "solar plant",
  Vending: "vending machines",
  AdScreen: "ad screens",
  Other: "other",
};

function money(amount: bigint, t: PayToken | undefined): string {
  if (!t) return amount.toString();
  const [whole, frac = ""] = formatUnits(amount, t.decimals).split(".");
  return `${BigInt(whole).toLocaleString("en-GB")}.${frac.replace(/0+$/, "").padEnd(2, "0")} ${t.symbol}`;
}

/** Everything the investors' page reads in one pass (reloaded on every block). */
async function loadInvestorView(app: AppState) {
  const c = app.deployment.contracts;
  const p = app.provider;
  const registry = AssetRegistry__factory.connect(c.assetRegistry, p);
  const offering = AssetOffering__factory.connect(c.assetOffering ?? (await registry.offering()), p);
  const market = AssetMarket__factory.connect(c.assetMarket ?? (await registry.market()), p);
  const now = BigInt((await p.getBlock("latest"))!.timestamp);
  const payTokens = new Map<string, PayToken>();
  const payToken = async (address: string) => {
    const key = address.toLowerCase();
    if (!payTokens.has(key)) {
      const t = IERC20Metadata__factory.connect(address, p);
      const [symbol, decimals] = await Promise.all([t.symbol(), t.decimals()]);
      payTokens.set(key, { address, symbol, decimals: Number(decimals) });
    }
    return payTokens.get(key)!;
  };
  const count = Number(await registry.assetCount());
  const assets = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const id = BigInt(i + 1);
      const a = await registry.asset(id);
      const token = AssetShareToken__factory.connect(a.shareToken, p);
      const [name, symbol, supply, cap, pts] = await Promise.all([
        token.name(),
        token.symbol(),
        token.totalSupply(),
        token.cap(),
        token.paymentTokens(),
      ]);
      const tokens = await Promise.all(pts.map(payToken));
      const deposits = await token.queryFilter(token.filters.RevenueDeposited());
      const stamps = await Promise.all(deposits.map((d) => p.getBlock(d.blockNumber)));
      const revenue: RevenuePoint[] = deposits.map((d, k) => ({
        asset: symbol,
        paymentToken: d.args.paymentToken,
        amount: d.args.amount,
        kwh: d.args.meteredKWh,
        time: stamps[k]?.timestamp ?? 0,
      }));
      let mine:
        | {
            balance: bigint;
            unlocked: bigint;
            listed: bigint;
            offered: bigint;
            offeringId: bigint;
            offeredLocked: boolean;
            claimable: bigint[];
          }
        | undefined;
      if (app.account) {
        const who = app.account.address;
        const [balance, unlocked, locks, claimable] = await Promise.all([
          token.balanceOf(who),
          token.unlockedBalanceOf(who),
          token.locksOf(who),
          Promise.all(pts.map((pt) => token.claimableOf(who, pt))),
        ]);
        mine = {
          balance,
          unlocked,
          listed: locks.listed,
          offered: locks.offered,
          offeringId: locks.offeringId,
          offeredLocked: locks.offeredLocked,
          claimable,
        };
      }
      return { id, a, name, symbol, supply, cap, tokens, revenue, mine, shareToken: a.shareToken };
    }),
  );
  const offeringCount = Number(await offering.offeringCount());
  const offerings = await Promise.all(
    Array.from({ length: offeringCount }, async (_, i) => {
      const id = BigInt(i + 1);
      const o = await offering.offering(id);
      return { id, o, pay: await payToken(o.paymentToken) };
    }),
  );
  const listingCount = Number(await market.listingCount());
  const listings = await Promise.all(
    Array.from({ length: listingCount }, async (_, i) => {
      const id = BigInt(i + 1);
      const l = await market.listing(id);
      return { id, l, pay: await payToken(l.paymentToken) };
    }),
  );
  let balances: { token: PayToken; balance: bigint }[] = [];
  if (app.account) {
    const who = app.account.address;
    balances = await Promise.all(
      [...payTokens.values()].map(async (t) => ({
        token: t,
        balance: await IERC20Metadata__factory.connect(t.address, p).balanceOf(who),
      })),
    );
  }
  return {
    now,
    assets,
    offerings,
    listings: listings.filter((x) => x.l.remaining > 0n),
    balances,
    offeringAddress: await offering.getAddress(),
    marketAddress: await market.getAddress(),
  };
}

type View = Awaited<ReturnType<typeof loadInvestorView>>;

/** Investors: assets, open offerings (buy, refund), portfolio (claim all), market (list, buy, cancel), revenue chart. */
export function InvestorsPage() {
  const app = useApp();
  const { data, error } = useChainData(
    async () => (app.deployment.contracts.assetRegistry ? loadInvestorView(app) : undefined),
    [app.account?.address],
  );
  if (!app.deployment.contracts.assetRegistry) return <NotDeployed what="The asset registry" />;
  if (!data) return <Loading error={error} />;
  return (
    <>
      <h1>Investors</h1>
      <p className="muted">
        Shares of the city's earning assets. Only KYC'd investors hold them; revenue accrues to whoever holds the shares
        and is claimed at any time, in each payment token.
      </p>
      <Assets view={data} />
      <Offerings view={data} />
      <Portfolio view={data} />
      <Market view={data} />
      <section className="card">
        <h2>Revenue received per asset</h2>
        <RevenueChart
          points={data.assets.flatMap((a) => a.revenue)}
          tokens={Object.fromEntries(data.assets.flatMap((a) => a.tokens).map((t) => [t.address.toLowerCase(), t]))}
        />
      </section>
    </>
  );
}

function Assets({ view }: { view: View }) {
  const { deployment, namer } = useApp();
  const docs = (deployment.facts.appAssets ?? {}) as Record<string, { documents: string }>;
  return (
    <section className="card">
      <h2>Assets</h2>
      <table data-testid="assets">
        <thead>
          <tr>
            <th>#</th>
            <th>Asset</th>
            <th>Kind</th>
            <th>Status</th>
            <th>Operator</th>
            <th>Shares issued / cap</th>
            <th>Documents hash</th>
          </tr>
        </thead>
        <tbody>
          {view.assets.map((x) => {
            const d = docs[x.id.toString()];
            const matches = d && documentHash(d.documents) === x.a.metadataHash;
            return (
              <tr key={x.id.toString()} data-testid="asset-row">
                <td>{x.id.toString()}</td>
                <td>
                  <b>{x.name}</b> <span className="muted">{x.symbol}</span>
                  {d ? <div className="muted">{d.documents}</div> : null}
                </td>
                <td>{KIND_LABEL[ASSET_KIND_NAMES[Number(x.a.kind)]]}</td>
                <td>
                  <span
                    className={`badge ${Number(x.a.status) === 3 ? "ok" : Number(x.a.status) === 4 ? "bad" : "warn"}`}
                  >
                    {ASSET_STATUS[Number(x.a.status)].toLowerCase()}
                  </span>
                </td>
                <td>{namer.org?.(Number(x.a.operatorOrg)) ?? x.a.operatorOrg.toString()}</td>
                <td>
                  {x.supply.toLocaleString("en-GB")} / {x.cap.toLocaleString("en-GB")}
                </td>
                <td>
                  <Hash value={x.a.metadataHash} />{" "}
                  {d ? (
                    matches ? (
                      <span className="badge ok">matches</span>
                    ) : (
                      <span className="badge bad">differs</span>
                    )
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** Approves exactly `cost` of a payment token for `spender`, then runs `then`. */
async function approveThen(
  tx: ReturnType<typeof useTx>,
  token: PayToken,
  spender: string,
  cost: bigint,
  label: string,
  then: (s: Signer) => ReturnType<Parameters<ReturnType<typeof useTx>["run"]>[1]>,
): Promise<boolean> {
  const ok = await tx.run(`Approve ${money(cost, token)}`, (s) =>
    IERC20Metadata__factory.connect(token.address, s).approve(spender, cost),
  );
  return ok && tx.run(label, then);
}

function Offerings({ view }: { view: View }) {
  const live = view.offerings.filter((x) => Number(x.o.state) === 1);
  const failed = view.offerings.filter((x) => Number(x.o.state) === 3);
  const assetOf = (id: bigint) => view.assets.find((a) => a.id === id);
  return (
    <section className="card">
      <h2>Offerings</h2>
      {live.length === 0 ? <div className="muted">No sale is open.</div> : null}
      {live.map((x) => (
        <OfferingRow key={x.id.toString()} x={x} asset={assetOf(x.o.assetId)} view={view} />
      ))}
      {failed.map((x) => (
        <RefundRow key={x.id.toString()} x={x} asset={assetOf(x.o.assetId)} view={view} />
      ))}
    </section>
  );
}

function OfferingRow({ x, asset, view }: { x: View["offerings"][number]; asset?: View["assets"][number]; view: View }) {
  const { account } = useApp();
  const [shares, setShares] = useState("");
  const tx = useTx();
  const o = x.o;
  const running = view.now <= o.deadline && o.sold < o.hardCap;
  const pct = (n: bigint) => `${(Number(n) * 100) / Number(o.hardCap)}%`;
  const n = /^\d+$/.test(shares) ? BigInt(shares) : 0n;
  const mine = asset?.mine && asset.mine.offeringId === x.id ? asset.mine.offered : 0n;
  return (
    <div className="card" data-testid="offering" data-offering={x.id.toString()} style={{ margin: "0.6rem 0" }}>
      <div>
        <b>{asset?.name}</b> <span className="badge">{OFFERING_STATE[Number(o.state)].toLowerCase()}</span>{" "}
        <span className="muted">
          offering {x.id.toString()} · {money(o.price, x.pay)} per share · closes {when(o.deadline)}
        </span>
      </div>
      <div className="progress" title={`${o.sold} of ${o.hardCap} shares`}>
        <div style={{ width: pct(o.sold) }} />
      </div>
      <div className="muted" data-testid="offering-sold">
        {o.sold.toLocaleString("en-GB")} of {o.hardCap.toLocaleString("en-GB")} shares sold · goal{" "}
        {o.softCap.toLocaleString("en-GB")} ({pct(o.softCap)}) · {o.minPerInvestor.toString()}–
        {o.maxPerInvestor.toString()} per investor
        {mine > 0n ? <> · you hold {mine.toString()} in escrow</> : null}
      </div>
      {running ? (
        <div className="form-row">
          <input
            data-testid="offering-shares"
            placeholder="shares"
            value={shares}
            onChange={(e) => setShares(e.target.value.trim())}
            style={{ width: "8rem" }}
          />
          <span className="muted">{n > 0n ? `costs ${money(n * o.price, x.pay)}` : ""}</span>
          <button
            data-testid="offering-buy"
            disabled={!account || n === 0n || tx.state.status === "pending"}
            onClick={() =>
              void approveThen(tx, x.pay, view.offeringAddress, n * o.price, `Buy ${n} ${asset?.symbol} shares`, (s) =>
                AssetOffering__factory.connect(view.offeringAddress, s).buy(x.id, n, o.price, view.now + 3600n),
              )
            }
          >
            Buy
          </button>
        </div>
      ) : (
        <div className="form-row">
          <span className="muted">The sale has ended; anyone may finalise it.</span>
          <button
            className="secondary"
            disabled={!account || tx.state.status === "pending"}
            onClick={() =>
              void tx.run("Finalise the sale", (s) =>
                AssetOffering__factory.connect(view.offeringAddress, s).finalise(x.id),
              )
            }
          >
            Finalise
          </button>
        </div>
      )}
      <TxStatus state={tx.state} />
    </div>
  );
}

function RefundRow({ x, asset, view }: { x: View["offerings"][number]; asset?: View["assets"][number]; view: View }) {
  const tx = useTx();
  const mine = asset?.mine && asset.mine.offeringId === x.id && asset.mine.offeredLocked ? asset.mine.offered : 0n;
  if (mine === 0n && tx.state.status === "idle") return null;
  return (
    <div className="card" data-testid="refund" style={{ margin: "0.6rem 0" }}>
      <b>{asset?.name}</b> <span className="badge bad">sale failed</span>{" "}
      <span className="muted">
        offering {x.id.toString()}: {x.o.sold.toString()} of the {x.o.softCap.toString()} shares needed were sold by{" "}
        {when(x.o.deadline)}
      </span>
      {mine > 0n ? (
        <div className="form-row">
          <span>
            Your {mine.toString()} shares are refunded in full: {money(mine * x.o.price, x.pay)}.
          </span>
          <button
            data-testid="refund-button"
            disabled={tx.state.status === "pending"}
            onClick={() =>
              void tx.run("Refund", (s) => AssetOffering__factory.connect(view.offeringAddress, s).refund(x.id))
            }
          >
            Refund
          </button>
        </div>
      ) : null}
      <TxStatus state={tx.state} />
    </div>
  );
}

function Portfolio({ view }: { view: View }) {
  const { account } = useApp();
  const tx = useTx();
  if (!account) {
    return (
      <section className="card">
        <h2>Your portfolio</h2>
        <div className="muted">Connect an investor account to see your shares and revenue.</div>
      </section>
    );
  }
  const held = view.assets.filter((a) => a.mine && (a.mine.balance > 0n || a.mine.claimable.some((c) => c > 0n)));
  const claims = held.flatMap((a) =>
    a.tokens.map((t, i) => ({ a, t, amount: a.mine!.claimable[i] })).filter((c) => c.amount > 0n),
  );
  const totals = new Map<string, { t: PayToken; amount: bigint }>();
  for (const c of claims) {
    const k = c.t.address.toLowerCase();
    totals.set(k, { t: c.t, amount: (totals.get(k)?.amount ?? 0n) + c.amount });
  }
  const claimAll = async () => {
    for (const c of claims) {
      const ok = await tx.run(`Claim ${money(c.amount, c.t)} from ${c.a.symbol}`, (s) =>
        AssetShareToken__factory.connect(c.a.shareToken, s).claim(c.t.address),
      );
      if (!ok) return;
    }
  };
  return (
    <section className="card" data-testid="portfolio">
      <h2>Your portfolio</h2>
      <div className="muted">Wallet: {view.balances.map((b) => money(b.balance, b.token)).join(" · ")}</div>
      {held.length === 0 ? (
        <div className="muted">No shares yet.</div>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Asset</th>
              <th>Shares</th>
              <th>Of which listed / in escrow</th>
              <th>Share of the asset</th>
              <th>Claimable revenue</th>
            </tr>
          </thead>
          <tbody>
            {held.map((a) => (
              <tr key={a.id.toString()} data-testid="holding" data-symbol={a.symbol}>
                <td>
                  <b>{a.name}</b> <span className="muted">{a.symbol}</span>
                </td>
                <td>{a.mine!.balance.toLocaleString("en-GB")}</td>
                <td>
                  {a.mine!.listed.toString()} / {a.mine!.offeredLocked ? a.mine!.offered.toString() : "0"}
                </td>
                <td>{a.supply > 0n ? `${((Number(a.mine!.balance) * 100) / Number(a.supply)).toFixed(2)} %` : "—"}</td>
                <td data-testid="claimable">
                  {a.tokens.map((t, i) => (
                    <div key={t.address}>{money(a.mine!.claimable[i], t)}</div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="form-row">
        <b data-testid="claimable-total">
          {totals.size === 0
            ? "Nothing to claim"
            : `To claim: ${[...totals.values()].map((x) => money(x.amount, x.t)).join(" + ")}`}
        </b>
        <button
          data-testid="claim-all"
          disabled={claims.length === 0 || tx.state.status === "pending"}
          onClick={() => void claimAll()}
        >
          Claim all
        </button>
      </div>
      <TxStatus state={tx.state} />
    </section>
  );
}

function Market({ view }: { view: View }) {
  const { account } = useApp();
  const tx = useTx();
  const [asset, setAsset] = useState("");
  const [amount, setAmount] = useState("");
  const [price, setPrice] = useState("");
  const owned = view.assets.filter((a) => a.mine && a.mine.unlocked > 0n);
  const chosen = view.assets.find((a) => a.id.toString() === asset);
  const pay = chosen?.tokens[0];
  let priceUnits = 0n;
  try {
    priceUnits = pay && price ? parseUnits(price, pay.decimals) : 0n;
  } catch {
    priceUnits = 0n;
  }
  return (
    <section className="card">
      <h2>Market</h2>
      <table data-testid="listings">
        <thead>
          <tr>
            <th>Listing</th>
            <th>Asset</th>
            <th>Seller</th>
            <th>Shares</th>
            <th>Price per share</th>
            <th>Until</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {view.listings.length === 0 ? (
            <tr>
              <td colSpan={7} className="muted">
                No shares are listed.
              </td>
            </tr>
          ) : null}
          {view.listings.map((x) => (
            <ListingRow key={x.id.toString()} x={x} view={view} />
          ))}
        </tbody>
      </table>
      {account ? (
        <div className="form-row">
          <b>Sell:</b>
          <select value={asset} onChange={(e) => setAsset(e.target.value)} data-testid="list-asset">
            <option value="">asset…</option>
            {owned.map((a) => (
              <option key={a.id.toString()} value={a.id.toString()}>
                {a.symbol} ({a.mine!.unlocked.toString()} free)
              </option>
            ))}
          </select>
          <input
            placeholder="shares"
            value={amount}
            onChange={(e) => setAmount(e.target.value.trim())}
            style={{ width: "6rem" }}
            data-testid="list-amount"
          />
          <input
            placeholder={`price (${pay?.symbol ?? "token"})`}
            value={price}
            onChange={(e) => setPrice(e.target.value.trim())}
            style={{ width: "8rem" }}
            data-testid="list-price"
          />
          <button
            data-testid="list-submit"
            disabled={!chosen || !pay || !/^\d+$/.test(amount) || priceUnits === 0n || tx.state.status === "pending"}
            onClick={() =>
              void tx.run(`List ${amount} ${chosen!.symbol}`, (s) =>
                AssetMarket__factory.connect(view.marketAddress, s).list(
                  chosen!.id,
                  BigInt(amount),
                  pay!.address,
                  priceUnits,
                  view.now + 30n * 86_400n,
                ),
              )
            }
          >
            List for 30 days
          </button>
        </div>
      ) : null}
      <TxStatus state={tx.state} />
    </section>
  );
}

function ListingRow({ x, view }: { x: View["listings"][number]; view: View }) {
  const { account } = useApp();
  const tx = useTx();
  const [amount, setAmount] = useState("");
  const l = x.l;
  const asset = view.assets.find((a) => a.id === l.assetId);
  const own = account && account.address.toLowerCase() === l.seller.toLowerCase();
  const expired = l.expiry < view.now;
  const n = /^\d+$/.test(amount) ? BigInt(amount) : 0n;
  return (
    <tr data-testid="listing">
      <td>{x.id.toString()}</td>
      <td>{asset?.symbol}</td>
      <td>
        <Addr address={l.seller} />
      </td>
      <td>{l.remaining.toString()}</td>
      <td>
        {money(l.price, x.pay)}
        {l.feeBps > 0n ? <span className="muted"> (fee {Number(l.feeBps) / 100} %)</span> : null}
      </td>
      <td>{expired ? <span className="badge bad">expired</span> : when(l.expiry)}</td>
      <td>
        {own || expired ? (
          <button
            className="secondary"
            data-testid="listing-cancel"
            disabled={!account || tx.state.status === "pending"}
            onClick={() =>
              void tx.run(`Cancel listing ${x.id}`, (s) =>
                AssetMarket__factory.connect(view.marketAddress, s).cancel(x.id),
              )
            }
          >
            Cancel
          </button>
        ) : (
          <span className="form-row" style={{ margin: 0 }}>
            <input
              placeholder="shares"
              value={amount}
              onChange={(e) => setAmount(e.target.value.trim())}
              style={{ width: "5rem", minWidth: 0 }}
              data-testid="listing-amount"
            />
            <button
              data-testid="listing-buy"
              disabled={!account || n === 0n || tx.state.status === "pending"}
              onClick={() =>
                void approveThen(tx, x.pay, view.marketAddress, n * l.price, `Buy ${n} ${asset?.symbol}`, (s) =>
                  AssetMarket__factory.connect(view.marketAddress, s).buy(x.id, n, l.price, view.now + 3600n),
                )
              }
            >
              Buy
            </button>
          </span>
        )}
        <TxStatus state={tx.state} />
      </td>
    </tr>
  );
}
