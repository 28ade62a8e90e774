import { useTranslation } from "react-i18next";
import { SupplyChain__factory } from "../../../typechain-types";
import { toBracketed, yymmddFromExpiry } from "../../../src/gs1";
import { ssccElement } from "../../../src/gs1-chain";
import { palletView } from "../../../src/pallet";
import { syncedHistory, useApp } from "../app-context";
import { Hash, Loading, NotDeployed, useChainData } from "../components";
import { useFormat } from "../i18n";

interface CatalogueEntry {
  name: string;
}
interface LotFact {
  lotId: string;
  gtin: string;
  lot: string;
}

function useCatalogue() {
  const { deployment } = useApp();
  return {
    catalogue: (deployment.facts.appProducts ?? {}) as Record<string, CatalogueEntry>,
    lots: Object.values((deployment.facts.appLots ?? {}) as Record<string, LotFact>),
  };
}

/** The page of a pallet's SSCC (GS1 AI 00): its contents by lot, its custody and its shipments. */
export function PalletPage({ sscc }: { sscc: bigint }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { deployment, provider, history, namer } = useApp();
  const { catalogue, lots } = useCatalogue();
  const address = deployment.contracts.supplyChain;
  const { data, error } = useChainData(async () => {
    if (!address) return undefined;
    if (!history) throw new Error(t("app.noHistory"));
    await syncedHistory({ history, provider });
    const sc = SupplyChain__factory.connect(address, provider);
    const view = await palletView(sc, sscc, history);
    const lotInfo = await Promise.all(view.lots.map(async (l) => ({ ...l, lot: await sc.lot(l.lotId) })));
    return { view, lotInfo };
  }, [address, sscc]);
  if (!address) return <NotDeployed what={t("app.supplyChain")} />;
  if (!data) return <Loading error={error} />;
  const { view, lotInfo } = data;
  const org = (id: bigint | undefined) => (id === undefined ? "—" : (namer.org?.(Number(id)) ?? `#${id}`));
  const lotName = (lotId: string) => lots.find((l) => l.lotId === lotId)?.lot;
  const code = ssccElement(sscc);
  return (
    <>
      <h1 data-testid="pallet-title">{t("pallet.title", { sscc: code.value })}</h1>
      <p className="muted">
        <code>{toBracketed([code])}</code>
      </p>
      {view.events.length === 0 ? (
        <div className="card error" data-testid="pallet-unknown">
          {t("pallet.unknown")}
        </div>
      ) : (
        <>
          <div className="grid2">
            <section className="card">
              <h2>{t("pallet.custody")}</h2>
              <dl className="facts" data-testid="pallet-custody">
                <dt>{t("pallet.owner")}</dt>
                <dd>{org(view.owner)}</dd>
                <dt>{t("pallet.custodian")}</dt>
                <dd>{org(view.custodian)}</dd>
                <dt>{t("pack.status")}</dt>
                <dd>{view.inTransit ? t("pallet.inTransit", { to: org(view.receiver) }) : t("pallet.atRest")}</dd>
              </dl>
            </section>
            <section className="card">
              <h2>
                {t("pallet.contents")}:{" "}
                {t("pallet.items", { count: view.itemCount, formatted: fmt.number(view.itemCount) })}
              </h2>
              <table data-testid="pallet-contents">
                <thead>
                  <tr>
                    <th>{t("pallet.product")}</th>
                    <th>{t("pallet.lot")}</th>
                    <th>{t("pallet.count")}</th>
                  </tr>
                </thead>
                <tbody>
                  {lotInfo.map((l) => {
                    const gtin = l.lot.gtin.toString().padStart(14, "0");
                    return (
                      <tr key={l.lotId}>
                        <td>{catalogue[gtin]?.name ?? gtin}</td>
                        <td>{lotName(l.lotId) ?? <Hash value={l.lotId} />}</td>
                        <td>{fmt.number(l.items)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </section>
          </div>
          <section className="card">
            <h2>{t("pallet.shipments")}</h2>
            <ol className="timeline" data-testid="pallet-timeline">
              {view.events.map((e) => {
                const lot = e.lotId ? (lotName(e.lotId) ?? e.lotId.slice(0, 10) + "…") : "?";
                const text =
                  e.kind === "shipped"
                    ? t("pallet.shipped", { from: org(e.from), to: org(e.to) })
                    : e.kind === "received"
                      ? t("pallet.received", { by: org(e.by) })
                      : t(`pallet.${e.kind}`, { count: e.items, lot });
                return (
                  <li key={`${e.block}-${e.index}`}>
                    <b>{text}</b>{" "}
                    <span className="muted">
                      {fmt.when(e.timestamp)} · {t("pack.block", { block: e.block })}
                    </span>
                  </li>
                );
              })}
            </ol>
          </section>
        </>
      )}
    </>
  );
}

/** The page of a GTIN without serial: the product and its lots on chain. */
export function ProductPage({ gtin }: { gtin: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { deployment, provider, history, namer } = useApp();
  const { catalogue, lots } = useCatalogue();
  const address = deployment.contracts.supplyChain;
  const { data, error } = useChainData(async () => {
    if (!address) return undefined;
    if (!history) throw new Error(t("app.noHistory"));
    await syncedHistory({ history, provider });
    const sc = SupplyChain__factory.connect(address, provider);
    const [product, commissioned] = await Promise.all([sc.product(BigInt(gtin)), history.lots({ gtin })]);
    // The lots' current state (recalled, quarantined…) from the contract; which lots exist from the history.
    const lotRows = await Promise.all(
      [...commissioned.data].reverse().map(async (l) => ({ id: l.lotId, lot: await sc.lot(l.lotId) })),
    );
    return { product, lotRows };
  }, [address, gtin]);
  if (!address) return <NotDeployed what={t("app.supplyChain")} />;
  if (!data) return <Loading error={error} />;
  const known = data.product.manufacturer !== 0n;
  return (
    <>
      <h1 data-testid="product-title">{t("product.title", { gtin })}</h1>
      <section className="card">
        <dl className="facts">
          <dt>{t("pack.name")}</dt>
          <dd data-testid="product-name">
            {catalogue[gtin]?.name ?? <span className="muted">{t("pack.notInCatalogue")}</span>}
          </dd>
          <dt>{t("pack.manufacturer")}</dt>
          <dd>
            {known ? (
              (namer.org?.(Number(data.product.manufacturer)) ?? `#${data.product.manufacturer}`)
            ) : (
              <span className="error">{t("pack.noneRegistered")}</span>
            )}
          </dd>
        </dl>
      </section>
      <section className="card">
        <h2>{t("product.lots")}</h2>
        {data.lotRows.length === 0 ? (
          <div className="muted">{t("product.noLots")}</div>
        ) : (
          <table data-testid="product-lots">
            <thead>
              <tr>
                <th>{t("product.lotNumber")}</th>
                <th>{t("product.expiry")}</th>
                <th>{t("product.items")}</th>
                <th>{t("product.status")}</th>
              </tr>
            </thead>
            <tbody>
              {data.lotRows.map(({ id, lot }) => (
                <tr key={id} data-testid="product-lot">
                  <td>{lots.find((l) => l.lotId === id)?.lot ?? <Hash value={id} />}</td>
                  <td>
                    {yymmddFromExpiry(lot.expiry)} ({fmt.date(Number(lot.expiry) - 86_400)})
                  </td>
                  <td>{fmt.number(lot.itemCount)}</td>
                  <td>
                    {lot.recalled ? <span className="badge bad">{t("pack.recalled")}</span> : null}{" "}
                    {lot.quarantined ? <span className="badge bad">{t("pack.quarantined")}</span> : null}{" "}
                    {lot.destroyed ? <span className="badge bad">{t("pack.destroyed")}</span> : null}
                    {!lot.recalled && !lot.quarantined && !lot.destroyed ? (
                      <span className="badge ok">{t("pack.goodStanding")}</span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
