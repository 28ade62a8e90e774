/**
 * A private PostgreSQL cluster for one test run: `initdb` into a temporary directory, the server on 127.0.0.1 at a
 * free port with its unix socket inside that directory (nothing shared with a system cluster), trust
 * authentication for the one local role, one database. `stop()` shuts the server down and removes the directory.
 *
 * PostgreSQL refuses to run as root (initdb: "cannot be run as root"). CI runs as root, so there the cluster
 * belongs to an unprivileged account: `postgres` (created by Debian's package) or else `nobody`, and every
 * PostgreSQL binary runs through `runuser -u <account> --` (util-linux; `su` when runuser is missing). As a normal
 * user the binaries run directly.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "../src/stack/stack";

const run = promisify(execFile);

/** The database role and database the cluster is created with. */
export const PG_USER = "citychain";
export const PG_DATABASE = "citychain";

/** Every wait is bounded (milliseconds). */
const TIMEOUTS = { init: 120_000, start: 60_000, stop: 30_000 } as const;

export interface PrivatePostgres {
  /** `postgresql://citychain@127.0.0.1:<port>/citychain` */
  url: string;
  port: number;
  /** The cluster's temporary directory (data, socket and log). */
  dir: string;
  /** The account the server runs as. */
  owner: string;
  /** Stops the server and removes the directory; safe to call twice. */
  stop(): Promise<void>;
}

/** Thrown when PostgreSQL's binaries are missing or one of them fails. */
export class PostgresSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PostgresSetupError";
  }
}

/** The directory holding `initdb`, `pg_ctl` and `createdb`: on PATH, else the newest /usr/lib/postgresql/<v>/bin. */
export function findPostgresBin(): string {
  const has = (dir: string) => ["initdb", "pg_ctl", "createdb"].every((b) => isExecutable(path.join(dir, b)));
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, "initdb"))) {
      // A PATH entry may be a symlink farm (/usr/local/bin → /usr/lib/postgresql/15/bin): use the real directory.
      const real = path.dirname(fs.realpathSync(path.join(dir, "initdb")));
      if (has(real)) return real;
      if (has(dir)) return dir;
    }
  }
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const v of versions) {
    const dir = path.join(root, v, "bin");
    if (has(dir)) return dir;
  }
  throw new PostgresSetupError(
    "PostgreSQL is not installed: no initdb, pg_ctl and createdb on PATH or under /usr/lib/postgresql/*/bin " +
      "(Debian: apt-get install postgresql)",
  );
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

interface Account {
  name: string;
  uid: number;
  gid: number;
}

/** The unprivileged account that owns the cluster when we are root. */
async function unprivilegedAccount(): Promise<Account> {
  for (const name of ["postgres", "nobody"]) {
    try {
      const uid = Number((await run("id", ["-u", name])).stdout.trim());
      const gid = Number((await run("id", ["-g", name])).stdout.trim());
      if (uid > 0) return { name, uid, gid };
    } catch {
      // no such account: try the next
    }
  }
  throw new PostgresSetupError("running as root and neither a 'postgres' nor a 'nobody' account exists");
}

/** Starts a private cluster and creates its database. */
export async function startPrivatePostgres(log: (s: string) => void = () => undefined): Promise<PrivatePostgres> {
  const bin = findPostgresBin();
  const isRoot = process.getuid?.() === 0;
  const account = isRoot ? await unprivilegedAccount() : undefined;
  const owner = account?.name ?? os.userInfo().username;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "citychain-pg-"));
  const data = path.join(dir, "data");
  const socketDir = path.join(dir, "socket");
  const logFile = path.join(dir, "server.log");
  fs.mkdirSync(socketDir);
  if (account) {
    for (const p of [dir, socketDir]) fs.chownSync(p, account.uid, account.gid);
  }

  const runAs = isRoot && fs.existsSync("/usr/sbin/runuser") ? "runuser" : isRoot ? "su" : undefined;
  const pg = async (tool: string, args: string[], timeout: number): Promise<string> => {
    const exe = path.join(bin, tool);
    const [file, argv] =
      runAs === "runuser"
        ? ["runuser", ["-u", owner, "--", exe, ...args]]
        : runAs === "su"
          ? ["su", ["-s", "/bin/sh", owner, "-c", [exe, ...args].map(shellQuote).join(" ")]]
          : [exe, args];
    try {
      // The server and tools run in the cluster's directory (the account may not read the caller's cwd).
      const { stdout } = await run(file, argv, { cwd: dir, timeout, env: { ...process.env, LC_ALL: "C" } });
      return stdout;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      const serverLog = fs.existsSync(logFile) ? `\n${fs.readFileSync(logFile, "utf8").slice(-2000)}` : "";
      throw new PostgresSetupError(`${tool} failed: ${(e.stderr || e.message).trim()}${serverLog}`);
    }
  };

  let started = false;
  const stop = async (): Promise<void> => {
    if (started) {
      started = false;
      await pg("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "30", "stop"], TIMEOUTS.stop).catch((err: Error) =>
        log(`postgres: ${err.message}`),
      );
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    await pg(
      "initdb",
      ["-D", data, "-U", PG_USER, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"],
      TIMEOUTS.init,
    );
    const port = await freePort();
    // Loopback only, socket in our directory; durability off (a throw-away test cluster).
    const serverOptions = [
      "-h 127.0.0.1",
      `-p ${port}`,
      `-k ${socketDir}`,
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=50",
    ].join(" ");
    started = true;
    await pg(
      "pg_ctl",
      ["-D", data, "-l", logFile, "-o", serverOptions, "-w", "-t", "60", "start"],
      TIMEOUTS.start + 5_000,
    );
    await pg("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", PG_USER, PG_DATABASE], TIMEOUTS.start);
    log(`postgres: private cluster of ${owner} on 127.0.0.1:${port} in ${dir}`);
    return { url: `postgresql://${PG_USER}@127.0.0.1:${port}/${PG_DATABASE}`, port, dir, owner, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
