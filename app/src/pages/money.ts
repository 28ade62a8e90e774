import { formatUnits } from "ethers";
import i18n, { formatNumber } from "../i18n";

/** A payment token as the investors' pages show its amounts. */
export interface PayToken {
  address: string;
  symbol: string;
  decimals: number;
}

/** An amount of a payment token with at least two decimals, grouped for the current language. */
export function money(amount: bigint, t: PayToken | undefined, lang: string = i18n.language): string {
  if (!t) return amount.toString();
  const [whole, frac = ""] = formatUnits(amount, t.decimals).split(".");
  const point = new Intl.NumberFormat(lang).formatToParts(0.5).find((p) => p.type === "decimal")?.value ?? ".";
  return `${formatNumber(BigInt(whole), lang)}${point}${frac.replace(/0+$/, "").padEnd(2, "0")} ${t.symbol}`;
}
