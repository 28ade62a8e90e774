/**
 * End-to-end tests of the web app in a real browser: `npm run test:e2e` (hardhat test test-e2e/app.e2e.ts).
 * The in-process Hardhat network is seeded with the demo and the app's scenario, served over JSON-RPC on
 * 127.0.0.1, the app is served by Vite, and Debian's Chromium drives the pages through playwright-core.
 */
import { expect } from "chai";
import hre from "hardhat";
import type { Page } from "playwright-core";
import type { RunningStack } from "../src/app/stack";
import { startAppStack } from "../src/app/stack";
import { E2eBrowser, actAs, launchBrowser, screenshot } from "./browser";

describe("web app (Chromium)", function () {
  this.timeout(120_000);
  let stack: RunningStack;
  let b: E2eBrowser;
  let page: Page;

  const actor = (key: string): string => {
    const a = stack.deployment.actors.find((x) => x.key === key);
    if (!a) throw new Error(`no actor ${key} in the deployment`);
    return a.address;
  };

  before(async function () {
    this.timeout(900_000);
    stack = await startAppStack(hre, { quiet: true });
    try {
      b = await launchBrowser(stack.url);
    } catch (err) {
      await stack.stop();
      throw err;
    }
    page = b.page;
  });

  after(async function () {
    this.timeout(60_000);
    await b?.close();
    await stack?.stop();
  });

  describe("members", function () {
    it("lists the consortium's organisations with their roles and status", async function () {
      await page.goto("/members");
      const rows = page.getByTestId("member-row");
      await rows.first().waitFor();
      expect(await rows.count()).to.be.greaterThan(10);
      const acme = rows.filter({ hasText: "Acme Pharma" });
      expect(await acme.innerText()).to.match(/manufacturer/i);
      const lumen = rows.filter({ hasText: "Lumen Foods" });
      expect(await lumen.innerText()).to.contain("Suspended");
      await screenshot(page, "members");
    });

    it("shows an outsider's refused admission as the decoded custom error, then the KYC provider's as confirmed", async function () {
      await page.goto("/members");
      await actAs(page, actor("outsider"));
      await page.getByTestId("admit-account").fill(actor("outsider2"));
      await page.getByTestId("admit-kyc").fill("passport 4711");
      await page.getByTestId("admit-submit").click();
      const status = page.getByTestId("tx-status");
      await status.and(page.locator('[data-status="failed"]')).waitFor();
      expect(await status.innerText()).to.match(/Consortium: cannot admit person/);
      expect(await status.innerText()).to.contain("INVESTOR");

      await actAs(page, actor("kyc"));
      await page.getByTestId("admit-submit").click();
      await status.and(page.locator('[data-status="confirmed"]')).waitFor();
      await page
        .getByTestId("member-row")
        .filter({ hasText: actor("outsider2").slice(0, 6) })
        .waitFor();
    });
  });
});
