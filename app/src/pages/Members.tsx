import { useState } from "react";
import { isAddress } from "ethers";
import { Consortium__factory } from "../../../typechain-types";
import { documentHash, listMembers } from "../../../src/consortium";
import { ROLES } from "../../../src/roles";
import { useApp } from "../app-context";
import { Addr, Hash, Loading, NotDeployed, useChainData } from "../components";
import { TxStatus, useTx } from "../tx";

/** The consortium's members: organisations and persons, status, roles, accounts; KYC providers admit investors. */
export function MembersPage() {
  const { deployment, provider } = useApp();
  const address = deployment.contracts.consortium;
  const { data, error } = useChainData(
    async () => (address ? listMembers(Consortium__factory.connect(address, provider)) : []),
    [address],
  );
  if (!address) return <NotDeployed what="The consortium" />;
  return (
    <>
      <h1>Consortium members</h1>
      <p className="muted">
        Every organisation and person of the city's chain, with the roles the consortium granted by vote (or by KYC for
        investors and patients). Suspended members keep their history but lose every right at once.
      </p>
      {!data ? (
        <Loading error={error} />
      ) : (
        <table data-testid="members">
          <thead>
            <tr>
              <th>#</th>
              <th>Member</th>
              <th>Kind</th>
              <th>Status</th>
              <th>Roles</th>
              <th>Accounts</th>
              <th>Documents hash</th>
            </tr>
          </thead>
          <tbody>
            {data.map((m) => (
              <tr key={m.id} data-testid="member-row">
                <td>{m.id}</td>
                <td>{m.name || <span className="muted">(pseudonymous person)</span>}</td>
                <td>{m.kind}</td>
                <td>
                  <span className={`badge status-${m.status.toLowerCase()}`}>{m.status}</span>
                </td>
                <td>{m.roles.map((r) => r.toLowerCase().replace("_", " ")).join(", ")}</td>
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
  const [account, setAccount] = useState("");
  const [role, setRole] = useState<"INVESTOR" | "PATIENT">("INVESTOR");
  const [kyc, setKyc] = useState("");
  const tx = useTx();
  const valid = isAddress(account) && kyc.trim().length > 0;
  return (
    <section className="card">
      <h2>Admit a person</h2>
      <p className="muted">
        A KYC provider (or the regulator) admits investors, a hospital admits patients. Only the hash of the KYC record
        goes on chain.
      </p>
      <div className="form-row">
        <input
          data-testid="admit-account"
          placeholder="account 0x…"
          value={account}
          onChange={(e) => setAccount(e.target.value.trim())}
        />
        <select value={role} onChange={(e) => setRole(e.target.value as "INVESTOR" | "PATIENT")}>
          <option value="INVESTOR">investor</option>
          <option value="PATIENT">patient</option>
        </select>
        <input
          data-testid="admit-kyc"
          placeholder="KYC record reference"
          value={kyc}
          onChange={(e) => setKyc(e.target.value)}
        />
        <button
          data-testid="admit-submit"
          disabled={!valid || tx.state.status === "pending"}
          onClick={() =>
            void tx.run(`Admit ${role.toLowerCase()}`, (signer) =>
              Consortium__factory.connect(consortium, signer).admitPerson(account, ROLES[role], documentHash(kyc)),
            )
          }
        >
          Admit
        </button>
      </div>
      <TxStatus state={tx.state} />
    </section>
  );
}
