/**
 * The story's EPCIS documents and the EPCIS 2.0 interface: the members' event documents stay off chain (the chain
 * holds their hashes), so every interface that serves the story (a chapter's indexer, the app's) gets them captured
 * by the member that anchored them.
 */
import type { ActorKey } from "../city";
import type { EpcisEvent } from "../epcis";
import { captureEvents, epcisDocument, signIn } from "../epcis-rest/client";
import type { DemoContext } from "./context";

/** Events per capture request (the interface takes at most 500 and 2 MiB; a packing event lists 1,000 packs). */
const CAPTURE_CHUNK = 100;

/** Records events a member anchored, for the interfaces that serve the story to capture. */
export function recordEpcis(ctx: DemoContext, by: ActorKey, events: EpcisEvent[]): void {
  ctx.epcis.push({ by, events });
}

/**
 * Captures the story's documents (`ctx.epcis`) into the EPCIS interface at `baseUrl` (an indexer's URL), each member
 * signed in with its own key. The interface accepts an event only when the member's organisation anchored it, so
 * the indexer must have read the anchors first. Returns how many events each member captured.
 */
export async function captureStory(ctx: DemoContext, baseUrl: string): Promise<Map<ActorKey, number>> {
  const byActor = new Map<ActorKey, EpcisEvent[]>();
  for (const { by, events } of ctx.epcis) byActor.set(by, [...(byActor.get(by) ?? []), ...events]);
  const counts = new Map<ActorKey, number>();
  for (const [by, events] of byActor) {
    const session = await signIn(ctx.actors[by], baseUrl);
    for (let i = 0; i < events.length; i += CAPTURE_CHUNK) {
      const job = await captureEvents(session, epcisDocument(events.slice(i, i + CAPTURE_CHUNK)));
      if (!job.success) {
        throw new Error(`the EPCIS interface refused ${by}'s capture: ${JSON.stringify(job.errors).slice(0, 500)}`);
      }
    }
    counts.set(by, events.length);
  }
  return counts;
}
