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

/** Localised formatting of dates (unix seconds) and numbers for the current language. */
export function useFormat() {
  const { i18n: inst } = useTranslation();
  const lang = inst.language;
  return {
    lang,
    /** A unix time (seconds) as a local date and time in UTC, e.g. "3 Dec 2026, 08:20 UTC" / "2026年12月3日 08:20 UTC". */
    when(seconds: bigint | number): string {
      const n = Number(seconds);
      if (!n) return "—";
      return (
        new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(n * 1000) +
        " UTC"
      );
    },
    /** A date (unix seconds) without time. */
    date(seconds: bigint | number): string {
      return new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" }).format(Number(seconds) * 1000);
    },
    number(n: bigint | number): string {
      return new Intl.NumberFormat(lang).format(n);
    },
  };
}

export default i18n;
