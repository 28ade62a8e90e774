import Table from "cli-table3";

/** Prints rows as a boxed table with the given headings (used by tasks, the demo and the bench). */
export function printTable(head: string[], rows: (string | number | bigint | boolean)[][], title?: string): void {
  if (title) console.log(`\n${title}`);
  const table = new Table({ head, style: { head: ["cyan"] } });
  for (const row of rows) table.push(row.map((c) => String(c)));
  console.log(table.toString());
}

/** A short form of an address or hash for tables. */
export function short(hex: string): string {
  return hex.length > 14 ? `${hex.slice(0, 8)}…${hex.slice(-4)}` : hex;
}
