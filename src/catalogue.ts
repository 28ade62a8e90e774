/**
 * The city's product catalogue: the off-chain master data of every product the story registers (the demo's
 * chapters and the web app's seed alike). The chain keeps only `catalogueHash(gtin)` for each product, so anyone
 * holding this entry can check it against the product's registered metadata hash; the web app does exactly that
 * (the seed hands it the catalogue as the `appProducts` fact).
 */
import { makeGtin } from "./gs1";
import { textHash } from "./supplychain";

/** One product's master data, as the web app shows it. */
export interface CatalogueProduct {
  name: string;
  form: string;
  manufacturer: string;
  origin: string;
  storage: string;
}

/** The demo's products (GS1 company prefix 4012345, the demo manufacturer's). */
export const PARACETAMOL = makeGtin("0401234500001");
export const INSULIN_VIAL = makeGtin("0401234599001");
/** The web app's further products (GS1 company prefix 950600 is GS1's example range). */
export const AMOXICILLIN = makeGtin("0950600013435");
export const AMOXICILLIN_API = makeGtin("0950600013442");

export const CATALOGUE: Record<string, CatalogueProduct> = {
  [PARACETAMOL]: {
    name: "Paracetamol 500 mg tablets, box of 20",
    form: "tablet",
    manufacturer: "Acme Pharma",
    origin: "Acme Pharma plant, SGLN 4012345.00001.0",
    storage: "below 25 °C",
  },
  [INSULIN_VIAL]: {
    name: "Insulin glargine 100 IU/ml, 10 ml vial",
    form: "solution for injection",
    manufacturer: "Acme Pharma",
    origin: "Acme Pharma biologics, SGLN 4012345.00001.0",
    storage: "refrigerated (2–8 °C)",
  },
  [AMOXICILLIN]: {
    name: "Amoxicillin 500 mg capsules, box of 21",
    form: "capsule",
    manufacturer: "Acme Pharma",
    origin: "Acme Pharma plant Riverside, GLN 9506000000017",
    storage: "controlled room temperature (15–25 °C)",
  },
  [AMOXICILLIN_API]: {
    name: "Amoxicillin trihydrate (API), 25 kg drum",
    form: "active pharmaceutical ingredient",
    manufacturer: "Acme Pharma",
    origin: "Acme Pharma API synthesis, GLN 9506000000024",
    storage: "dry, below 25 °C",
  },
};

/** The metadata hash a product is registered with: the hash of its catalogue entry, as the app recomputes it. */
export function catalogueHash(gtin: string | bigint): string {
  const key = gtin.toString().padStart(14, "0");
  const entry = CATALOGUE[key];
  if (!entry) throw new Error(`GTIN ${key} is not in the catalogue (src/catalogue.ts)`);
  return textHash(JSON.stringify(entry));
}
