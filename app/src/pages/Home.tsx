import { Trans, useTranslation } from "react-i18next";
import { useApp } from "../app-context";

/** The landing page: what each kind of user finds where, and the chain the app is connected to. */
export function HomePage() {
  const { t } = useTranslation();
  const { deployment, navigate } = useApp();
  const items = (deployment.facts.appItems ?? {}) as Record<string, string>;
  const go = (p: string) => (e: React.MouseEvent) => {
    e.preventDefault();
    navigate(p);
  };
  return (
    <>
      <h1>{t("home.title")}</h1>
      <p className="muted">
        <Trans
          i18nKey="home.connected"
          values={{
            network: deployment.network,
            chainId: deployment.chainId,
            count: Object.keys(deployment.contracts).length,
          }}
          components={{ b: <b /> }}
        />
      </p>
      <div className="tiles">
        <a className="tile" href="/verify" onClick={go("/verify")}>
          <h2>{t("home.verifyTitle")}</h2>
          <p>{t("home.verifyText")}</p>
        </a>
        <a className="tile" href="/investors" onClick={go("/investors")}>
          <h2>{t("home.investorsTitle")}</h2>
          <p>{t("home.investorsText")}</p>
        </a>
        <a className="tile" href="/console" onClick={go("/console")}>
          <h2>{t("home.consoleTitle")}</h2>
          <p>{t("home.consoleText")}</p>
        </a>
        <a className="tile" href="/members" onClick={go("/members")}>
          <h2>{t("home.membersTitle")}</h2>
          <p>{t("home.membersText")}</p>
        </a>
      </div>
      {Object.keys(items).length > 0 ? (
        <section className="card">
          <h2>{t("home.items")}</h2>
          <ul>
            {Object.entries(items).map(([name, link]) => (
              <li key={name}>
                <a href={link} onClick={go(link)}>
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
