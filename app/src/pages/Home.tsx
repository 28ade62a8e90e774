import { useApp } from "../app-context";

/** The landing page: what each kind of user finds where, and the chain the app is connected to. */
export function HomePage() {
  const { deployment, navigate } = useApp();
  const items = (deployment.facts.appItems ?? {}) as Record<string, string>;
  const go = (p: string) => (e: React.MouseEvent) => {
    e.preventDefault();
    navigate(p);
  };
  return (
    <>
      <h1>The city's chain</h1>
      <p className="muted">
        Connected to <b>{deployment.network}</b> (chain id {deployment.chainId}) with{" "}
        {Object.keys(deployment.contracts).length} system contracts.
      </p>
      <div className="tiles">
        <a className="tile" href="/verify" onClick={go("/verify")}>
          <h2>Verify a product</h2>
          <p>Scan the QR code on a pack: genuine and sellable or not, and why; origin, raw materials, custody.</p>
        </a>
        <a className="tile" href="/investors" onClick={go("/investors")}>
          <h2>Investors</h2>
          <p>Solar plants, vending machines and screens you can own a share of; revenue to claim; the market.</p>
        </a>
        <a className="tile" href="/console" onClick={go("/console")}>
          <h2>Manufacturers &amp; regulators</h2>
          <p>Commission lots from a CSV, recall a lot, and the live alarms with the action each allows.</p>
        </a>
        <a className="tile" href="/members" onClick={go("/members")}>
          <h2>Members</h2>
          <p>The consortium's organisations and persons, their roles and status.</p>
        </a>
      </div>
      {Object.keys(items).length > 0 ? (
        <section className="card">
          <h2>Items of the demo to scan</h2>
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
