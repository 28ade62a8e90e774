/** Every wait in the PoA harness and its tests is bounded: when the time is up it throws this, saying what it saw. */
export class PoaTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly lastSeen: string,
  ) {
    super(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what} (last seen: ${lastSeen})`);
    this.name = "PoaTimeoutError";
  }
}

/** Thrown by a probe when waiting longer is pointless (the process it waits for has exited): ends the wait at once. */
export class WaitAborted extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WaitAborted";
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` until it returns `{ done: true }` or `timeoutMs` passes. A probe that throws counts as "not yet"
 * (the node may still be starting); its message becomes the last thing seen. A `WaitAborted` ends the wait at once.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<{ done: boolean; seen: string }>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = "nothing yet";
  for (;;) {
    try {
      const r = await probe();
      seen = r.seen;
      if (r.done) return;
    } catch (err) {
      if (err instanceof WaitAborted) throw err;
      seen = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) throw new PoaTimeoutError(what, timeoutMs, seen);
    await sleep(intervalMs);
  }
}
