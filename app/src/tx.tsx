import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import i18n from "./i18n";
import type { ContractTransactionResponse, Signer } from "ethers";
import type { DecodedRevert } from "../../src/stack/revert";
import { explain } from "./chain";
import { useApp } from "./app-context";

export type TxState =
  | { status: "idle" }
  | { status: "pending"; label: string; hash?: string; progress?: string }
  | { status: "confirmed"; label: string; hash: string; block: number }
  | { status: "failed"; label: string; error: DecodedRevert };

/**
 * Runs transactions for a component: pending (with hash once sent), confirmed (with block) or failed with the
 * custom error decoded in plain words. `send` gets the connected signer.
 */
export function useTx(): {
  state: TxState;
  run(label: string, send: (signer: Signer) => Promise<ContractTransactionResponse>): Promise<boolean>;
  setState(s: TxState): void;
} {
  const app = useApp();
  const [state, setState] = useState<TxState>({ status: "idle" });
  const run = useCallback(
    async (label: string, send: (signer: Signer) => Promise<ContractTransactionResponse>) => {
      if (!app.account) {
        setState({ status: "failed", label, error: { message: i18n.t("tx.connectFirst") } });
        return false;
      }
      setState({ status: "pending", label });
      try {
        const tx = await send(app.account.signer);
        setState({ status: "pending", label, hash: tx.hash });
        const receipt = await tx.wait();
        setState({ status: "confirmed", label, hash: tx.hash, block: receipt?.blockNumber ?? 0 });
        app.refresh();
        return true;
      } catch (err) {
        console.warn(label, err);
        setState({ status: "failed", label, error: explain(err, app.namer) });
        return false;
      }
    },
    [app],
  );
  return { state, run, setState };
}

/** The status line of a transaction. */
export function TxStatus({ state }: { state: TxState }) {
  const { t } = useTranslation();
  if (state.status === "idle") return null;
  if (state.status === "pending") {
    return (
      <div className="tx tx-pending" data-testid="tx-status" data-status="pending" role="status">
        <span className="spinner" /> {t("tx.pending", { label: state.label })}
        {state.progress ? ` — ${state.progress}` : ""}
        {state.hash ? <code> {state.hash.slice(0, 10)}…</code> : t("tx.waitingWallet")}
      </div>
    );
  }
  if (state.status === "confirmed") {
    return (
      <div className="tx tx-confirmed" data-testid="tx-status" data-status="confirmed" role="status">
        ✔ {t("tx.confirmed", { label: state.label, block: state.block })} <code>{state.hash.slice(0, 10)}…</code>
      </div>
    );
  }
  return (
    <div className="tx tx-failed" data-testid="tx-status" data-status="failed" role="alert">
      ✖ {t("tx.failed", { label: state.label, error: state.error.message })}
      {state.error.detail ? <div className="tx-detail">{state.error.detail}</div> : null}
    </div>
  );
}
