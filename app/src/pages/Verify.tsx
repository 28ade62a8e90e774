import { useEffect, useState } from "react";
import QRCode from "qrcode";
import { ColdChain__factory, SupplyChain__factory } from "../../../typechain-types";
import { EXCURSION_KIND } from "../../../src/coldchain";
import { DigitalLink, expiryFromYymmdd, parseDigitalLink, yymmddFromExpiry } from "../../../src/gs1";
import { ITEM_STATES, VERIFY_REASONS, VerifyReasonName, lotIdOf, textHash } from "../../../src/supplychain";
import { useApp } from "../app-context";
import { Hash, Loading, NotDeployed, useChainData, when } from "../components";
import { TimelineEntry, historyLag, historyOf, itemHistory, useHistoryCatchUp } from "../supply";

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

/** What each verification reason means for the person holding the pack. */
const VERDICT: Record<VerifyReasonName, { tone: "ok" | "bad" | "warn"; title: string; text: string }> = {
  verified: {
    tone: "ok",
    title: "Genuine and sellable",
    text: "The manufacturer issued this pack and nothing stops its sale or use.",
  },
  "unknown product": {
    tone: "bad",
    title: "Unknown product",
    text: "No member manufacturer registered this GTIN: the pack may be counterfeit.",
  },
  "unknown serial": {
    tone: "bad",
    title: "Unknown serial",
    text: "This serial is not on record for the lot: the pack may be counterfeit (or the manufacturer's proof is needed to bring it on chain).",
  },
  "lot mismatch": {
    tone: "bad",
    title: "Lot mismatch",
    text: "The lot printed on the pack does not match the records: suspect counterfeit.",
  },
  "expiry mismatch": {
    tone: "bad",
    title: "Expiry mismatch",
    text: "The expiry printed on the pack does not match the lot's: suspect counterfeit.",
  },
  expired: { tone: "bad", title: "Expired", text: "The lot is past its expiry date: do not sell or use." },
  recalled: {
    tone: "bad",
    title: "Recalled",
    text: "The lot was recalled: do not sell or use; return it to the pharmacy.",
  },
  "already decommissioned": {
    tone: "warn",
    title: "Already sold or dispensed",
    text: "This code was already sold or dispensed. If you are being sold it now, the pack may be a copy.",
  },
  suspect: {
    tone: "bad",
    title: "Suspect clone",
    text: "This code was presented for sale more than once: at least one pack carrying it is a copy.",
  },
  quarantined: {
    tone: "bad",
    title: "Quarantined after a cold-chain alarm",
    text: "The lot broke its storage conditions in transit and is held until the regulator decides: do not sell or use.",
  },
  destroyed: { tone: "bad", title: "Destroyed", text: "The lot was ordered destroyed: do not sell or use." },
};

/** The scan form: paste a GS1 Digital Link (any resolver domain) or pick an item of the demo. */
export function VerifySearch() {
  const { deployment, navigate } = useApp();
  const [text, setText] = useState("");
  const [error, setError] = useState<string>();
  const items = (deployment.facts.appItems ?? {}) as Record<string, string>;
  const open = () => {
    try {
      const url = new URL(text.trim(), window.location.origin);
      parseDigitalLink(url.href);
      navigate(url.pathname + url.search);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <>
      <h1>Verify a product</h1>
      <p className="muted">Scan the QR code on the pack with your phone, or paste its GS1 Digital Link here.</p>
      <div className="form-row">
        <input
          style={{ flex: 1 }}
          data-testid="link-input"
          placeholder="https://id.example/01/09506000134352/10/AMX-2611/21/AMX2611-0001?17=281130"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setError(undefined);
          }}
          onKeyDown={(e) => e.key === "Enter" && open()}
        />
        <button onClick={open}>Verify</button>
      </div>
      {error ? <div className="error">{error}</div> : null}
      {Object.keys(items).length > 0 ? (
        <section className="card">
          <h2>Packs of the demo</h2>
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
  return src ? <img data-testid="qr" src={src} alt={`QR code of ${text}`} /> : null;
}

/** The item page at its GS1 Digital Link path: the verdict at a glance, then product, lot, inputs and custody. */
export function VerifyPage({ path }: { path: string }) {
  const { deployment, provider, namer, navigate } = useApp();
  const address = deployment.contracts.supplyChain;
  const href = window.location.origin + path + window.location.search;
  let link: DigitalLink | undefined;
  let parseError: string | undefined;
  try {
    link = parseDigitalLink(href);
    if (!link.lot || !link.serial) throw new Error("the link needs a lot (10) and a serial (21)");
  } catch (err) {
    parseError = (err as Error).message;
  }
  const { data, error } = useChainData(async () => {
    if (!address || !link?.lot || !link.serial) return undefined;
    const sc = SupplyChain__factory.connect(address, provider);
    const gtin = BigInt(link.gtin);
    const lotId = lotIdOf(link.gtin, link.lot);
    // Current state from the contract's views; history from the indexer.
    const history = historyOf({ deployment, provider });
    const org = (id: bigint) => namer.org?.(Number(id)) ?? `member #${id}`;
    const who = (a: string) => namer.address?.(a) ?? a;
    const [product, lot, item, { timeline, commissioned }] = await Promise.all([
      sc.product(gtin),
      sc.lot(lotId),
      sc.item(lotId, textHash(link.serial)),
      itemHistory(
        history,
        address,
        link.gtin,
        link.lot,
        link.serial,
        (id) => org(id),
        (a) => who(a),
      ),
    ]);
    const expiry = link.expiry ? expiryFromYymmdd(link.expiry) : Number(lot.expiry);
    const [sellable, reason] = await sc.verify(gtin, link.serial, link.lot, expiry, []);
    // Cold-chain alarms of shipments that carried this lot: the "why" of a quarantine.
    const excursions: TimelineEntry[] = [];
    const ccAddress = deployment.contracts.coldChain;
    if (ccAddress) {
      const cc = ColdChain__factory.connect(ccAddress, provider);
      for (const e of await history.excursions(ccAddress)) {
        if (!(await cc.shipmentLots(BigInt(String(e.args.id)))).includes(lotId)) continue;
        const kind = EXCURSION_KIND[Number(e.args.kind)];
        const how =
          kind === "Gap"
            ? `the sensor was silent for ${Math.round(Number(e.args.duration) / 60)} min`
            : kind === "Cumulative"
              ? `${Math.round(Number(e.args.duration) / 60)} min outside the storage range, up to ${Number(e.args.deviation) / 100} °C beyond it`
              : `a reading ${Number(e.args.deviation) / 100} °C beyond the hard limit`;
        excursions.push({
          block: e.block,
          index: e.logIndex - 0.5,
          timestamp: Number(e.args.at),
          title: `Cold-chain alarm on shipment ${e.args.id}`,
          detail: how,
          tone: "bad",
        });
      }
    }
    timeline.push(...excursions);
    timeline.sort((a, b) => a.block - b.block || a.index - b.index);
    const inputs = (commissioned?.args.inputLots ?? []) as string[];
    const inputLots = await Promise.all(inputs.map(async (id) => ({ id, lot: await sc.lot(id) })));
    return {
      product,
      lot,
      item,
      sellable,
      reason: VERIFY_REASONS[Number(reason)],
      timeline,
      commissioned,
      lag: historyLag(history),
      inputLots,
      org,
      excursions,
    };
  }, [address, href]);
  useHistoryCatchUp(data?.lag, data);

  if (!address) return <NotDeployed what="The supply chain" />;
  if (parseError || !link) return <div className="card error">Not a GS1 Digital Link of an item: {parseError}</div>;
  if (!data) return <Loading error={error} />;

  const verdict = VERDICT[data.reason];
  const catalogue = (deployment.facts.appProducts ?? {}) as Record<string, CatalogueEntry>;
  const lots = Object.values((deployment.facts.appLots ?? {}) as Record<string, LotFact>);
  const entry = catalogue[link.gtin];
  const entryMatches = entry && textHash(JSON.stringify(entry)) === data.product.metadataHash;
  const lotFact = lots.find((l) => l.gtin === link.gtin && l.lot === link.lot);
  const originMatches = lotFact && data.commissioned && textHash(lotFact.origin) === data.commissioned.args.origin;
  const known = data.product.manufacturer !== 0n;
  return (
    <>
      <div
        className={`verdict ${verdict.tone}`}
        data-testid="verdict"
        data-reason={data.reason}
        data-sellable={String(data.sellable)}
      >
        <span className="icon">{verdict.tone === "ok" ? "✔" : verdict.tone === "warn" ? "!" : "✖"}</span>
        <div>
          <h1 data-testid="verdict-title">{verdict.title}</h1>
          <div>{verdict.text}</div>
          {data.reason === "quarantined" && data.excursions.length > 0 ? (
            <div data-testid="verdict-why">
              {data.excursions[0].title}: {data.excursions[0].detail}.
            </div>
          ) : null}
        </div>
      </div>
      <div className="grid2">
        <section className="card">
          <h2>Product</h2>
          <dl className="facts">
            <dt>Name</dt>
            <dd data-testid="product-name">{entry?.name ?? <span className="muted">not in the catalogue</span>}</dd>
            <dt>GTIN</dt>
            <dd>{link.gtin}</dd>
            <dt>Manufacturer</dt>
            <dd>{known ? data.org(data.product.manufacturer) : <span className="error">none registered</span>}</dd>
            {entry ? (
              <>
                <dt>Form</dt>
                <dd>{entry.form}</dd>
                <dt>Storage</dt>
                <dd>{entry.storage}</dd>
              </>
            ) : null}
            <dt>Master data</dt>
            <dd>
              {known ? <Hash value={data.product.metadataHash} /> : "—"}{" "}
              {entry ? (
                entryMatches ? (
                  <span className="badge ok">matches the chain</span>
                ) : (
                  <span className="badge bad">does not match the chain</span>
                )
              ) : null}
            </dd>
          </dl>
        </section>
        <section className="card qr" style={{ display: "flex", gap: "1rem" }}>
          <Qr text={href} />
          <div>
            <h2>This pack's link</h2>
            <p className="muted" style={{ wordBreak: "break-all" }}>
              <code>{href}</code>
            </p>
            <p className="muted">Scanning the code opens this page.</p>
          </div>
        </section>
      </div>
      <section className="card">
        <h2>Lot {link.lot}</h2>
        {data.lot.manufacturer === 0n ? (
          <div className="error">No lot with this number exists for this product.</div>
        ) : (
          <dl className="facts">
            <dt>Origin</dt>
            <dd data-testid="origin">
              {lotFact ? lotFact.origin : <span className="muted">kept by the manufacturer</span>}{" "}
              {lotFact ? (
                originMatches ? (
                  <span className="badge ok">matches the chain</span>
                ) : (
                  <span className="badge bad">does not match</span>
                )
              ) : null}
            </dd>
            <dt>Expiry</dt>
            <dd>
              {yymmddFromExpiry(data.lot.expiry)} (use by{" "}
              {new Date((Number(data.lot.expiry) - 86_400) * 1000).toISOString().slice(0, 10)})
            </dd>
            <dt>Serials</dt>
            <dd>
              {data.lot.itemCount.toString()} committed in one Merkle root <Hash value={data.lot.merkleRoot} />
            </dd>
            <dt>Commissioned</dt>
            <dd>{when(data.lot.commissionedAt)}</dd>
            <dt>Status</dt>
            <dd>
              {data.lot.recalled ? <span className="badge bad">recalled</span> : null}{" "}
              {data.lot.quarantined ? <span className="badge bad">quarantined</span> : null}{" "}
              {data.lot.destroyed ? <span className="badge bad">destroyed</span> : null}
              {!data.lot.recalled && !data.lot.quarantined && !data.lot.destroyed ? (
                <span className="badge ok">in good standing</span>
              ) : null}
            </dd>
            <dt>Raw materials</dt>
            <dd data-testid="inputs">
              {data.inputLots.length === 0 ? <span className="muted">none recorded</span> : null}
              {data.inputLots.map(({ id, lot }) => {
                const fact = lots.find((l) => l.lotId === id);
                const name = catalogue[lot.gtin.toString().padStart(14, "0")]?.name;
                return (
                  <div key={id}>
                    {name ?? `GTIN ${lot.gtin}`} — lot {fact?.lot ?? <Hash value={id} />}, by{" "}
                    {data.org(lot.manufacturer)}
                    {lot.recalled ? <span className="badge bad">recalled</span> : null}
                  </div>
                );
              })}
            </dd>
          </dl>
        )}
      </section>
      <section className="card">
        <h2>Custody</h2>
        <p className="muted">
          Now: <b>{ITEM_STATES[Number(data.item.state)]}</b>
          {data.item.activated ? (
            <>
              , held by <b>{data.org(data.item.custodian)}</b>, owned by <b>{data.org(data.item.owner)}</b>
            </>
          ) : (
            " (this serial has not moved on chain yet)"
          )}
          {data.item.suspect ? <span className="badge bad"> suspect</span> : null}
        </p>
        {data.lag ? (
          <div className="muted" data-testid="indexer-lag">
            {data.lag}
          </div>
        ) : null}
        <Timeline entries={data.timeline} />
      </section>
      <p>
        <a
          href="/verify"
          onClick={(e) => {
            e.preventDefault();
            navigate("/verify");
          }}
        >
          ← verify another pack
        </a>
      </p>
    </>
  );
}

function Timeline({ entries }: { entries: TimelineEntry[] }) {
  if (entries.length === 0) return <div className="muted">No events.</div>;
  return (
    <ol className="timeline" data-testid="timeline">
      {entries.map((e) => (
        <li key={`${e.block}-${e.index}`} className={e.tone}>
          <b>{e.title}</b>{" "}
          <span className="muted">
            {when(e.timestamp)} · block {e.block}
          </span>
          <div>{e.detail}</div>
        </li>
      ))}
    </ol>
  );
}
