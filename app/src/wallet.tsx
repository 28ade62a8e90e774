import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { AppDeployment } from "../../src/stack/deployment";
import { injectedWallet } from "./chain";

/**
 * The wallet bar: an injected EIP-1193 wallet (production), and on a local development chain a clearly
 * labelled picker of the node's developer accounts, named after the city's cast.
 */
export function WalletBar(props: {
  deployment: AppDeployment;
  account?: { address: string; label: string };
  onDev(address: string): void;
  onInjected(): void;
  onDisconnect(): void;
  error?: string;
}) {
  const { deployment, account } = props;
  const { t } = useTranslation();
  const [choice, setChoice] = useState("");
  return (
    <div className="wallet" data-testid="wallet">
      {account ? (
        <span className="account" data-testid="account">
          <b>{account.label}</b> <code>{account.address.slice(0, 8)}…</code>{" "}
          <button className="link" onClick={props.onDisconnect}>
            {t("wallet.disconnect")}
          </button>
        </span>
      ) : (
        <span className="muted">{t("wallet.notConnected")}</span>
      )}
      {injectedWallet() ? <button onClick={props.onInjected}>{t("wallet.connect")}</button> : null}
      {deployment.devAccounts ? (
        <label className="dev-picker">
          <span className="dev-badge" title={t("wallet.devTitle")}>
            {t("wallet.devBadge", { chainId: deployment.chainId })}
          </span>
          <select
            data-testid="dev-account"
            value={choice}
            onChange={(e) => {
              setChoice(e.target.value);
              if (e.target.value) props.onDev(e.target.value);
            }}
          >
            <option value="">{t("wallet.actAs")}</option>
            {deployment.actors.map((a) => (
              <option key={a.key} value={a.address} data-key={a.key}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {props.error ? <span className="error">{props.error}</span> : null}
    </div>
  );
}
