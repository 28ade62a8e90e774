import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import i18next from "i18next";
import { en } from "../../app/src/i18n/en";
import { zh } from "../../app/src/i18n/zh";
import { TIMELINE_KEYS, localiseTimelineText } from "../../app/src/i18n/timeline";

/** Every leaf of a resource tree as "a.b.c" → text. */
function leaves(tree: object, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of leaves(v as object, key)) out.set(kk, vv);
  }
  return out;
}

/** The interpolation names of a text ({{name}}) and its markup tags (<b>, <code>), sorted. */
function slots(text: string): string[] {
  return [...text.matchAll(/\{\{\s*(\w+)[^}]*\}\}|<\/?(\w+)>/g)].map((m) => m[1] ?? `<${m[2]}>`).sort();
}

/** The app's source files (app/src, recursively). */
function sources(dir = path.join(__dirname, "../../app/src")): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sources(p);
    return /\.tsx?$/.test(d.name) ? [p] : [];
  });
}

describe("web app languages (app/src/i18n)", function () {
  const enKeys = leaves(en);
  const zhKeys = leaves(zh);

  it("has every English key in Chinese and no Chinese key that English lacks", function () {
    const missingInZh = [...enKeys.keys()].filter((k) => !zhKeys.has(k));
    const missingInEn = [...zhKeys.keys()].filter((k) => !enKeys.has(k));
    expect(missingInZh, `keys of en.ts missing in zh.ts: ${missingInZh.join(", ")}`).to.deep.equal([]);
    expect(missingInEn, `keys of zh.ts missing in en.ts: ${missingInEn.join(", ")}`).to.deep.equal([]);
    expect(enKeys.size).to.be.greaterThan(300);
  });

  it("gives every text in both languages the same interpolations and markup, and no empty text", function () {
    const wrong = [...enKeys].filter(([k, text]) => slots(text).join() !== slots(zhKeys.get(k) ?? "").join());
    expect(
      wrong.map(([k]) => k),
      "texts whose {{values}} or <tags> differ",
    ).to.deep.equal([]);
    const empty = [...enKeys, ...zhKeys].filter(([, text]) => text.trim() === "").map(([k]) => k);
    expect(empty).to.deep.equal([]);
  });

  it("writes the Chinese pages in Chinese: a text with English words is only an identifier, a unit or a code", function () {
    // Texts made only of proper nouns, identifiers and formats stay the same in both languages.
    const words = (text: string) => /[a-z]{3,}/i.test(text.replace(/\{\{[^}]*\}\}/g, ""));
    const same = [...enKeys].filter(([k, text]) => zhKeys.get(k) === text && words(text)).map(([k]) => k);
    expect(same).to.deep.equal(["scan.placeholder", "pack.gtin", "console.gtin"]);
  });

  it("knows every key the app's source names literally, and every family of keys it builds", function () {
    const unknown: string[] = [];
    for (const file of sources()) {
      const text = fs.readFileSync(file, "utf8");
      for (const m of text.matchAll(/\b(?:t|msg|i18n\.t)\(\s*"([\w.-]+)"|i18nKey="([\w.-]+)"/g)) {
        const key = m[1] ?? m[2];
        if (!enKeys.has(key)) unknown.push(`${path.basename(file)}: ${key}`);
      }
      for (const m of text.matchAll(/\b(?:t|msg)\(\s*`([\w.-]+)\.\$\{/g)) {
        const family = m[1] + ".";
        if (![...enKeys.keys()].some((k) => k.startsWith(family))) unknown.push(`${path.basename(file)}: ${family}*`);
      }
    }
    expect(unknown).to.deep.equal([]);
    for (const key of TIMELINE_KEYS) expect(enKeys.has(key), key).to.equal(true);
  });

  it("renders the pack timeline's English entries in Chinese, and leaves an unknown form as it is", async function () {
    const i18n = i18next.createInstance();
    await i18n.init({
      resources: { en: { translation: en }, "zh-CN": { translation: zh } },
      lng: "zh-CN",
      interpolation: { escapeValue: false },
    });
    const t = (key: string, values: Record<string, string>) => i18n.t(key, values);
    expect(localiseTimelineText("Lot commissioned", t)).to.equal("批次赋码");
    expect(localiseTimelineText("by Acme Pharma: 2000 serials committed", t)).to.equal(
      "Acme Pharma：提交了 2000 个序列号",
    );
    expect(localiseTimelineText("Reported stolen", t)).to.equal("报告为被盗");
    expect(localiseTimelineText("Cold-chain alarm on shipment 3", t)).to.equal("运输单 3 冷链警报");
    expect(localiseTimelineText("50 min outside the storage range, up to 3.5 °C beyond it", t)).to.equal(
      "超出储存范围 50 分钟，最多超出 3.5 °C",
    );
    expect(localiseTimelineText("Acme Pharma → MedSupply Dealers", t)).to.equal("Acme Pharma → MedSupply Dealers");
    expect(localiseTimelineText("Something new", t)).to.equal("Something new");
    await i18n.changeLanguage("en");
    // in English the texts read as the tests of the web app expect them
    expect(localiseTimelineText("Cold-chain alarm on shipment 3", t)).to.equal("Cold-chain alarm on shipment 3");
    expect(localiseTimelineText("by Acme Pharma, non-sellable", t)).to.equal("by Acme Pharma, non-sellable");
  });
});
