import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";

/**
 * A clean clone has no typechain-types until the first compile, yet `hardhat compile` loads the config and with it
 * every task module. A task that reaches the bindings at load time (directly or through an SDK module) breaks the
 * first compile on every fresh machine, which a working copy with bindings never shows. This runs Hardhat's CLI with
 * the bindings hidden.
 */
describe("the Hardhat config before the first compile", function () {
  it("loads every task without the TypeChain bindings", function () {
    this.timeout(120_000);
    const root = path.resolve(__dirname, "../..");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "citychain-noBindings-"));
    // Written to a temporary directory on purpose: `hardhat test` loads every .js/.cjs under test/ as a test file,
    // and a preload kept there would hide the bindings from the whole suite.
    const hook = path.join(dir, "hide-bindings.js");
    fs.writeFileSync(
      hook,
      `const Module = require("node:module");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (/(^|[\\\\/])typechain-types([\\\\/]|$)/.test(request)) {
    const error = new Error("Cannot find module '" + request + "' (hidden: no bindings before the first compile)");
    error.code = "MODULE_NOT_FOUND";
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
`,
    );
    try {
      const run = spawnSync(process.execPath, [require.resolve("hardhat/internal/cli/cli"), "help"], {
        cwd: root,
        env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${hook}`.trim() },
        encoding: "utf8",
      });
      expect(run.stderr + run.stdout, "hardhat help with the bindings hidden").not.to.match(/typechain-types/);
      expect(run.status).to.equal(0);
      // The tasks were loaded, not skipped.
      expect(run.stdout).to.include("supply:epcis");
      expect(run.stdout).to.include("city:propose-upgrade");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
