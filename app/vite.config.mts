import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import "../src/runtime-check";

const appDir = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(appDir, "..");

/**
 * The citychain web app. `npm run app` (scripts/app.ts) starts it with APP_RPC_TARGET (the chain's JSON-RPC
 * endpoint, proxied at /rpc so page and chain share one origin) and APP_PUBLIC_DIR (where deployment.json is).
 */
export default defineConfig({
  root: appDir,
  publicDir: process.env.APP_PUBLIC_DIR ?? path.join(repo, ".run", "app", "public"),
  cacheDir: process.env.APP_CACHE_DIR ?? path.join(repo, ".run", "app", "vite-cache"),
  appType: "spa",
  clearScreen: false,
  oxc: { jsx: { runtime: "automatic" } },
  resolve: {
    // The SDK's lot CSV reader runs in the browser too: csv-parse's browser build carries its own Buffer.
    alias: [{ find: /^csv-parse\/sync$/, replacement: "csv-parse/browser/esm/sync" }],
  },
  optimizeDeps: {
    // Pre-bundled at start so that the first page load never triggers a re-optimisation reload.
    include: [
      "react",
      "react/jsx-runtime",
      "react-dom/client",
      "ethers",
      "qrcode",
      "csv-parse/browser/esm/sync",
      "zod",
      "@openzeppelin/merkle-tree",
      "i18next",
      "react-i18next",
      "bwip-js/browser",
      "zxing-wasm/reader",
      // EPCIS events are schema-checked and hashed in the page (src/epcis.ts); the interface's client signs in with SIWE
      "ajv",
      "ajv-formats",
      "viem/siwe",
    ],
  },
  server: {
    host: "127.0.0.1",
    strictPort: true,
    fs: { allow: [repo] },
    proxy: {
      ...(process.env.APP_RPC_TARGET
        ? { "/rpc": { target: process.env.APP_RPC_TARGET, changeOrigin: true, rewrite: () => "/" } }
        : {}),
      // The history indexer (its /history/* routes) and its EPCIS 2.0 interface (/epcis/*) on the page's own
      // origin: no CORS needed for the app.
      ...(process.env.APP_HISTORY_TARGET
        ? {
            "/history": { target: process.env.APP_HISTORY_TARGET, changeOrigin: true },
            "/epcis": { target: process.env.APP_HISTORY_TARGET, changeOrigin: true },
          }
        : {}),
    },
  },
  build: { outDir: path.join(repo, "dist", "app"), emptyOutDir: true },
});
