import { useState } from "react";
import { useTranslation } from "react-i18next";
import { isAddress } from "ethers";
import { Consortium__factory } from "../../../typechain-types";
import { documentHash, listMembers } from "../../../src/consortium";
import { ROLES } from "../../../src/roles";
import { useApp } from "../app-context";
import { Addr, Hash, Loading, NotDeployed, useChainData } from "../components";
import { TxStatus, useTx } from "../tx";

/** The consortium's members: organisations and persons, status, roles, accounts; KYC providers admit investors. */
export function MembersPage() {
  const { t } = useTranslation();
  const { deployment, provider } = useApp();
  const address = deployment.contracts.consortium;
  const { data, error } = useChainData(
    async () => (address ? listMembers(Consortium__factory.connect(address, provider)) : []),
    [address],
  );
  if (!address) return <NotDeployed what={t("members.notDeployed")} />;
  return (
    <>
      <h1>{t("members.title")}</h1>
      <p className="muted">{t("members.intro")}</p>
      {!data ? (
        <Loading error={error} />
      ) : (
        <table data-testid="members">
          <thead>
            <tr>
              <th>{t("members.id")}</th>
              <th>{t("members.member")}</th>
              <th>{t("members.kind")}</th>
              <th>{t("members.status")}</th>
              <th>{t("members.roles")}</th>
              <th>{t("members.accounts")}</th>
              <th>{t("members.documents")}</th>
            </tr>
          </thead>
          <tbody>
            {data.map((m) => (
              <tr key={m.id} data-testid="member-row">
                <td>{m.id}</td>
                <td>{m.name || <span className="muted">{t("members.pseudonymous")}</span>}</td>
                <td>{t(`members.kinds.${m.kind}`)}</td>
                <td>
                  <span className={`badge status-${m.status.toLowerCase()}`}>{t(`members.statuses.${m.status}`)}</span>
                </td>
                <td>{m.roles.map((r) => t(`members.roleNames.${r}`)).join(t("members.listSeparator"))}</td>
                <td>
                  {m.accounts.map((a) => (
                    <div key={a}>
                      <Addr address={a} />
                    </div>
                  ))}
                </td>
                <td>
                  <Hash value={m.metadataHash} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AdmitPerson consortium={address} />
    </>
  );
}

function AdmitPerson({ consortium }: { consortium: string }) {
  const { t } = useTranslation();
  const [account, setAccount] = useState("");
  const [role, setRole] = useState<"INVESTOR" | "PATIENT">("INVESTOR");
  const [kyc, setKyc] = useState("");
  const tx = useTx();
  const valid = isAddress(account) && kyc.trim().length > 0;
  return (
    <section className="card">
      <h2>{t("members.admitTitle")}</h2>
      <p className="muted">{t("members.admitText")}</p>
      <div className="form-row">
        <input
          data-testid="admit-account"
          placeholder={t("members.accountPlaceholder")}
          value={account}
          onChange={(e) => setAccount(e.target.value.trim())}
        />
        <select value={role} onChange={(e) => setRole(e.target.value as "INVESTOR" | "PATIENT")}>
          <option value="INVESTOR">{t("members.roleNames.INVESTOR")}</option>
          <option value="PATIENT">{t("members.roleNames.PATIENT")}</option>
        </select>
        <input
          data-testid="admit-kyc"
          placeholder={t("members.kycPlaceholder")}
          value={kyc}
          onChange={(e) => setKyc(e.target.value)}
        />
        <button
          data-testid="admit-submit"
          disabled={!valid || tx.state.status === "pending"}
          onClick={() =>
            void tx.run(t("members.admitTx", { role: t(`members.roleNames.${role}`) }), (signer) =>
              Consortium__factory.connect(consortium, signer).admitPerson(account, ROLES[role], documentHash(kyc)),
            )
          }
        >
          {t("members.admit")}
        </button>
      </div>
      <TxStatus state={tx.state} />
    </section>
  );
}
