import { useState } from "react";
import { useTranslation } from "react-i18next";
import { parseUnits } from "ethers";
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
import { syncedHistory, useApp } from "../app-context";
import type { AppState } from "../app-context";
import { Addr, Hash, Loading, NotDeployed, useChainData } from "../components";
import i18n, { useFormat } from "../i18n";
import { TxStatus, useTx } from "../tx";
import { RevenueChart, RevenuePoint } from "./chart";
import { MeteredRevenue, loadMetered } from "./metered";
import { PayToken, money } from "./money";

/** Everything the investors' page reads in one pass (reloaded on every block). */
async function loadInvestorView(app: AppState) {
  const c = app.deployment.contracts;
  const p = app.provider;
  const registry = AssetRegistry__factory.connect(c.assetRegistry, p);
  const offering = AssetOffering__factory.connect(c.assetOffering ?? (await registry.offering()), p);
  const market = AssetMarket__factory.connect(c.assetMarket ?? (await registry.market()), p);
  const now = BigInt((await p.getBlock("latest"))!.timestamp);
  const history = await syncedHistory(app);
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
      // Revenue per UTC day from the history indexer (the chart's points), not a scan of the token's logs.
      const days = (await history.revenue(a.shareToken)).data.days;
      const revenue: RevenuePoint[] = days.map((d) => ({
        asset: symbol,
        paymentToken: d.paymentToken,
        amount: BigInt(d.amount),
        kwh: BigInt(d.meteredKWh),
        time: Date.parse(`${d.day}T00:00:00Z`) / 1000,
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
  const metered = await loadMetered(
    p,
    registry,
    assets.map((x) => ({ id: x.id, operatorOrg: x.a.operatorOrg })),
    payToken,
    history,
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
    assets: assets.map((x) => ({ ...x, metered: metered.get(x.id) })),
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
  const { t } = useTranslation();
  const app = useApp();
  const { data, error } = useChainData(
    async () => (app.deployment.contracts.assetRegistry ? loadInvestorView(app) : undefined),
    [app.account?.address],
  );
  if (!app.deployment.contracts.assetRegistry) return <NotDeployed what={t("investors.notDeployed")} />;
  if (!data) return <Loading error={error} />;
  return (
    <>
      <h1>{t("investors.title")}</h1>
      <p className="muted">{t("investors.intro")}</p>
      <Assets view={data} />
      <MeteredRevenue assets={data.assets} />
      <Offerings view={data} />
      <Portfolio view={data} />
      <Market view={data} />
      <section className="card">
        <h2>{t("investors.revenueTitle")}</h2>
        <RevenueChart
          points={data.assets.flatMap((a) => a.revenue)}
          tokens={Object.fromEntries(data.assets.flatMap((a) => a.tokens).map((t) => [t.address.toLowerCase(), t]))}
        />
      </section>
    </>
  );
}

function Assets({ view }: { view: View }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { deployment, namer } = useApp();
  const docs = (deployment.facts.appAssets ?? {}) as Record<string, { documents: string }>;
  return (
    <section className="card">
      <h2>{t("investors.assets")}</h2>
      <table data-testid="assets">
        <thead>
          <tr>
            <th>{t("investors.id")}</th>
            <th>{t("investors.asset")}</th>
            <th>{t("investors.kind")}</th>
            <th>{t("investors.status")}</th>
            <th>{t("investors.operator")}</th>
            <th>{t("investors.issued")}</th>
            <th>{t("investors.documents")}</th>
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
                <td>{t(`investors.kinds.${ASSET_KIND_NAMES[Number(x.a.kind)]}`)}</td>
                <td>
                  <span
                    className={`badge ${Number(x.a.status) === 3 ? "ok" : Number(x.a.status) === 4 ? "bad" : "warn"}`}
                  >
                    {t(`investors.statuses.${ASSET_STATUS[Number(x.a.status)]}`)}
                  </span>
                </td>
                <td>{namer.org?.(Number(x.a.operatorOrg)) ?? x.a.operatorOrg.toString()}</td>
                <td>
                  {fmt.number(x.supply)} / {fmt.number(x.cap)}
                </td>
                <td>
                  <Hash value={x.a.metadataHash} />{" "}
                  {d ? (
                    matches ? (
                      <span className="badge ok">{t("investors.matches")}</span>
                    ) : (
                      <span className="badge bad">{t("investors.differs")}</span>
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
  const ok = await tx.run(i18n.t("investors.approveTx", { amount: money(cost, token) }), (s) =>
    IERC20Metadata__factory.connect(token.address, s).approve(spender, cost),
  );
  return ok && tx.run(label, then);
}

function Offerings({ view }: { view: View }) {
  const { t } = useTranslation();
  const live = view.offerings.filter((x) => Number(x.o.state) === 1);
  const failed = view.offerings.filter((x) => Number(x.o.state) === 3);
  const assetOf = (id: bigint) => view.assets.find((a) => a.id === id);
  return (
    <section className="card">
      <h2>{t("investors.offerings")}</h2>
      {live.length === 0 ? <div className="muted">{t("investors.noSale")}</div> : null}
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
  const { t } = useTranslation();
  const fmt = useFormat();
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
        <b>{asset?.name}</b>{" "}
        <span className="badge">{t(`investors.offeringStates.${OFFERING_STATE[Number(o.state)]}`)}</span>{" "}
        <span className="muted">
          {t("investors.offeringLine", {
            id: x.id.toString(),
            price: money(o.price, x.pay, fmt.lang),
            deadline: fmt.when(o.deadline),
          })}
        </span>
      </div>
      <div
        className="progress"
        title={t("investors.progressTitle", { sold: fmt.number(o.sold), cap: fmt.number(o.hardCap) })}
      >
        <div style={{ width: pct(o.sold) }} />
      </div>
      <div className="muted" data-testid="offering-sold">
        {t("investors.sold", {
          sold: fmt.number(o.sold),
          cap: fmt.number(o.hardCap),
          goal: fmt.number(o.softCap),
          pct: new Intl.NumberFormat(fmt.lang, { style: "percent", maximumFractionDigits: 2 }).format(
            Number(o.softCap) / Number(o.hardCap),
          ),
          min: fmt.number(o.minPerInvestor),
          max: fmt.number(o.maxPerInvestor),
        })}
        {mine > 0n ? t("investors.escrow", { count: fmt.number(mine) }) : null}
      </div>
      {running ? (
        <div className="form-row">
          <input
            data-testid="offering-shares"
            placeholder={t("investors.sharesPlaceholder")}
            value={shares}
            onChange={(e) => setShares(e.target.value.trim())}
            style={{ width: "8rem" }}
          />
          <span className="muted">
            {n > 0n ? t("investors.costs", { amount: money(n * o.price, x.pay, fmt.lang) }) : ""}
          </span>
          <button
            data-testid="offering-buy"
            disabled={!account || n === 0n || tx.state.status === "pending"}
            onClick={() =>
              void approveThen(
                tx,
                x.pay,
                view.offeringAddress,
                n * o.price,
                t("investors.buySharesTx", { count: n.toString(), symbol: asset?.symbol ?? "" }),
                (s) => AssetOffering__factory.connect(view.offeringAddress, s).buy(x.id, n, o.price, view.now + 3600n),
              )
            }
          >
            {t("investors.buy")}
          </button>
        </div>
      ) : (
        <div className="form-row">
          <span className="muted">{t("investors.ended")}</span>
          <button
            className="secondary"
            disabled={!account || tx.state.status === "pending"}
            onClick={() =>
              void tx.run(t("investors.finaliseTx"), (s) =>
                AssetOffering__factory.connect(view.offeringAddress, s).finalise(x.id),
              )
            }
          >
            {t("investors.finalise")}
          </button>
        </div>
      )}
      <TxStatus state={tx.state} />
    </div>
  );
}

function RefundRow({ x, asset, view }: { x: View["offerings"][number]; asset?: View["assets"][number]; view: View }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const tx = useTx();
  const mine = asset?.mine && asset.mine.offeringId === x.id && asset.mine.offeredLocked ? asset.mine.offered : 0n;
  if (mine === 0n && tx.state.status === "idle") return null;
  return (
    <div className="card" data-testid="refund" style={{ margin: "0.6rem 0" }}>
      <b>{asset?.name}</b> <span className="badge bad">{t("investors.saleFailed")}</span>{" "}
      <span className="muted">
        {t("investors.failedLine", {
          id: x.id.toString(),
          sold: fmt.number(x.o.sold),
          goal: fmt.number(x.o.softCap),
          deadline: fmt.when(x.o.deadline),
        })}
      </span>
      {mine > 0n ? (
        <div className="form-row">
          <span>
            {t("investors.refundText", { count: fmt.number(mine), amount: money(mine * x.o.price, x.pay, fmt.lang) })}
          </span>
          <button
            data-testid="refund-button"
            disabled={tx.state.status === "pending"}
            onClick={() =>
              void tx.run(t("investors.refundTx"), (s) =>
                AssetOffering__factory.connect(view.offeringAddress, s).refund(x.id),
              )
            }
          >
            {t("investors.refund")}
          </button>
        </div>
      ) : null}
      <TxStatus state={tx.state} />
    </div>
  );
}

function Portfolio({ view }: { view: View }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { account } = useApp();
  const tx = useTx();
  if (!account) {
    return (
      <section className="card">
        <h2>{t("investors.portfolio")}</h2>
        <div className="muted">{t("investors.connect")}</div>
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
      const ok = await tx.run(
        t("investors.claimTx", { amount: money(c.amount, c.t, fmt.lang), symbol: c.a.symbol }),
        (s) => AssetShareToken__factory.connect(c.a.shareToken, s).claim(c.t.address),
      );
      if (!ok) return;
    }
  };
  return (
    <section className="card" data-testid="portfolio">
      <h2>{t("investors.portfolio")}</h2>
      <div className="muted">
        {t("investors.walletLine", {
          balances: view.balances.map((b) => money(b.balance, b.token, fmt.lang)).join(" · "),
        })}
      </div>
      {held.length === 0 ? (
        <div className="muted">{t("investors.noShares")}</div>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t("investors.asset")}</th>
              <th>{t("investors.shares")}</th>
              <th>{t("investors.lockedCol")}</th>
              <th>{t("investors.shareOf")}</th>
              <th>{t("investors.claimable")}</th>
            </tr>
          </thead>
          <tbody>
            {held.map((a) => (
              <tr key={a.id.toString()} data-testid="holding" data-symbol={a.symbol}>
                <td>
                  <b>{a.name}</b> <span className="muted">{a.symbol}</span>
                </td>
                <td>{fmt.number(a.mine!.balance)}</td>
                <td>
                  {fmt.number(a.mine!.listed)} / {fmt.number(a.mine!.offeredLocked ? a.mine!.offered : 0n)}
                </td>
                <td>
                  {a.supply > 0n
                    ? new Intl.NumberFormat(fmt.lang, {
                        style: "percent",
                        minimumFractionDigits: 2,
                        maximumFractionDigits: 2,
                      }).format(Number(a.mine!.balance) / Number(a.supply))
                    : "—"}
                </td>
                <td data-testid="claimable">
                  {a.tokens.map((tok, i) => (
                    <div key={tok.address}>{money(a.mine!.claimable[i], tok, fmt.lang)}</div>
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
            ? t("investors.nothing")
            : t("investors.toClaim", {
                amounts: [...totals.values()].map((x) => money(x.amount, x.t, fmt.lang)).join(" + "),
              })}
        </b>
        <button
          data-testid="claim-all"
          disabled={claims.length === 0 || tx.state.status === "pending"}
          onClick={() => void claimAll()}
        >
          {t("investors.claimAll")}
        </button>
      </div>
      <TxStatus state={tx.state} />
    </section>
  );
}

function Market({ view }: { view: View }) {
  const { t } = useTranslation();
  const fmt = useFormat();
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
      <h2>{t("investors.market")}</h2>
      <table data-testid="listings">
        <thead>
          <tr>
            <th>{t("investors.listing")}</th>
            <th>{t("investors.asset")}</th>
            <th>{t("investors.seller")}</th>
            <th>{t("investors.shares")}</th>
            <th>{t("investors.price")}</th>
            <th>{t("investors.until")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {view.listings.length === 0 ? (
            <tr>
              <td colSpan={7} className="muted">
                {t("investors.noListings")}
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
          <b>{t("investors.sell")}</b>
          <select value={asset} onChange={(e) => setAsset(e.target.value)} data-testid="list-asset">
            <option value="">{t("investors.assetPlaceholder")}</option>
            {owned.map((a) => (
              <option key={a.id.toString()} value={a.id.toString()}>
                {t("investors.free", { symbol: a.symbol, count: fmt.number(a.mine!.unlocked) })}
              </option>
            ))}
          </select>
          <input
            placeholder={t("investors.sharesPlaceholder")}
            value={amount}
            onChange={(e) => setAmount(e.target.value.trim())}
            style={{ width: "6rem" }}
            data-testid="list-amount"
          />
          <input
            placeholder={t("investors.pricePlaceholder", { symbol: pay?.symbol ?? t("investors.token") })}
            value={price}
            onChange={(e) => setPrice(e.target.value.trim())}
            style={{ width: "8rem" }}
            data-testid="list-price"
          />
          <button
            data-testid="list-submit"
            disabled={!chosen || !pay || !/^\d+$/.test(amount) || priceUnits === 0n || tx.state.status === "pending"}
            onClick={() =>
              void tx.run(t("investors.listTx", { count: amount, symbol: chosen!.symbol }), (s) =>
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
            {t("investors.list30")}
          </button>
        </div>
      ) : null}
      <TxStatus state={tx.state} />
    </section>
  );
}

function ListingRow({ x, view }: { x: View["listings"][number]; view: View }) {
  const { t } = useTranslation();
  const fmt = useFormat();
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
      <td>{fmt.number(l.remaining)}</td>
      <td>
        {money(l.price, x.pay, fmt.lang)}
        {l.feeBps > 0n ? (
          <span className="muted">
            {t("investors.fee", {
              pct: new Intl.NumberFormat(fmt.lang, { style: "percent", maximumFractionDigits: 2 }).format(
                Number(l.feeBps) / 10_000,
              ),
            })}
          </span>
        ) : null}
      </td>
      <td>{expired ? <span className="badge bad">{t("investors.expired")}</span> : fmt.when(l.expiry)}</td>
      <td>
        {own || expired ? (
          <button
            className="secondary"
            data-testid="listing-cancel"
            disabled={!account || tx.state.status === "pending"}
            onClick={() =>
              void tx.run(t("investors.cancelTx", { id: x.id.toString() }), (s) =>
                AssetMarket__factory.connect(view.marketAddress, s).cancel(x.id),
              )
            }
          >
            {t("investors.cancel")}
          </button>
        ) : (
          <span className="form-row" style={{ margin: 0 }}>
            <input
              placeholder={t("investors.sharesPlaceholder")}
              value={amount}
              onChange={(e) => setAmount(e.target.value.trim())}
              style={{ width: "5rem", minWidth: 0 }}
              data-testid="listing-amount"
            />
            <button
              data-testid="listing-buy"
              disabled={!account || n === 0n || tx.state.status === "pending"}
              onClick={() =>
                void approveThen(
                  tx,
                  x.pay,
                  view.marketAddress,
                  n * l.price,
                  t("investors.buyTx", { count: n.toString(), symbol: asset?.symbol ?? "" }),
                  (s) => AssetMarket__factory.connect(view.marketAddress, s).buy(x.id, n, l.price, view.now + 3600n),
                )
              }
            >
              {t("investors.buy")}
            </button>
          </span>
        )}
        <TxStatus state={tx.state} />
      </td>
    </tr>
  );
}
