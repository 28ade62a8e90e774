import { useCallback, useEffect, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import QRCode from "qrcode";
import { ColdChain__factory, SupplyChain__factory } from "../../../typechain-types";
import { EXCURSION_KIND } from "../../../src/coldchain";
import {
  DigitalLink,
  Gs1Error,
  expiryFromYymmdd,
  itemOf,
  parseGs1,
  buildDigitalLink,
  elementsOf,
  toBracketed,
  toDigitalLink,
  yymmddFromExpiry,
} from "../../../src/gs1";
import { ITEM_STATES, VERIFY_REASONS, VerifyReasonName, itemKeyOf, lotIdOf, textHash } from "../../../src/supplychain";
import { syncedHistory, useApp } from "../app-context";
import { Hash, HistoryLag, Loading, NotDeployed, useChainData } from "../components";
import { useFormat } from "../i18n";
import { itemStateText, localiseTimelineText } from "../i18n/timeline";
import { CameraScanner } from "../scanner";
import { HistoryNotFoundError } from "../../../src/history/client";
import { itemUri } from "../../../src/epcis";
import { type QueriedEvent, eventsOfEpc } from "../../../src/epcis-rest/client";
import { type EpcisFacts, type TimelineEntry, timelineEntries } from "../../../src/history/timeline";

interface CatalogueEntry {
  name: string;
  form: string;
  manufacturer: string;
  origin: string;
  storage: string;
}
interface LotFact {
  lotId: string;
  gtin: string;
  lot: string;
  origin: string;
}

/** The tone of each verification reason (its title and text are translated: `verdict.<reason>`). */
const TONE: Record<VerifyReasonName, "ok" | "bad" | "warn"> = {
  verified: "ok",
  "unknown product": "bad",
  "unknown serial": "bad",
  "lot mismatch": "bad",
  "expiry mismatch": "bad",
  expired: "bad",
  recalled: "bad",
  "already decommissioned": "warn",
  suspect: "bad",
  "suspect reported": "warn",
  quarantined: "bad",
  destroyed: "bad",
};

/**
 * Where a scanned code opens in the app: the path of its Digital Link on this origin (a pack, a product, a
 * pallet). Accepts every GS1 form (scanner data with symbology identifier and GS separators, bracketed, Digital
 * Link with any domain and path prefix).
 */
export function appPathOfScan(input: string): string {
  const data = parseGs1(input);
  const link = new URL(toDigitalLink(data.elements, { base: window.location.origin }));
  return link.pathname + link.search;
}

/** The scan form: a USB or Bluetooth scanner types into it (ending with Enter), or paste any GS1 form. */
export function VerifySearch() {
  const { t } = useTranslation();
  const { deployment, navigate } = useApp();
  const [text, setText] = useState("");
  const [error, setError] = useState<string>();
  const [camera, setCamera] = useState(false);
  const items = (deployment.facts.appItems ?? {}) as Record<string, string>;
  const open = useCallback(
    (scanned: string) => {
      try {
        navigate(appPathOfScan(scanned));
      } catch (err) {
        const e = err as Error;
        setError(
          e instanceof Gs1Error && e.ai
            ? t("scan.refusedAi", { ai: e.ai, error: e.message })
            : t("scan.refused", { error: e.message }),
        );
      }
    },
    [navigate, t],
  );
  const onCamera = useCallback(
    (scanned: string) => {
      setCamera(false);
      setText(scanned);
      open(scanned);
    },
    [open],
  );
  return (
    <>
      <h1>{t("scan.title")}</h1>
      <p className="muted">{t("scan.help")}</p>
      <div className="form-row">
        <input
          style={{ flex: 1 }}
          data-testid="link-input"
          autoFocus
          placeholder={t("scan.placeholder")}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setError(undefined);
          }}
          onKeyDown={(e) => e.key === "Enter" && open(text)}
        />
        <button data-testid="verify-button" onClick={() => open(text)}>
          {t("scan.verify")}
        </button>
        <button data-testid="camera-button" onClick={() => setCamera((c) => !c)}>
          {camera ? t("scan.stopCamera") : t("scan.camera")}
        </button>
      </div>
      {camera ? <CameraScanner onScan={onCamera} /> : null}
      {error ? (
        <div className="error" data-testid="scan-error">
          {error}
        </div>
      ) : null}
      {Object.keys(items).length > 0 ? (
        <section className="card">
          <h2>{t("scan.demoPacks")}</h2>
          <ul>
            {Object.entries(items).map(([name, link]) => (
              <li key={name}>
                <a
                  href={link}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(link);
                  }}
                >
                  {name}
                </a>{" "}
                <code>{link}</code>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

function Qr({ text }: { text: string }) {
  const [src, setSrc] = useState<string>();
  useEffect(() => {
    QRCode.toDataURL(text, { margin: 1, width: 360, errorCorrectionLevel: "M" }).then(setSrc, () => setSrc(undefined));
  }, [text]);
  const { t } = useTranslation();
  return src ? <img data-testid="qr" src={src} alt={t("qrAlt", { text })} /> : null;
}

/** The item page at its GS1 Digital Link path: the verdict at a glance, then product, lot, inputs and custody. */
export function VerifyPage({ path }: { path: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { deployment, provider, history, namer, navigate } = useApp();
  const address = deployment.contracts.supplyChain;
  const href = window.location.origin + path + window.location.search;
  let link: DigitalLink | undefined;
  let parseError: string | undefined;
  try {
    link = itemOf(parseGs1(href));
    if (!link.lot || !link.serial) throw new Error(t("pack.needsLotSerial"));
  } catch (err) {
    parseError = (err as Error).message;
  }
  // The pack's own link on this origin (the path prefix of the scanned link, if any, dropped).
  const canonical = link ? buildDigitalLink(link, window.location.origin) : href;
  const { data, error } = useChainData(async () => {
    if (!address || !link?.lot || !link.serial) return undefined;
    const sc = SupplyChain__factory.connect(address, provider);
    const gtin = BigInt(link.gtin);
    const lotId = lotIdOf(link.gtin, link.lot);
    if (!history) throw new Error(t("app.noHistory"));
    await syncedHistory({ history, provider });
    const itemKey = itemKeyOf(lotId, link.serial);
    const [product, lot, item, lotHistory, itemHistory, alarms] = await Promise.all([
      sc.product(gtin),
      sc.lot(lotId),
      sc.item(lotId, textHash(link.serial)),
      history.lot(lotId).catch((err: unknown) => {
        if (err instanceof HistoryNotFoundError) return undefined;
        throw err;
      }),
      history.itemTimeline(itemKey, lotId),
      deployment.contracts.coldChain ? history.alarms(false) : undefined,
    ]);
    const expiry = link.expiry ? expiryFromYymmdd(link.expiry) : Number(lot.expiry);
    const [sellable, reason] = await sc.verify(gtin, link.serial, link.lot, expiry, []);
    const org = (id: bigint | number) => namer.org?.(Number(id)) ?? t("common.member", { id: id.toString() });
    const who = (a: string) => namer.address?.(a) ?? a;
    const timeline = timelineEntries(itemHistory.data, { org, who, place: namer.place });
    // Cold-chain alarms of shipments that carried this pack's pallet: the "why" of a quarantine (an alarm holds the
    // pallets of its shipment, not the lot). Which pallets a shipment carries is current state (a view).
    const excursions: TimelineEntry[] = [];
    const ccAddress = deployment.contracts.coldChain;
    if (ccAddress && alarms && item.pallet !== 0n) {
      const cc = ColdChain__factory.connect(ccAddress, provider);
      for (const e of alarms.data.shipmentAlarms) {
        if (!(await cc.shipmentPallets(BigInt(e.shipmentId))).includes(item.pallet)) continue;
        const kind = EXCURSION_KIND[e.kind];
        const how =
          kind === "Gap"
            ? `the sensor was silent for ${Math.round(e.duration / 60)} min`
            : kind === "Cumulative"
              ? `${Math.round(e.duration / 60)} min outside the storage range, up to ${e.deviation / 100} °C beyond it`
              : `a reading ${e.deviation / 100} °C beyond the hard limit`;
        excursions.push({
          block: Number(e.blockNumber),
          index: e.logIndex - 0.5,
          timestamp: Number(e.at),
          title: `Cold-chain alarm on shipment ${e.shipmentId}`,
          detail: how,
          tone: "bad",
          event: e,
        });
      }
    }
    timeline.push(...excursions);
    timeline.sort((a, b) => a.block - b.block || a.index - b.index);
    const commissioned = lotHistory?.data.lot;
    const inputs = commissioned?.inputLots ?? [];
    const inputLots = await Promise.all(inputs.map(async (id) => ({ id, lot: await sc.lot(id) })));
    const lag = { indexedBlock: itemHistory.indexedBlock, headBlock: itemHistory.headBlock };
    return {
      product,
      lot,
      item,
      sellable,
      reason: VERIFY_REASONS[Number(reason)],
      timeline,
      commissioned,
      inputLots,
      lag,
      org,
      excursions,
    };
  }, [address, href]);

  if (!address) return <NotDeployed what={t("app.supplyChain")} />;
  if (parseError || !link) return <div className="card error">{t("pack.notItem", { error: parseError })}</div>;
  if (!data) return <Loading error={error} />;

  const tone = TONE[data.reason];
  const catalogue = (deployment.facts.appProducts ?? {}) as Record<string, CatalogueEntry>;
  const lots = Object.values((deployment.facts.appLots ?? {}) as Record<string, LotFact>);
  const entry = catalogue[link.gtin];
  const entryMatches = entry && textHash(JSON.stringify(entry)) === data.product.metadataHash;
  const lotFact = lots.find((l) => l.gtin === link.gtin && l.lot === link.lot);
  const originMatches = lotFact && data.commissioned && textHash(lotFact.origin) === data.commissioned.origin;
  const known = data.product.manufacturer !== 0n;
  const matchBadge = (ok: boolean | undefined) =>
    ok ? <span className="badge ok">{t("pack.matches")}</span> : <span className="badge bad">{t("pack.noMatch")}</span>;
  return (
    <>
      <div
        className={`verdict ${tone}`}
        data-testid="verdict"
        data-reason={data.reason}
        data-sellable={String(data.sellable)}
      >
        <span className="icon">{tone === "ok" ? "✔" : tone === "warn" ? "!" : "✖"}</span>
        <div>
          <h1 data-testid="verdict-title">{t(`verdict.${data.reason}.title`)}</h1>
          <div>{t(`verdict.${data.reason}.text`)}</div>
          {data.reason === "quarantined" && data.excursions.length > 0 ? (
            <div data-testid="verdict-why">
              {localiseTimelineText(data.excursions[0].title, t)}: {localiseTimelineText(data.excursions[0].detail, t)}.
            </div>
          ) : null}
        </div>
      </div>
      <div className="grid2">
        <section className="card">
          <h2>{t("pack.product")}</h2>
          <dl className="facts">
            <dt>{t("pack.name")}</dt>
            <dd data-testid="product-name">
              {entry?.name ?? <span className="muted">{t("pack.notInCatalogue")}</span>}
            </dd>
            <dt>{t("pack.gtin")}</dt>
            <dd>{link.gtin}</dd>
            <dt>{t("pack.manufacturer")}</dt>
            <dd>
              {known ? data.org(data.product.manufacturer) : <span className="error">{t("pack.noneRegistered")}</span>}
            </dd>
            {entry ? (
              <>
                <dt>{t("pack.form")}</dt>
                <dd>{entry.form}</dd>
                <dt>{t("pack.storage")}</dt>
                <dd>{entry.storage}</dd>
              </>
            ) : null}
            <dt>{t("pack.masterData")}</dt>
            <dd data-testid="master-data">
              {known ? <Hash value={data.product.metadataHash} /> : "—"} {entry ? matchBadge(entryMatches) : null}
            </dd>
          </dl>
        </section>
        <section className="card qr" style={{ display: "flex", gap: "1rem" }}>
          <Qr text={canonical} />
          <div>
            <h2>{t("pack.link")}</h2>
            <p className="muted" style={{ wordBreak: "break-all" }}>
              <code data-testid="pack-link">{canonical}</code>
            </p>
            <p className="muted" style={{ wordBreak: "break-all" }}>
              {t("pack.elementString")}: <code data-testid="pack-hri">{toBracketed(elementsOf(link))}</code>
            </p>
            <p className="muted">{t("pack.scanOpens")}</p>
          </div>
        </section>
      </div>
      <section className="card">
        <h2>{t("pack.lot", { lot: link.lot })}</h2>
        {data.lot.manufacturer === 0n ? (
          <div className="error">{t("pack.noLot")}</div>
        ) : (
          <dl className="facts">
            <dt>{t("pack.origin")}</dt>
            <dd data-testid="origin">
              {lotFact ? lotFact.origin : <span className="muted">{t("pack.keptByManufacturer")}</span>}{" "}
              {lotFact ? matchBadge(originMatches) : null}
            </dd>
            <dt>{t("pack.expiry")}</dt>
            <dd data-testid="expiry">
              {t("pack.useBy", {
                yymmdd: yymmddFromExpiry(data.lot.expiry),
                date: fmt.date(Number(data.lot.expiry) - 86_400),
              })}
            </dd>
            <dt>{t("pack.serials")}</dt>
            <dd>
              {t("pack.serialsText", { count: fmt.number(data.lot.itemCount) })} <Hash value={data.lot.merkleRoot} />
            </dd>
            <dt>{t("pack.commissioned")}</dt>
            <dd>{fmt.when(data.lot.commissionedAt)}</dd>
            <dt>{t("pack.status")}</dt>
            <dd>
              {data.lot.recalled ? <span className="badge bad">{t("pack.recalled")}</span> : null}{" "}
              {data.lot.quarantined ? <span className="badge bad">{t("pack.quarantined")}</span> : null}{" "}
              {data.lot.destroyed ? <span className="badge bad">{t("pack.destroyed")}</span> : null}
              {!data.lot.recalled && !data.lot.quarantined && !data.lot.destroyed ? (
                <span className="badge ok">{t("pack.goodStanding")}</span>
              ) : null}
            </dd>
            <dt>{t("pack.rawMaterials")}</dt>
            <dd data-testid="inputs">
              {data.inputLots.length === 0 ? <span className="muted">{t("pack.noneRecorded")}</span> : null}
              {data.inputLots.map(({ id, lot }) => {
                const fact = lots.find((l) => l.lotId === id);
                const name = catalogue[lot.gtin.toString().padStart(14, "0")]?.name;
                return (
                  <div key={id}>
                    {t("pack.inputLot", {
                      name: name ?? `GTIN ${lot.gtin}`,
                      lot: fact?.lot ?? id.slice(0, 10) + "…",
                      by: data.org(lot.manufacturer),
                    })}
                    {lot.recalled ? <span className="badge bad">{t("pack.recalled")}</span> : null}
                  </div>
                );
              })}
            </dd>
          </dl>
        )}
      </section>
      <section className="card">
        <h2>{t("pack.custody")}</h2>
        <p className="muted">
          {t("pack.now")} <b>{itemStateText(ITEM_STATES[Number(data.item.state)], t)}</b>
          {data.item.activated ? (
            <Trans
              i18nKey="pack.heldBy"
              values={{ custodian: data.org(data.item.custodian), owner: data.org(data.item.owner) }}
              components={{ b: <b /> }}
            />
          ) : (
            t("pack.notMoved")
          )}
          {data.item.suspect ? <span className="badge bad">{t("pack.suspect")}</span> : null}
        </p>
        <HistoryLag answer={data.lag} />
        <Timeline entries={data.timeline} />
      </section>
      <EpcisEvents epc={itemUri({ gtin: link.gtin, serial: link.serial! })} org={data.org} />
      <p>
        <a
          href="/verify"
          onClick={(e) => {
            e.preventDefault();
            navigate("/verify");
          }}
        >
          {t("pack.another")}
        </a>
      </p>
    </>
  );
}

/**
 * The pack's EPCIS 2.0 events as the interface shows anyone (`GET /epcis/epcs/{epc}/events` without a session):
 * type, time, business step, disposition and the chain's anchors of each, loaded when asked for.
 */
function EpcisEvents({ epc, org }: { epc: string; org: (id: number) => string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<{ events?: QueriedEvent[]; error?: string }>({});
  useEffect(() => {
    if (!open) return;
    let live = true;
    // the page's own origin proxies /epcis to the indexer's interface
    eventsOfEpc("", epc, { perPage: 100 }).then(
      (page) => live && setState({ events: page.events }),
      (err: Error) => live && setState({ error: err.message }),
    );
    return () => {
      live = false;
    };
  }, [open, epc]);
  return (
    <section className="card" data-testid="epcis-events">
      <h2>{t("pack.epcisEvents")}</h2>
      {!open ? (
        <button type="button" data-testid="epcis-open" onClick={() => setOpen(true)}>
          {t("pack.epcisShow")}
        </button>
      ) : state.error ? (
        <div className="error">{state.error}</div>
      ) : !state.events ? (
        <div className="muted">{t("app.loadingData")}</div>
      ) : state.events.length === 0 ? (
        <div className="muted">{t("pack.epcisNone")}</div>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t("pack.epcisWhen")}</th>
              <th>{t("pack.epcisStep")}</th>
              <th>{t("pack.epcisDisposition")}</th>
              <th>{t("pack.epcisAnchor")}</th>
            </tr>
          </thead>
          <tbody>
            {state.events.map((e, i) => {
              const anchor = e["citychain:anchor"];
              const when = typeof e.eventTime === "string" ? Math.floor(Date.parse(e.eventTime) / 1000) : 0;
              return (
                <tr key={i} data-testid="epcis-event">
                  <td>{fmt.when(when)}</td>
                  <td>{cbvWord(e.bizStep)}</td>
                  <td>{cbvWord(e.disposition)}</td>
                  <td>
                    {anchor.anchors.length === 0 || !anchor.hashMatches ? (
                      <span className="badge bad">{t("pack.epcisNotAnchored")}</span>
                    ) : (
                      t("pack.epcisAnchored", {
                        orgs: [...new Set(anchor.anchors.map((a) => org(a.org)))].join(", "),
                        block: anchor.anchors[0].block,
                      })
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A CBV value (`shipping`, `https://ref.gs1.org/cbv/BizStep-shipping`, `urn:epcglobal:cbv:bizstep:shipping`) as words. */
function cbvWord(value: unknown): string {
  if (typeof value !== "string") return "";
  const m = /(?:BizStep-|Disp-|bizstep:|disp:)([A-Za-z_]+)$/.exec(value);
  return (m ? m[1] : value).replace(/_/g, " ");
}

/** A custody event's business step, read point and anchor (the CBV 2.0 hash of its EPCIS event, shortened). */
function EpcisFactsLine({ facts }: { facts: EpcisFacts }) {
  const { t } = useTranslation();
  const parts = [facts.bizStep, facts.location && localiseTimelineText(facts.location, t)].filter((x) => x);
  const anchor = facts.anchor && facts.anchor.replace(/^(ni:\/\/\/sha-256;[0-9a-f]{10})[0-9a-f]+(\?ver=.*)$/, "$1…$2");
  return (
    <div className="muted" data-testid="epcis-facts">
      {t("pack.epcis", { facts: parts.join(" · ") })}
      {anchor && (
        <>
          {" · "}
          <code title={t("pack.anchorTitle", { anchor: facts.anchor })}>{anchor}</code>
        </>
      )}
    </div>
  );
}

function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  if (entries.length === 0) return <div className="muted">{t("pack.noEvents")}</div>;
  return (
    <ol className="timeline" data-testid="timeline">
      {entries.map((e) => (
        <li key={`${e.block}-${e.index}`} className={e.tone}>
          <b>{localiseTimelineText(e.title, t)}</b>{" "}
          <span className="muted">
            {fmt.when(e.timestamp)} · {t("pack.block", { block: e.block })}
          </span>
          <div>{localiseTimelineText(e.detail, t)}</div>
          {e.epcis && <EpcisFactsLine facts={e.epcis} />}
        </li>
      ))}
    </ol>
  );
}
