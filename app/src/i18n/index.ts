/**
 * The app's languages: English and Simplified Chinese through i18next / react-i18next. The choice is kept in
 * localStorage (`citychain.lang`); without one the browser's language decides. Dates and numbers are formatted
 * with Intl for the current language.
 */
import i18n from "i18next";
import { initReactI18next, useTranslation } from "react-i18next";
import { en } from "./en";
import { zh } from "./zh";

export const LANGUAGES = [
  { code: "en", label: "English" },
  { code: "zh-CN", label: "简体中文" },
] as const;
export type Language = (typeof LANGUAGES)[number]["code"];
const STORAGE_KEY = "citychain.lang";

function initialLanguage(): Language {
  const saved = typeof localStorage === "undefined" ? null : localStorage.getItem(STORAGE_KEY);
  if (saved === "en" || saved === "zh-CN") return saved;
  return typeof navigator !== "undefined" && navigator.language.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, "zh-CN": { translation: zh } },
  lng: initialLanguage(),
  fallbackLng: "en",
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = i18n.language;

/** Switches the language and remembers the choice. */
export function setLanguage(lang: Language): void {
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

/** A unix time (seconds) as a date and time in UTC, e.g. "3 Dec 2026, 08:20 UTC" / "2026年12月3日 08:20 UTC". */
export function formatWhen(seconds: bigint | number, lang: string = i18n.language): string {
  const n = Number(seconds);
  if (!n) return "—";
  return (
    new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(n * 1000) +
    " UTC"
  );
}

/** A date (unix seconds) without time, in UTC. */
export function formatDate(
  seconds: bigint | number,
  lang: string = i18n.language,
  style: "long" | "medium" | "short" = "long",
): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: style, timeZone: "UTC" }).format(Number(seconds) * 1000);
}

/** A number with the language's grouping (and at most `digits` fraction digits). */
export function formatNumber(n: bigint | number, lang: string = i18n.language, digits?: number): string {
  return new Intl.NumberFormat(lang, digits === undefined ? undefined : { maximumFractionDigits: digits }).format(n);
}

/** Localised formatting of dates (unix seconds) and numbers for the current language. */
export function useFormat() {
  const { i18n: inst } = useTranslation();
  const lang = inst.language;
  return {
    lang,
    when: (seconds: bigint | number) => formatWhen(seconds, lang),
    date: (seconds: bigint | number, style?: "long" | "medium" | "short") => formatDate(seconds, lang, style),
    number: (n: bigint | number, digits?: number) => formatNumber(n, lang, digits),
  };
}

/**
 * A text kept as its key and values, translated when shown, so data loaded once (alarms, timelines) follows a
 * language switch. Values: strings as they are (names, identifiers), numbers formatted for the language, dates as
 * `{ when }` (unix seconds), and nested texts.
 */
export interface Msg {
  key: string;
  values?: Record<string, MsgValue>;
}
export type MsgValue = string | number | Msg | { when: bigint | number };

export function msg(key: string, values?: Record<string, MsgValue>): Msg {
  return { key, values };
}

/** Translates a `Msg` in a language (the current one by default). */
export function translate(m: Msg, lang: string = i18n.language): string {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.values ?? {})) {
    values[k] =
      typeof v === "string"
        ? v
        : typeof v === "number"
          ? formatNumber(v, lang, 2)
          : "when" in v
            ? formatWhen(v.when, lang)
            : translate(v, lang);
  }
  return i18n.t(m.key, { ...values, lng: lang });
}

/** `translate` for the current language, re-rendering on a switch. */
export function useMsg(): (m: Msg) => string {
  const { i18n: inst } = useTranslation();
  const lang = inst.language;
  return (m: Msg) => translate(m, lang);
}

export default i18n;
