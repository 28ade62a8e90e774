import { HistoryClient } from "../../src/history/client";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { JsonRpcProvider, Signer } from "ethers";
import { Consortium__factory } from "../../typechain-types";
import type { AppDeployment } from "../../src/stack/deployment";
import { AppContext, AppState } from "./app-context";
import { connectInjected, devSigner, loadDeployment, makeNamer, readProvider } from "./chain";
import { WalletBar } from "./wallet";
import { MembersPage } from "./pages/Members";
import { HomePage } from "./pages/Home";
import { VerifyPage, VerifySearch } from "./pages/Verify";
import { PalletPage, ProductPage } from "./pages/Gs1Pages";
import { Gs1Data, Gs1Error, parseDigitalLinkData, valueOf } from "../../src/gs1";
import i18n, { LANGUAGES, Language, setLanguage } from "./i18n";
import { InvestorsPage } from "./pages/Investors";
import { ConsolePage } from "./pages/Console";

interface Loaded {
  deployment: AppDeployment;
  provider: JsonRpcProvider;
  orgNames: Map<number, string>;
}

const NAV: [string, string][] = [
  ["/", "nav.home"],
  ["/verify", "nav.verify"],
  ["/investors", "nav.investors"],
  ["/console", "nav.console"],
  ["/members", "nav.members"],
];

const APP_PAGES = new Set(["/", "/verify", "/investors", "/console", "/members"]);

/**
 * What a GS1 Digital Link path opens (any resolver path prefix, the rightmost primary key): a pack (GTIN with lot
 * and serial), a product with its lots (GTIN alone), a pallet (SSCC). Undefined for the app's own pages; a link
 * that is refused keeps its error for the pack page to show.
 */
function gs1Route(path: string): { data?: Gs1Data; error?: string } | undefined {
  if (APP_PAGES.has(path)) return undefined;
  try {
    return { data: parseDigitalLinkData(window.location.origin + path + window.location.search) };
  } catch (err) {
    return { error: err instanceof Gs1Error ? err.message : String(err) };
  }
}

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <select
      aria-label={t("nav.language")}
      data-testid="language"
      value={i18n.language}
      onChange={(e) => setLanguage(e.target.value as Language)}
    >
      {LANGUAGES.map((l) => (
        <option key={l.code} value={l.code}>
          {l.label}
        </option>
      ))}
    </select>
  );
}

function usePath(): [string, (p: string) => void] {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname);
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);
  const navigate = useCallback((p: string) => {
    window.history.pushState(null, "", p);
    setPath(new URL(p, window.location.origin).pathname);
    window.scrollTo(0, 0);
  }, []);
  return [path, navigate];
}

export function App() {
  const { t } = useTranslation();
  const [loaded, setLoaded] = useState<Loaded>();
  const [loadError, setLoadError] = useState<string>();
  const [account, setAccount] = useState<{ address: string; signer: Signer; label: string }>();
  const [walletError, setWalletError] = useState<string>();
  const [version, setVersion] = useState(0);
  const [path, navigate] = usePath();

  useEffect(() => {
    (async () => {
      const deployment = await loadDeployment();
      const provider = readProvider(deployment);
      const orgNames = new Map<number, string>();
      if (deployment.contracts.consortium) {
        const c = Consortium__factory.connect(deployment.contracts.consortium, provider);
        const count = Number(await c.memberCount());
        const members = await Promise.all(Array.from({ length: count }, (_, i) => c.member(i + 1)));
        members.forEach((m, i) => orgNames.set(i + 1, m.name || i18n.t("common.person", { id: i + 1 })));
      }
      setLoaded({ deployment, provider, orgNames });
    })().catch((err: Error) => setLoadError(err.message));
  }, []);

  useEffect(() => {
    if (!loaded) return;
    const onBlock = () => setVersion((v) => v + 1);
    void loaded.provider.on("block", onBlock);
    return () => void loaded.provider.off("block", onBlock);
  }, [loaded]);

  const refresh = useCallback(() => setVersion((v) => v + 1), []);

  const state: AppState | null = useMemo(
    () =>
      loaded
        ? {
            deployment: loaded.deployment,
            provider: loaded.provider,
            history:
              loaded.deployment.historyUrl === undefined ? undefined : new HistoryClient(loaded.deployment.historyUrl),
            namer: makeNamer(loaded.deployment, loaded.orgNames),
            account,
            version,
            refresh,
            navigate,
          }
        : null,
    [loaded, account, version, refresh, navigate],
  );

  if (loadError) return <div className="page error">{t("app.loadError", { error: loadError })}</div>;
  if (!state || !loaded) return <div className="page muted">{t("app.loading")}</div>;

  const onDev = async (address: string) => {
    setWalletError(undefined);
    const actor = loaded.deployment.actors.find((a) => a.address === address);
    const signer = await devSigner(loaded.provider, address);
    setAccount({ address, signer, label: t("wallet.dev", { label: actor?.label ?? address }) });
  };
  const onInjected = async () => {
    setWalletError(undefined);
    try {
      const signer = await connectInjected(loaded.deployment);
      const address = await signer.getAddress();
      setAccount({ address, signer, label: state.namer.address?.(address) ?? t("common.wallet") });
    } catch (err) {
      setWalletError((err as Error).message);
    }
  };

  let page;
  const gs1 = gs1Route(path);
  const key = gs1?.data?.elements[0];
  if (gs1 && key?.ai === "00") page = <PalletPage sscc={BigInt(key.value)} />;
  else if (gs1 && key?.ai === "01" && gs1.data && valueOf(gs1.data.elements, "21") === undefined) {
    page = <ProductPage gtin={key.value} />;
  } else if (gs1) page = <VerifyPage path={path} />;
  else if (path === "/verify") page = <VerifySearch />;
  else if (path === "/investors") page = <InvestorsPage />;
  else if (path === "/console") page = <ConsolePage />;
  else if (path === "/members") page = <MembersPage />;
  else page = <HomePage />;

  return (
    <AppContext.Provider value={state}>
      <header className="top">
        <a
          className="brand"
          href="/"
          onClick={(e) => {
            e.preventDefault();
            navigate("/");
          }}
        >
          citychain
        </a>
        <nav>
          {NAV.map(([href, label]) => (
            <a
              key={href}
              href={href}
              className={path === href || (href === "/verify" && gs1 !== undefined) ? "active" : ""}
              onClick={(e) => {
                e.preventDefault();
                navigate(href);
              }}
            >
              {t(label)}
            </a>
          ))}
        </nav>
        <LanguageSwitch />
        <WalletBar
          deployment={loaded.deployment}
          account={account}
          onDev={(a) => void onDev(a)}
          onInjected={() => void onInjected()}
          onDisconnect={() => setAccount(undefined)}
          error={walletError}
        />
      </header>
      <main className="page">{page}</main>
    </AppContext.Provider>
  );
}
