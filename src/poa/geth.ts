import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * go-ethereum v1.13.15 is the last release that seals Clique (proof-of-authority) blocks: later releases
 * dropped pre-merge block production. It is built once from the Go module proxy and cached per machine.
 */
export const GETH_VERSION = "1.13.15";
export const GETH_MODULE = `github.com/ethereum/go-ethereum/cmd/geth@v${GETH_VERSION}`;
/**
 * Go >= 1.23 refuses to link geth 1.13's `fjl/memsize` dependency (it pulls a runtime symbol via go:linkname),
 * so the build asks the Go command for this toolchain, which the module proxy serves.
 */
export const GO_TOOLCHAIN = "go1.22.12";

/** Where the built binary lives: `$CITYCHAIN_GETH_DIR`, else `$XDG_CACHE_HOME|~/.cache/citychain/geth-<v>`. */
export function gethCacheDir(): string {
  if (process.env.CITYCHAIN_GETH_DIR) return path.resolve(process.env.CITYCHAIN_GETH_DIR);
  const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
  return path.join(cache, "citychain", `geth-${GETH_VERSION}`);
}

/** The geth binary path: `$CITYCHAIN_GETH` (an existing binary of the right version) or the cached build. */
export function gethBinary(): string {
  return process.env.CITYCHAIN_GETH ? path.resolve(process.env.CITYCHAIN_GETH) : path.join(gethCacheDir(), "geth");
}

/** How the cached binary was built, written next to it so operators know whether pprof must stay off. */
export interface GethBuildInfo {
  version: string;
  toolchain: string;
  /** True when linked with `-checklinkname=0` by a newer Go: geth's pprof endpoint must never be enabled. */
  checklinknameOff: boolean;
  seconds: number;
  builtAt: string;
}

export class GethBuildError extends Error {}

/** The version line reported by `geth version`, or undefined if the binary is missing or does not run. */
export function gethVersion(binary = gethBinary()): string | undefined {
  if (!fs.existsSync(binary)) return undefined;
  const out = spawnSync(binary, ["version"], { encoding: "utf8", timeout: 30_000 });
  if (out.status !== 0) return undefined;
  return /^Version:\s*(\S+)/m.exec(out.stdout)?.[1];
}

function goAvailable(): string | undefined {
  const out = spawnSync("go", ["version"], { encoding: "utf8", timeout: 30_000 });
  return out.status === 0 ? out.stdout.trim() : undefined;
}

function goInstall(bin: string, env: NodeJS.ProcessEnv, extraArgs: string[], log: (s: string) => void): boolean {
  log(`$ GOBIN=${bin} GOTOOLCHAIN=${env.GOTOOLCHAIN} ${["go", "install", ...extraArgs, GETH_MODULE].join(" ")}`);
  const out = spawnSync("go", ["install", ...extraArgs, GETH_MODULE], {
    env: { ...env, GOBIN: bin },
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 40 * 60_000,
  });
  return out.status === 0;
}

/**
 * Returns the path of a working geth v1.13.15, building it first if the cache has none. The build tries the
 * pinned Go 1.22 toolchain (downloaded by the Go command from the proxy); if that toolchain cannot be had it
 * links with the installed Go and `-ldflags=-checklinkname=0`, and records that in `build.json`.
 */
export function ensureGeth(log: (s: string) => void = (s) => console.log(s)): string {
  const binary = gethBinary();
  const have = gethVersion(binary);
  if (have?.startsWith(GETH_VERSION)) return binary;
  if (process.env.CITYCHAIN_GETH) {
    throw new GethBuildError(`CITYCHAIN_GETH=${binary} is not a working geth ${GETH_VERSION} (got ${have ?? "none"})`);
  }
  const go = goAvailable();
  if (!go) {
    throw new GethBuildError(
      `Go is not installed (no \`go\` on PATH). The local PoA chain needs geth ${GETH_VERSION}, built from source ` +
        `once: install Go >= 1.21 from https://go.dev/dl/ and rerun, or point CITYCHAIN_GETH at a geth ${GETH_VERSION} binary.`,
    );
  }
  const dir = gethCacheDir();
  fs.mkdirSync(dir, { recursive: true });
  log(`building geth ${GETH_VERSION} into ${dir} with ${go} (one time; takes a few minutes)`);
  const started = Date.now();
  let info: Omit<GethBuildInfo, "seconds" | "builtAt"> = {
    version: GETH_VERSION,
    toolchain: GO_TOOLCHAIN,
    checklinknameOff: false,
  };
  let ok = goInstall(dir, { ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN }, [], log);
  if (!ok) {
    log(`the ${GO_TOOLCHAIN} toolchain build failed; linking with the installed Go and -checklinkname=0`);
    log("NOTE: a binary linked this way must never run with --pprof (memsize's linkname'd symbols)");
    info = { version: GETH_VERSION, toolchain: go, checklinknameOff: true };
    ok = goInstall(dir, { ...process.env, GOTOOLCHAIN: "local" }, ["-ldflags=-checklinkname=0"], log);
  }
  if (!ok) throw new GethBuildError(`go install ${GETH_MODULE} failed with both toolchains (see the output above)`);
  const built = gethVersion(binary);
  if (!built?.startsWith(GETH_VERSION)) {
    throw new GethBuildError(`the build wrote ${binary} but \`geth version\` reports ${built ?? "nothing"}`);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  const record: GethBuildInfo = { ...info, seconds, builtAt: new Date().toISOString() };
  fs.writeFileSync(path.join(dir, "build.json"), JSON.stringify(record, null, 2) + "\n");
  log(`geth ${built} ready at ${binary} (built in ${seconds} s)`);
  return binary;
}

/** The build record written next to the cached binary, if any. */
export function gethBuildInfo(): GethBuildInfo | undefined {
  const file = path.join(path.dirname(gethBinary()), "build.json");
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as GethBuildInfo) : undefined;
}
