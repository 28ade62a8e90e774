import { BrowserProvider, Interface, JsonRpcProvider, JsonRpcSigner, Signer } from "ethers";
import { factories } from "../../typechain-types";
import type { AppDeployment } from "../../src/stack/deployment";
import { DecodedRevert, Namer, explainError, words } from "../../src/stack/revert";
import i18n from "./i18n";
import { memberSites, sitePlaces } from "../../src/history/timeline";

/** Every contract interface the build knows (walked from typechain's factories), for decoding custom errors. */
function collectInterfaces(node: unknown, out: Interface[], seen: Set<unknown>): Interface[] {
  if (!node || (typeof node !== "object" && typeof node !== "function") || seen.has(node)) return out;
  seen.add(node);
  const f = node as { abi?: unknown; createInterface?: () => Interface };
  if (typeof node === "function" && Array.isArray(f.abi) && typeof f.createInterface === "function") {
    out.push(f.createInterface());
    return out;
  }
  if (typeof node === "object") for (const child of Object.values(node)) collectInterfaces(child, out, seen);
  return out;
}

export const INTERFACES: readonly Interface[] = collectInterfaces(factories, [], new Set());

/** Loads the deployment description served next to the app. */
export async function loadDeployment(): Promise<AppDeployment> {
  const res = await fetch("/deployment.json", { cache: "no-store" });
  if (!res.ok) throw new Error(i18n.t("wallet.deploymentHttp", { status: res.status }));
  return (await res.json()) as AppDeployment;
}

/** A read-only provider on the deployment's JSON-RPC endpoint (same origin when it is a path). */
export function readProvider(d: AppDeployment): JsonRpcProvider {
  const url = new URL(d.rpcUrl, window.location.origin).href;
  const provider = new JsonRpcProvider(url, Number(d.chainId), { staticNetwork: true, batchMaxCount: 20 });
  provider.pollingInterval = 1000;
  return provider;
}

/** An EIP-1193 provider injected by a wallet extension. */
export interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

export function injectedWallet(): Eip1193 | undefined {
  return (window as unknown as { ethereum?: Eip1193 }).ethereum;
}

/** Connects the injected wallet, asking it to switch to the deployment's chain. */
export async function connectInjected(d: AppDeployment): Promise<Signer> {
  const eth = injectedWallet();
  if (!eth) throw new Error(i18n.t("wallet.noWallet"));
  await eth.request({ method: "eth_requestAccounts" });
  const chainHex = "0x" + BigInt(d.chainId).toString(16);
  if ((await eth.request({ method: "eth_chainId" })) !== chainHex) {
    await eth.request({ method: "wallet_switchEthereumChain", params: [{ chainId: chainHex }] });
  }
  const provider = new BrowserProvider(eth, Number(d.chainId));
  return provider.getSigner();
}

/** A developer account of the local node (unlocked there, so the node signs; no key ever reaches the page). */
export async function devSigner(provider: JsonRpcProvider, address: string): Promise<JsonRpcSigner> {
  return provider.getSigner(address);
}

/** Names addresses by the cast's labels and organisation ids by the members' names. */
export function makeNamer(d: AppDeployment, orgNames: Map<number, string>): Namer {
  const byAddress = new Map(d.actors.map((a) => [a.address.toLowerCase(), a.label]));
  for (const [key, address] of Object.entries(d.contracts)) {
    byAddress.set(address.toLowerCase(), `the ${words(key.replace(/\./g, " "))} contract`);
  }
  return {
    address: (a) => byAddress.get(a.toLowerCase()),
    org: (id) => orgNames.get(id),
    place: sitePlaces(memberSites(orgNames.keys(), (id) => orgNames.get(id) ?? `#${id}`)),
  };
}

export function explain(err: unknown, namer: Namer): DecodedRevert {
  return explainError(err, INTERFACES, namer);
}
