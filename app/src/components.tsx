import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useApp } from "./app-context";
import { formatWhen } from "./i18n";

/**
 * Loads data with `load` whenever the app's version (new block, confirmed transaction) or `deps` change. Data
 * loaded for other `deps` (another account, another item) is never shown while the new data loads.
 */
export function useChainData<T>(load: () => Promise<T>, deps: unknown[]): { data?: T; error?: string } {
  const { version } = useApp();
  const key = JSON.stringify(deps.map((d) => (typeof d === "bigint" ? d.toString() : d)));
  const [state, setState] = useState<{ key?: string; data?: T; error?: string }>({});
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ key, data }),
      (err: Error) => live && setState((s) => ({ key, data: s.key === key ? s.data : undefined, error: err.message })),
    );
    return () => {
      live = false;
    };
  }, [version, key]);
  return state.key === key ? { data: state.data, error: state.error } : {};
}

/** An address as its cast label with the short hex. */
export function Addr({ address }: { address: string }) {
  const { namer } = useApp();
  const label = namer.address?.(address);
  return (
    <span className="addr" title={address}>
      {label ? <span>{label} </span> : null}
      <code>
        {address.slice(0, 6)}…{address.slice(-4)}
      </code>
    </span>
  );
}

/** A hash, shortened, full on hover. */
export function Hash({ value }: { value: string }) {
  return (
    <code className="hash" title={value}>
      {value.slice(0, 10)}…{value.slice(-6)}
    </code>
  );
}

export function NotDeployed({ what }: { what: string }) {
  const { t } = useTranslation();
  return (
    <div className="card muted" data-testid="not-deployed">
      {t("app.notDeployed", { what })}
    </div>
  );
}

/** "History indexed to block N of M" when a history answer lags the chain's head; nothing when it is current. */
export function HistoryLag({ answer }: { answer?: { indexedBlock: bigint; headBlock: bigint } }) {
  const { t } = useTranslation();
  if (!answer || answer.headBlock <= answer.indexedBlock) return null;
  return (
    <p className="muted" data-testid="history-lag">
      {t("app.historyLag", { indexed: answer.indexedBlock.toString(), head: answer.headBlock.toString() })}
    </p>
  );
}

export function Loading({ error }: { error?: string }) {
  const { t } = useTranslation();
  return error ? (
    <div className="error">{t("app.readError", { error })}</div>
  ) : (
    <div className="muted">{t("app.loadingData")}</div>
  );
}

/**
 * A timestamp (seconds) as a date and time in UTC, in the current language (components re-render on a language
 * switch through `useTranslation`; `useFormat().when` is the hook form).
 */
export function when(seconds: bigint | number): string {
  return formatWhen(seconds);
}
