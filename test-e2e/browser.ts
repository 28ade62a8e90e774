import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { BrowserContext, Page, chromium } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`); Playwright cannot download browsers here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Where the e2e run keeps the screenshots of the main pages (committed, shown in the README). */
export const SCREENSHOTS = path.join(__dirname, "..", "docs", "screenshots");

export interface E2eBrowser {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far (a test asserts there are none it did not expect). */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a fresh profile (a new --user-data-dir) and everything that would reach the network switched off
 * (without these flags Chromium keeps calling home, which floods a closed network).
 */
export async function launchBrowser(baseURL: string, extraArgs: string[] = []): Promise<E2eBrowser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "citychain-e2e-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    baseURL,
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
  context.setDefaultTimeout(20_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  return {
    context,
    page,
    errors,
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Picks a developer account in the wallet bar's labelled picker and waits until it is connected. */
export async function actAs(page: Page, address: string): Promise<void> {
  await page.getByTestId("dev-account").selectOption(address);
  await page
    .getByTestId("account")
    .filter({ hasText: address.slice(0, 8) })
    .waitFor();
}

/** Saves a full-page screenshot of the current page as docs/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
