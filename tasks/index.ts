/**
 * Loads every task module in this folder. Task modules may import SDK code from src/, but only *types* from
 * typechain-types (the bindings do not exist before the first compile, and this file is loaded by the config).
 */
import fs from "node:fs";
import path from "node:path";

for (const file of fs.readdirSync(__dirname).sort()) {
  if (file === "index.ts" || !file.endsWith(".ts")) continue;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(__dirname, file));
}
