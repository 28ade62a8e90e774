/**
 * End-to-end tests of the web app in a real browser: `npm run test:e2e` (hardhat test test-e2e/app.e2e.ts).
 * The in-process Hardhat network is seeded with the demo and the app's scenario, served over JSON-RPC on
 * 127.0.0.1, the app is served by Vite, and Debian's Chromium drives the pages through playwright-core.
 */
import { expect } from "chai";
import hre from "hardhat";
import type { Page } from "playwright-core";
import type { RunningStack } from "../src/stack/stack";
import { startAppStack } from "../src/stack/stack";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { makeSscc, parseGs1, toBracketed, toDigitalLink, toElementString, valueOf } from "../src/gs1";
import { AssetPPA__factory, AssetVending__factory, IERC20Metadata__factory } from "../typechain-types";
import { E2eBrowser, actAs, launchBrowser, screenshot } from "./browser";
import { dataMatrixPng, writeY4m } from "./camera";

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
  /** The console's alarm of the break-glass access the app's seed leaves awaiting review. */
  const seededEmergency = () =>
    page.locator(`[data-testid="alarm"][data-alarm="bg-${String(stack.deployment.facts.appEmergency)}"]`);

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

  afterEach(function () {
    // A page error or a console error is a defect even when the assertions passed.
    const errors = b?.errors.splice(0) ?? [];
    expect(errors, errors.join("\n")).to.deep.equal([]);
  });

  describe("members", function () {
    it("opens on the home page with the demo's packs to scan", async function () {
      await page.goto("/");
      await page.getByText("Items of the demo to scan").waitFor();
      await screenshot(page, "home");
    });

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

  describe("verify by scan link", function () {
    const item = (name: string): string => {
      const items = stack.deployment.facts.appItems as Record<string, string>;
      return items[name];
    };
    const verdict = async (link: string) => {
      await page.goto(link);
      const v = page.getByTestId("verdict");
      await v.waitFor();
      return { reason: await v.getAttribute("data-reason"), sellable: await v.getAttribute("data-sellable"), v };
    };

    it("shows a good item as genuine and sellable, with product, origin, raw materials, custody and its QR code", async function () {
      const { reason, sellable, v } = await verdict(item("good"));
      expect(reason).to.equal("verified");
      expect(sellable).to.equal("true");
      expect(await v.innerText()).to.contain("Genuine and sellable");
      expect(await page.getByTestId("product-name").innerText()).to.contain("Amoxicillin 500 mg");
      expect(await page.getByTestId("origin").innerText()).to.match(/Riverside[\s\S]*matches the chain/);
      expect(await page.getByTestId("inputs").innerText()).to.contain("API-2607");
      const timeline = await page.getByTestId("timeline").innerText();
      expect(timeline).to.contain("Lot commissioned");
      expect(timeline).to.match(/Acme Pharma → MedSupply Dealers/);
      expect(timeline).to.match(/MedSupply Dealers → Corner Pharmacy/);
      // each custody event with its EPCIS step, the member's site and the anchored event hash
      expect(timeline).to.match(/EPCIS: shipping · Acme Pharma \(GLN 952\d{10}\) · ni:\/\/\/sha-256;[0-9a-f]{10}…/);
      expect(timeline).to.match(/EPCIS: receiving · Corner Pharmacy \(GLN 952\d{10}\)/);
      // the pack's EPCIS events, as the interface shows anyone: four custody steps, each anchored on chain
      await page.getByTestId("epcis-open").click();
      const rows = page.getByTestId("epcis-event");
      await rows.nth(3).waitFor();
      const events = await page.getByTestId("epcis-events").innerText();
      expect(await rows.count()).to.equal(4);
      expect(events).to.match(/shipping[\s\S]*in transit[\s\S]*anchored by Acme Pharma in block \d+, hash matches/);
      expect(events).to.match(/receiving[\s\S]*sellable accessible[\s\S]*anchored by Corner Pharmacy/);
      expect(events).to.not.contain("not anchored");
      const qr = await page.getByTestId("qr").getAttribute("src");
      expect(qr).to.match(/^data:image\/png;base64,/);
      await screenshot(page, "verify-good");
    });

    it("shows a pack of the demo's own story with its catalogue entry and origin, both matching the chain", async function () {
      const { sellable } = await verdict(item("demoPack"));
      expect(sellable).to.equal("false"); // sold at Corner Pharmacy in the demo, and its lot recalled since
      expect(await page.getByTestId("product-name").innerText()).to.contain("Paracetamol 500 mg");
      expect(await page.getByTestId("master-data").innerText()).to.contain("matches the chain");
      expect(await page.getByTestId("origin").innerText()).to.match(/sgln:4012345\.00001\.0[\s\S]*matches the chain/);
      expect(await page.getByTestId("inputs").innerText()).to.contain("API-2026-07");
    });

    it("shows an item of a recalled lot as not sellable because recalled", async function () {
      const { reason, sellable, v } = await verdict(item("recalled"));
      expect(reason).to.equal("recalled");
      expect(sellable).to.equal("false");
      expect(await v.innerText()).to.contain("Recalled");
      expect(await page.getByTestId("timeline").innerText()).to.contain("Lot recalled");
      await screenshot(page, "verify-recalled");
    });

    it("shows a pack on a quarantined pallet as held after a cold-chain alarm", async function () {
      const { reason, sellable, v } = await verdict(item("quarantined"));
      expect(reason).to.equal("quarantined");
      expect(sellable).to.equal("false");
      expect(await v.innerText()).to.contain("cold-chain alarm");
      const shipment = (stack.deployment.facts.appShipment as { id: string }).id;
      expect(await page.getByTestId("verdict-why").innerText()).to.match(
        new RegExp(`shipment ${shipment}: \\d+ min outside the storage range`),
      );
      expect(await page.getByTestId("timeline").innerText()).to.contain(`Cold-chain alarm on shipment ${shipment}`);
      await screenshot(page, "verify-quarantined");
    });

    it("tells an already sold code, a reported clone and a confirmed clone apart", async function () {
      expect((await verdict(item("sold"))).reason).to.equal("already decommissioned");
      // a second presentation of a sold code is a report: the code still reads as sold until the regulator decides
      const reported = await verdict(item("cloneReported"));
      expect(reported.reason).to.equal("already decommissioned");
      const reportedTimeline = await page.getByTestId("timeline").innerText();
      expect(reportedTimeline).to.contain("Clone alert");
      expect(reportedTimeline).not.to.contain("Clone confirmed");
      const confirmed = await verdict(item("clone"));
      expect(confirmed.reason).to.equal("suspect");
      expect(confirmed.sellable).to.equal("false");
      expect(await page.getByTestId("timeline").innerText()).to.contain("Clone confirmed");
    });
  });

  describe("verify by scanner, camera and every GS1 form", function () {
    const item = (name: string): string => (stack.deployment.facts.appItems as Record<string, string>)[name];
    /** What a counter scanner types for a pack: ]d2, the element strings, <GS> after variable-length values. */
    const scannerData = (name: string) =>
      toElementString(parseGs1(stack.url + item(name)).elements, { symbology: "]d2", separator: "<GS>" });

    for (const [name, reason] of [
      ["good", "verified"],
      ["recalled", "recalled"],
      ["quarantined", "quarantined"],
    ] as const) {
      it(`verifies a ${name} pack from the raw ]d2 data a scanner types into the field`, async function () {
        await page.goto("/verify");
        const input = page.getByTestId("link-input");
        await input.fill(scannerData(name));
        if (name === "good") await screenshot(page, "verify-scanner");
        await input.press("Enter");
        const v = page.getByTestId("verdict");
        await v.waitFor();
        expect(await v.getAttribute("data-reason")).to.equal(reason);
        expect(page.url()).to.equal(stack.url + item(name));
      });
    }

    it("names the AI and the reason when a scan is refused", async function () {
      await page.goto("/verify");
      await page.getByTestId("link-input").fill(scannerData("good").replace(/17\d{6}/, "17281399"));
      await page.getByTestId("verify-button").click();
      expect(await page.getByTestId("scan-error").innerText()).to.match(/AI \(17\).*month 13/);
    });

    it("opens a Digital Link with a path prefix and qualifiers, and a GTIN alone as the product with its lots", async function () {
      const link = parseGs1(stack.url + item("good"));
      const path = new URL(toDigitalLink(link.elements, { base: `${stack.url}/pharma/eu` })).pathname;
      await page.goto(path + "?17=" + valueOf(link.elements, "17"));
      expect(await page.getByTestId("verdict").getAttribute("data-reason")).to.equal("verified");
      await page.goto(`/01/${valueOf(link.elements, "01")}`);
      await page.getByTestId("product-lot").first().waitFor();
      expect(await page.getByTestId("product-lots").innerText()).to.contain(valueOf(link.elements, "10"));
    });

    it("opens a pallet's SSCC link on its pallet page: contents, custody and shipments", async function () {
      const sscc = makeSscc("00401234500000001"); // the demo's first pallet
      await page.goto(`/logistics/00/${sscc}`);
      expect(await page.getByTestId("pallet-title").innerText()).to.contain(sscc);
      await page.getByTestId("pallet-contents").locator("tbody tr").first().waitFor();
      const timeline = await page.getByTestId("pallet-timeline").innerText();
      expect(timeline).to.match(/Packed: \d+ items/);
      expect(timeline).to.match(/Shipped: .+ → .+/);
      expect(timeline).to.match(/Received by /);
      await screenshot(page, "pallet");
    });

    it("shows the pack page in Simplified Chinese, remembers the choice, and switches back", async function () {
      await page.goto(item("good"));
      await page.getByTestId("verdict").waitFor();
      await page.getByTestId("language").selectOption("zh-CN");
      await page.getByTestId("verdict-title").getByText("正品，可销售").waitFor();
      await page.reload();
      await page.getByTestId("verdict-title").getByText("正品，可销售").waitFor();
      expect(await page.locator("html").getAttribute("lang")).to.equal("zh-CN");
      expect(await page.getByTestId("expiry").innerText()).to.match(/有效期至 \d{4}年\d{1,2}月\d{1,2}日/);
      await screenshot(page, "verify-zh");
      await page.goto("/verify");
      expect(await page.getByTestId("camera-button").innerText()).to.equal("用摄像头扫描");
      await page.getByTestId("link-input").fill(scannerData("recalled"));
      await page.getByTestId("link-input").press("Enter");
      await page.getByTestId("verdict-title").getByText("已召回").waitFor();
      await page.getByTestId("language").selectOption("en");
      await page.getByTestId("verdict-title").getByText("Recalled").waitFor();
    });

    it("opens the right pack from a DataMatrix held in front of the (fake) camera", async function () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "citychain-camera-"));
      const clip = path.join(dir, "pack.y4m");
      writeY4m(clip, await dataMatrixPng(toBracketed(parseGs1(stack.url + item("good")).elements)));
      const cam = await launchBrowser(stack.url, [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        `--use-file-for-fake-video-capture=${clip}`,
      ]);
      try {
        await cam.page.goto("/verify");
        await cam.page.getByTestId("camera-button").click();
        const v = cam.page.getByTestId("verdict");
        await v.waitFor({ timeout: 60_000 });
        expect(await v.getAttribute("data-reason")).to.equal("verified");
        expect(cam.page.url()).to.equal(stack.url + item("good"));
        expect(cam.errors).to.deep.equal([]);
      } finally {
        await cam.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("regulator console", function () {
    it("refuses a carrier's release with the decoded error, then the regulator releases the quarantine", async function () {
      await page.goto("/console");
      const excursion = () =>
        page.getByTestId("alarm").filter({ hasText: /Temperature excursion on shipment \d+ \(INS-2610\)/ });
      const alarm = excursion().and(page.locator('[data-open="true"]'));
      await alarm.waitFor();
      expect(await alarm.innerText()).to.match(/too long outside the storage range/);
      await screenshot(page, "console");
      await actAs(page, actor("carrier"));
      await alarm.getByTestId("alarm-reason").fill("we checked the truck, it was fine");
      await alarm.getByTestId("alarm-release").click();
      const status = alarm.getByTestId("tx-status");
      await status.and(page.locator('[data-status="failed"]')).waitFor();
      expect(await status.innerText()).to.match(/missing role/i);
      expect(await status.innerText()).to.contain("REGULATOR");

      await actAs(page, actor("regulator"));
      await alarm.getByTestId("alarm-reason").fill("stability data: 50 min at 11.5 °C within the label claim");
      await alarm.getByTestId("alarm-release").click();
      await excursion()
        .getByText(/Handled: shipment released/)
        .waitFor();
      await excursion()
        .getByTestId("tx-status")
        .getByText(/release pallet SSCC \d{18}: confirmed/)
        .waitFor();

      await page.goto((stack.deployment.facts.appItems as Record<string, string>).quarantined);
      const v = page.getByTestId("verdict");
      await v.waitFor();
      expect(await v.getAttribute("data-reason")).to.equal("verified");
      const timeline = await page.getByTestId("timeline").innerText();
      expect(timeline).to.contain("Pallet quarantined");
      expect(timeline).to.contain("Pallet released from quarantine");
      expect(timeline).not.to.contain("Lot quarantined");
    });
  });

  describe("manufacturer console", function () {
    const csv = (rows: string[]) => Buffer.from(["gtin,lot,expiry,serial", ...rows].join("\n"));

    it("shows a CSV's row-precise problems, then commissions a valid lot of 2,000 serials with progress", async function () {
      await page.goto("/console");
      await actAs(page, actor("manufacturer"));
      const file = page.getByTestId("csv-file");
      await file.setInputFiles({
        name: "bad.csv",
        mimeType: "text/csv",
        buffer: csv([
          "09506000134352,AMX-2701,290131,A1",
          "09506000134353,AMX-2701,290131,A2",
          "09506000134352,AMX-2701,290131,A1",
        ]),
      });
      const problems = await page.getByTestId("csv-problems").innerText();
      expect(problems).to.match(/line 3, gtin/);
      expect(problems).to.match(/line 4, serial: duplicate "A1" \(first on line 2\)/);

      const serials = Array.from(
        { length: 2_000 },
        (_, i) => `09506000134352,AMX-2701,290131,AMX2701-${String(i + 1).padStart(5, "0")}`,
      );
      await file.setInputFiles({ name: "lot.csv", mimeType: "text/csv", buffer: csv(serials) });
      expect(await page.getByTestId("csv-count").innerText()).to.equal("2000");
      await page.getByTestId("commission").click();
      await page.getByTestId("progress").getByText("lot committed").waitFor();
      expect(await page.getByTestId("tx-status").innerText()).to.match(
        /Commission lot AMX-2701 \(2000 serials\): confirmed/,
      );
      await page.getByTestId("labels-count").fill("8");
      await page.getByTestId("labels-button").click();
      await page.getByTestId("labels-page").first().waitFor();
      expect(await page.getByTestId("labels-page").count()).to.equal(1);
      await page.getByTestId("labels").scrollIntoViewIfNeeded();
      await screenshot(page, "console-labels");
    });
  });

  describe("break-glass review", function () {
    it("lists a break-glass access awaiting review and records the regulator's finding", async function () {
      await page.goto("/console");
      await actAs(page, actor("regulator"));
      // the seeded emergency (the demo's own break-glass, also by Corner Pharmacy, was reviewed in its chapter)
      const alarm = seededEmergency();
      await alarm.and(page.locator('[data-open="true"]')).waitFor();
      expect(await alarm.innerText()).to.contain("Break-glass access by Corner Pharmacy");
      expect(await alarm.innerText()).to.contain("emergency room treatment");
      await alarm.getByTestId("alarm-reason").fill("review CHMA-2026-044: patient unconscious, access justified");
      await alarm.getByTestId("alarm-justified").click();
      await alarm.getByText(/Handled: reviewed: justified/).waitFor();
      expect(await alarm.getAttribute("data-open")).to.equal("false");
    });
  });

  describe("investors", function () {
    it("lets an investor buy in the open offering", async function () {
      await page.goto("/investors");
      await actAs(page, actor("investor3"));
      const offering = page.getByTestId("offering").filter({ hasText: "Harbour Screens" });
      await offering.waitFor();
      expect(await offering.getByTestId("offering-sold").innerText()).to.match(/^400 of 8,000 shares sold/);
      await screenshot(page, "investors");
      await offering.getByTestId("offering-shares").fill("600");
      await offering.getByTestId("offering-buy").click();
      await offering.getByTestId("tx-status").and(page.locator('[data-status="confirmed"]')).waitFor();
      expect(await offering.getByTestId("tx-status").innerText()).to.contain("Buy 600 HSCR shares: confirmed");
      await offering
        .getByTestId("offering-sold")
        .getByText(/^1,000 of 8,000 shares sold.*you hold 600 in escrow/)
        .waitFor();
    });

    it("refuses a purchase above the per-investor maximum with the decoded error", async function () {
      const offering = page.getByTestId("offering").filter({ hasText: "Harbour Screens" });
      await offering.getByTestId("offering-shares").fill("1500");
      await offering.getByTestId("offering-buy").click();
      const status = offering.getByTestId("tx-status").and(page.locator('[data-status="failed"]'));
      await status.waitFor();
      expect(await status.innerText()).to.match(/Offering: investor limit/);
    });

    it("lets an investor claim all revenue, in every payment token", async function () {
      await actAs(page, actor("investor1"));
      const portfolio = page.getByTestId("portfolio");
      const total = portfolio.getByTestId("claimable-total");
      await total.getByText(/To claim: .*cEUR \+ .*USDC/).waitFor();
      const solar = portfolio.locator('[data-testid="holding"][data-symbol="RSOL"]');
      await solar.getByText(/^1,500$/).waitFor(); // bought in the sale; 200 of them listed on the market
      expect(await solar.innerText()).to.match(/\b200 \/ 0\b/);
      await portfolio.getByTestId("claim-all").click();
      await total.getByText("Nothing to claim").waitFor({ timeout: 60_000 });
      expect(await portfolio.getByTestId("tx-status").innerText()).to.match(/Claim .* USDC from RSOL: confirmed/);
      await page.getByTestId("revenue-chart").locator("svg").first().waitFor();
      await screenshot(page, "investors-portfolio");
    });

    it("fills part of a market listing against payment, then the seller cancels the rest", async function () {
      await actAs(page, actor("investor3"));
      const listing = page
        .getByTestId("listing")
        .filter({ hasText: "RSOL" })
        .filter({ hasText: "investor 1" })
        .filter({ hasText: "12.00 cEUR" });
      await listing.waitFor();
      await listing.getByTestId("listing-amount").fill("50");
      await listing.getByTestId("listing-buy").click();
      await listing.getByText(/Buy 50 RSOL: confirmed/).waitFor();
      await listing.getByRole("cell", { name: "150", exact: true }).waitFor();

      await actAs(page, actor("investor1"));
      await listing.getByTestId("listing-cancel").click();
      await listing.waitFor({ state: "detached" });
    });

    it("refunds an investor of the sale that failed", async function () {
      await actAs(page, actor("investor2"));
      const refund = page.getByTestId("refund").filter({ hasText: "Metro Vending" });
      await refund.getByText(/Your 300 shares are refunded in full: 1,500.00 cEUR/).waitFor();
      await refund.getByTestId("refund-button").click();
      await refund.getByTestId("tx-status").and(page.locator('[data-status="confirmed"]')).waitFor();
    });
  });

  describe("metered revenue", function () {
    /** The seeded PPA plant and vending fleet, and the contracts the page reads (checked against their views). */
    const metered = () => {
      const ids = stack.deployment.facts.appMetered as { solar: bigint | string; vending: bigint | string };
      const c = stack.deployment.contracts;
      return {
        solar: BigInt(ids.solar),
        fleet: BigInt(ids.vending),
        ppa: AssetPPA__factory.connect(c.assetPPA, hre.ethers.provider),
        vending: AssetVending__factory.connect(c.assetVending, hre.ethers.provider),
      };
    };
    /** An amount as the page shows it in English (2-decimal token). */
    const amount = async (token: string, v: bigint) => {
      const t = IERC20Metadata__factory.connect(token, hre.ethers.provider);
      const [symbol, decimals] = await Promise.all([t.symbol(), t.decimals()]);
      expect(decimals).to.equal(2n);
      const n = new Intl.NumberFormat("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      return `${n.format(Number(v) / 100)} ${symbol}`;
    };

    it("shows a solar plant's generation and revenue per day, each settlement's waterfall, and the grid's arrears paid first", async function () {
      const { solar, ppa } = metered();
      await page.goto("/investors");
      await actAs(page, actor("investor1"));
      const section = page.getByTestId("metered");
      await section.locator(`[data-testid="metered-open"][data-asset="${solar}"]`).click();
      const panel = section.locator(`[data-testid="ppa"][data-asset="${solar}"]`);
      await panel.waitFor();
      const terms = await ppa.terms(solar);
      const eur = (v: bigint) => amount(terms.paymentToken, v);
      const settled = await ppa.queryFilter(ppa.filters.PpaSettled(solar));
      const falls = await ppa.queryFilter(ppa.filters.PpaWaterfall(solar));
      expect(settled.length).to.be.greaterThan(3);

      // generation beside revenue: one pair of bars per day with settled energy
      const days = new Set(settled.map((s) => Math.floor(Number(s.args.toTime) / 86_400)));
      expect(await panel.getByTestId("daily-bar").count()).to.equal(days.size);
      expect(await panel.getByTestId("waterfall-row").count()).to.equal(falls.length);

      // the first day, paid in full: grid paid = rent + O&M + investors, each by the terms in force
      const first = settled[0].args;
      const row = panel.locator(`[data-testid="waterfall-row"][data-settlement="${first.settlement}"]`);
      const rent = (first.value * terms.rentBps) / 10_000n + (first.energyWh * terms.rentPerKWh) / 1000n;
      const om = (first.value * terms.omBps) / 10_000n;
      expect(rent).to.be.greaterThan(0n);
      const kwh = new Intl.NumberFormat("en", { maximumFractionDigits: 1 }).format(Number(first.energyWh) / 1000);
      expect(await row.getByTestId("wf-kwh").innerText()).to.equal(kwh);
      expect(await row.getByTestId("wf-value").innerText()).to.equal(await eur(first.value));
      expect(await row.getByTestId("wf-paid").innerText()).to.equal(await eur(first.value));
      expect(await row.getByTestId("wf-rent").innerText()).to.equal(await eur(rent));
      expect(await row.getByTestId("wf-om").innerText()).to.equal(await eur(om));
      expect(await row.getByTestId("wf-investors").innerText()).to.equal(await eur(first.value - rent - om));

      // a day the grid could not pay left arrears; the next payment went to them first
      const k = falls.findIndex((w, i) => i > 0 && falls[i - 1].args.arrears > 0n && w.args.paid > 0n);
      expect(k).to.be.greaterThan(0);
      const owed = falls[k - 1].args.arrears;
      const next = settled.find((s) => s.transactionHash === falls[k].transactionHash)!.args.settlement;
      const paidFirst = panel.locator(`[data-testid="waterfall-row"][data-settlement="${next}"]`);
      const paid = falls[k].args.paid;
      expect(await paidFirst.getByTestId("wf-to-arrears").innerText()).to.equal(await eur(paid < owed ? paid : owed));

      // and the grid's arrears still open now, as the contract's view says
      const arrears = await ppa.arrears(solar);
      expect(arrears).to.be.greaterThan(0n);
      expect(await panel.getByTestId("ppa-arrears-amount").innerText()).to.contain(await eur(arrears));
      expect(await panel.getByTestId("waterfall-row").last().getByTestId("wf-arrears").innerText()).to.equal(
        await eur(arrears),
      );
      await screenshot(page, "investors-metered");
    });

    it("shows a vending fleet's reported sales against the operator's deposits and its open arrear", async function () {
      const { fleet, vending } = metered();
      const section = page.getByTestId("metered");
      await section.locator(`[data-testid="metered-open"][data-asset="${fleet}"]`).click();
      const panel = section.locator(`[data-testid="vending"][data-asset="${fleet}"]`);
      await panel.waitFor();
      const [terms, ledger, open] = await Promise.all([
        vending.terms(fleet),
        vending.ledger(fleet),
        vending.arrears(fleet),
      ]);
      expect(open).to.be.greaterThan(0n);
      expect(await panel.getByTestId("vending-arrears").innerText()).to.equal(await amount(terms.paymentToken, open));
      const summary = await panel.getByTestId("vending-summary").innerText();
      expect(summary).to.contain(await amount(terms.paymentToken, ledger.counter));
      expect(summary).to.contain(await amount(terms.paymentToken, ledger.paid));
      const reports = await vending.queryFilter(vending.filters.VendingReconciled(fleet));
      const deposits = await vending.queryFilter(vending.filters.VendingDeposited(fleet));
      expect(await panel.locator('[data-testid="vending-row"][data-kind="report"]').count()).to.equal(reports.length);
      expect(await panel.locator('[data-testid="vending-row"][data-kind="deposit"]').count()).to.equal(deposits.length);
      await panel.getByText("period closed short").first().waitFor();
      // per settlement period: every period that closed short shows the arrear the contract opened
      const opened = await vending.queryFilter(vending.filters.VendingArrearOpened(fleet));
      expect(opened.length).to.be.greaterThan(0);
      const closed = panel.locator('[data-testid="vending-period"][data-closed="true"]');
      expect(await closed.count()).to.be.at.least(opened.length);
      const atClose = await closed.getByTestId("period-arrear").allInnerTexts();
      for (const o of opened) expect(atClose).to.include(await amount(terms.paymentToken, o.args.arrears));
      expect(await panel.locator('[data-testid="vending-period"][data-closed="false"]').count()).to.equal(1);
      await screenshot(page, "investors-vending");
    });
  });

  describe("console and investors in Simplified Chinese", function () {
    const zhDateTime = /\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d{2} UTC/;

    it("shows the console's alarms, decisions and forms in Chinese with Chinese dates", async function () {
      await page.goto("/console");
      await page.getByTestId("language").selectOption("zh-CN");
      await page.getByRole("heading", { name: "生产商与监管机构" }).waitFor();
      expect(await page.locator("html").getAttribute("lang")).to.equal("zh-CN");
      // the excursion the regulator released earlier, its kind, outcome and time in Chinese
      const excursion = page.getByTestId("alarm").filter({ hasText: /运输单 \d+（INS-2610）温度偏离/ });
      await excursion.waitFor();
      const text = await excursion.innerText();
      expect(text).to.contain("温度偏离");
      expect(text).to.contain("超出储存范围的时间过长");
      expect(text).to.contain("已处理：运输单已放行");
      expect(text).to.match(zhDateTime);
      expect(text).not.to.match(/shipment|Handled|block \d/);
      const emergency = await seededEmergency().innerText();
      expect(emergency).to.contain("Corner Pharmacy 的紧急访问");
      expect(emergency).to.contain("已审查：正当");
      await page.getByText("从 CSV 赋码批次").waitFor();
      expect(await page.getByTestId("recall").innerText()).to.equal("召回");
      expect(await page.getByTestId("wallet").innerText()).to.contain("开发账户");
      await screenshot(page, "console-zh");
    });

    it("shows the investors' assets, offering, portfolio and market in Chinese, then switches back to English", async function () {
      await page.goto("/investors");
      await actAs(page, actor("investor3"));
      await page.getByRole("heading", { name: "投资者", exact: true }).waitFor();
      const offering = page.getByTestId("offering").filter({ hasText: "Harbour Screens" });
      await offering
        .getByTestId("offering-sold")
        .getByText(/^8,000 份中已售 1,000 份/)
        .waitFor();
      expect(await offering.innerText()).to.match(/每份 [\d,.]+ cEUR · 截止 \d{4}年\d{1,2}月\d{1,2}日/);
      expect(await offering.getByTestId("offering-buy").innerText()).to.equal("购买");
      expect(await page.getByTestId("assets").innerText()).to.match(/太阳能电站[\s\S]*运营中/);
      await page.getByTestId("portfolio").getByRole("heading", { name: "我的投资组合" }).waitFor();
      expect(await page.getByTestId("listings").innerText()).to.match(/挂单[\s\S]*每份价格/);
      // one chart per payment token: the demo and the app's scenario each deployed a token named cEUR
      await page.getByTestId("revenue-chart").getByText("累计收益（cEUR）").first().waitFor();
      await page.getByTestId("metered").getByRole("heading", { name: "计量收益" }).waitFor();
      expect(await page.getByTestId("waterfall").innerText()).to.match(/电网已付[\s\S]*租金[\s\S]*运维费[\s\S]*投资者/);
      await screenshot(page, "investors-zh");

      await page.getByTestId("language").selectOption("en");
      await page.getByRole("heading", { name: "Investors", exact: true }).waitFor();
      expect(await page.locator("html").getAttribute("lang")).to.equal("en");
      await offering
        .getByTestId("offering-sold")
        .getByText(/^1,000 of 8,000 shares sold/)
        .waitFor();
    });
  });
});
