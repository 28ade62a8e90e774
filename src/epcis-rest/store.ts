/**
 * Where captured EPCIS events live: a schema of their own (`epcis_capture` by default) in the indexer's database.
 * With PostgreSQL (`DATABASE_URL`) that is the same database as the indexer's schema; with PGlite, which one process
 * holds, the guard's own PGlite directory beside the indexer's (`<chain dir>/epcis`, wiped with it when the chain
 * changes). Either way the chain identity the events were captured on is recorded, and a store of another chain is
 * dropped before use: its anchors no longer exist.
 */
import path from "node:path";
import type { JsonObject } from "../epcis";
import type { EpcRole, EventQuery } from "./query";

type Rows = { rows: Record<string, unknown>[] };
type Query = (sql: string, params?: unknown[]) => Promise<Rows>;

/** The few calls the store makes of a database (a `pg` pool or a PGlite instance). */
interface SqlDb {
  query: Query;
  transaction<T>(fn: (q: Query) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The chain a store's events were captured on (as scripts/indexer.ts `ChainIdentity`). */
export interface StoreIdentity {
  chainId: string;
  genesisHash: string;
}

export interface StoreOptions {
  /** PostgreSQL connection string (the indexer's `DATABASE_URL`); PGlite in `pgliteDir` when absent. */
  databaseUrl?: string;
  /** The PGlite directory (the guard's own, beside the indexer's). */
  pgliteDir?: string;
  /** Schema name (default `epcis_capture`). */
  schema?: string;
  identity: StoreIdentity;
  log?: (line: string) => void;
}

/** A capture job as `GET /capture/{captureID}` reports it (EPCIS 2.0 OpenAPI `CaptureJob`). */
export interface CaptureJob {
  captureID: string;
  createdAt: string;
  finishedAt?: string;
  running: boolean;
  success: boolean;
  captureErrorBehaviour: "rollback" | "proceed";
  /** One entry per refused event: its index in the document, its hash and why. */
  errors: { eventIndex: number; eventHash?: string; exception: string; detail: string }[];
  /** Events in the document, and events stored. */
  eventCount: number;
  storedCount: number;
}

/** One event to store, with the fields the query parameters select on. */
export interface StoredEventInput {
  hash: string;
  eventType: string;
  eventTime: string;
  bizStep: string | null;
  disposition: string | null;
  bizLocation: string | null;
  readPoint: string | null;
  captureId: string;
  org: number;
  account: string;
  event: JsonObject;
  epcs: { epc: string; role: EpcRole }[];
  /** What the custody rule follows: `item:<key>`, `pallet:<sscc>`, `lot:<lotId>`. */
  subjects: string[];
}

/** A stored event as the query reads it back. */
export interface StoredEvent {
  seq: string;
  hash: string;
  org: number;
  captureId: string;
  event: JsonObject;
  subjects: string[];
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

async function postgres(databaseUrl: string): Promise<SqlDb> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require("pg") as {
    Pool: new (o: { connectionString: string; max: number }) => {
      query: Query;
      connect(): Promise<{ query: Query; release(): void }>;
      end(): Promise<void>;
    };
  };
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  return {
    query: (sql, params) => pool.query(sql, params),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn((sql, params) => client.query(sql, params));
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK");
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

async function pglite(dir: string): Promise<SqlDb> {
  const { PGlite } = await import("@electric-sql/pglite");
  const db = new PGlite(dir);
  await db.waitReady;
  return {
    query: (sql, params) => db.query(sql, params) as Promise<Rows>,
    async transaction<T>(fn: (q: Query) => Promise<T>): Promise<T> {
      let result!: T;
      await db.transaction(async (tx) => {
        result = await fn((sql, params) => tx.query(sql, params) as Promise<Rows>);
      });
      return result;
    },
    close: () => db.close(),
  };
}

/** The PGlite directory of the EPCIS store for an indexer database directory (`<chain dir>/epcis`). */
export function epcisPgliteDir(indexerDbDir: string): string {
  return path.join(indexerDbDir, "epcis");
}

export class EpcisStore {
  private constructor(
    private readonly db: SqlDb,
    private readonly s: string,
  ) {}

  /** Opens (and creates, or rebuilds for another chain) the store. */
  static async open(options: StoreOptions): Promise<EpcisStore> {
    if (!options.databaseUrl && !options.pgliteDir) throw new Error("the EPCIS store needs a database or a directory");
    const db = options.databaseUrl ? await postgres(options.databaseUrl) : await pglite(options.pgliteDir!);
    const store = new EpcisStore(db, quoteIdent(options.schema ?? "epcis_capture"));
    try {
      await store.prepare(options.identity, options.log ?? (() => undefined));
    } catch (err) {
      await db.close();
      throw err;
    }
    return store;
  }

  private async prepare(identity: StoreIdentity, log: (line: string) => void): Promise<void> {
    const s = this.s;
    await this.db.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await this.db.query(`CREATE TABLE IF NOT EXISTS ${s}.meta (key text PRIMARY KEY, value text NOT NULL)`);
    const { rows } = await this.db.query(`SELECT key, value FROM ${s}.meta`);
    const meta = Object.fromEntries(rows.map((r) => [String(r.key), String(r.value)]));
    const recorded = meta.chainId !== undefined ? `${meta.chainId}/${meta.genesisHash}` : undefined;
    const now = `${identity.chainId}/${identity.genesisHash}`;
    if (recorded !== undefined && recorded !== now) {
      log(`dropping the EPCIS store ${s}: it was captured on chain ${recorded}, this is ${now}`);
      await this.db.query(`DROP SCHEMA ${s} CASCADE`);
      await this.db.query(`CREATE SCHEMA ${s}`);
      await this.db.query(`CREATE TABLE ${s}.meta (key text PRIMARY KEY, value text NOT NULL)`);
    }
    for (const ddl of [
      `CREATE TABLE IF NOT EXISTS ${s}.capture_job (
         id text PRIMARY KEY, org integer NOT NULL, account text NOT NULL, created_at timestamptz NOT NULL,
         finished_at timestamptz, running boolean NOT NULL, success boolean NOT NULL, behaviour text NOT NULL,
         errors jsonb NOT NULL, event_count integer NOT NULL, stored_count integer NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS ${s}.event (
         seq bigserial PRIMARY KEY, hash text NOT NULL UNIQUE, event_type text NOT NULL,
         event_time timestamptz NOT NULL, biz_step text, disposition text, biz_location text, read_point text,
         capture_id text NOT NULL, org integer NOT NULL, account text NOT NULL, doc jsonb NOT NULL,
         subjects jsonb NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS ${s}.event_epc (
         seq bigint NOT NULL REFERENCES ${s}.event(seq) ON DELETE CASCADE, epc text NOT NULL, role text NOT NULL,
         PRIMARY KEY (seq, role, epc))`,
      `CREATE INDEX IF NOT EXISTS event_time_idx ON ${s}.event (event_time)`,
      `CREATE INDEX IF NOT EXISTS event_biz_step_idx ON ${s}.event (biz_step)`,
      `CREATE INDEX IF NOT EXISTS event_disposition_idx ON ${s}.event (disposition)`,
      `CREATE INDEX IF NOT EXISTS event_biz_location_idx ON ${s}.event (biz_location)`,
      `CREATE INDEX IF NOT EXISTS event_read_point_idx ON ${s}.event (read_point)`,
      `CREATE INDEX IF NOT EXISTS event_org_idx ON ${s}.event (org)`,
      `CREATE INDEX IF NOT EXISTS event_epc_epc_idx ON ${s}.event_epc (epc, role)`,
    ])
      await this.db.query(ddl);
    await this.db.query(
      `INSERT INTO ${s}.meta (key, value) VALUES ('chainId', $1), ('genesisHash', $2)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [identity.chainId, identity.genesisHash],
    );
  }

  async createJob(job: CaptureJob, org: number, account: string): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.s}.capture_job
         (id, org, account, created_at, running, success, behaviour, errors, event_count, stored_count)
       VALUES ($1, $2, $3, $4, true, false, $5, '[]'::jsonb, $6, 0)`,
      [job.captureID, org, account, job.createdAt, job.captureErrorBehaviour, job.eventCount],
    );
  }

  /**
   * Ends a job: stores `events` (all in one transaction; a hash stored before is kept as it is) and records the
   * outcome.
   */
  async finishJob(captureID: string, events: StoredEventInput[], errors: CaptureJob["errors"]): Promise<void> {
    const s = this.s;
    await this.db.transaction(async (q) => {
      let stored = 0;
      for (const e of events) {
        const { rows } = await q(
          `INSERT INTO ${s}.event (hash, event_type, event_time, biz_step, disposition, biz_location, read_point,
             capture_id, org, account, doc, subjects)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::jsonb)
           ON CONFLICT (hash) DO NOTHING RETURNING seq::text AS seq`,
          [
            e.hash,
            e.eventType,
            e.eventTime,
            e.bizStep,
            e.disposition,
            e.bizLocation,
            e.readPoint,
            e.captureId,
            e.org,
            e.account,
            JSON.stringify(e.event),
            JSON.stringify(e.subjects),
          ],
        );
        stored++;
        if (rows.length === 0) continue;
        const seq = String(rows[0].seq);
        for (const { epc, role } of e.epcs)
          await q(`INSERT INTO ${s}.event_epc (seq, epc, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
            seq,
            epc,
            role,
          ]);
      }
      await q(
        `UPDATE ${s}.capture_job SET running = false, success = $2, errors = $3::jsonb, finished_at = $4,
           stored_count = $5 WHERE id = $1`,
        [captureID, errors.length === 0, JSON.stringify(errors), new Date().toISOString(), stored],
      );
    });
  }

  /** A capture job, or undefined. */
  async job(captureID: string): Promise<(CaptureJob & { org: number }) | undefined> {
    const { rows } = await this.db.query(`SELECT * FROM ${this.s}.capture_job WHERE id = $1`, [captureID]);
    const r = rows[0];
    if (!r) return undefined;
    const iso = (v: unknown) => new Date(v as string | Date).toISOString();
    return {
      captureID: String(r.id),
      createdAt: iso(r.created_at),
      ...(r.finished_at ? { finishedAt: iso(r.finished_at) } : {}),
      running: Boolean(r.running),
      success: Boolean(r.success),
      captureErrorBehaviour: r.behaviour as CaptureJob["captureErrorBehaviour"],
      errors: r.errors as CaptureJob["errors"],
      eventCount: Number(r.event_count),
      storedCount: Number(r.stored_count),
      org: Number(r.org),
    };
  }

  /** Up to `limit` events matching the query's filters with `seq > after`, in record order. */
  async scan(q: EventQuery, after: string, limit: number): Promise<StoredEvent[]> {
    const s = this.s;
    const where: string[] = ["e.seq > $1"];
    const params: unknown[] = [after];
    const p = (v: unknown) => (params.push(v), `$${params.length}`);
    const anyOf = (column: string, values: string[] | undefined) => {
      if (values) where.push(`${column} = ANY(${p(values)}::text[])`);
    };
    anyOf("e.event_type", q.eventType);
    anyOf("e.biz_step", q.bizStep);
    anyOf("e.disposition", q.disposition);
    anyOf("e.biz_location", q.bizLocation);
    anyOf("e.read_point", q.readPoint);
    if (q.epc)
      where.push(
        `EXISTS (SELECT 1 FROM ${s}.event_epc x WHERE x.seq = e.seq AND x.role IN ('epc', 'child')
           AND x.epc = ANY(${p(q.epc)}::text[]))`,
      );
    if (q.anyEpc)
      where.push(`EXISTS (SELECT 1 FROM ${s}.event_epc x WHERE x.seq = e.seq AND x.epc = ANY(${p(q.anyEpc)}::text[]))`);
    if (q.geEventTime) where.push(`e.event_time >= ${p(q.geEventTime)}::timestamptz`);
    if (q.ltEventTime) where.push(`e.event_time < ${p(q.ltEventTime)}::timestamptz`);
    const { rows } = await this.db.query(
      `SELECT e.seq::text AS seq, e.hash, e.org, e.capture_id, e.doc, e.subjects FROM ${s}.event e
       WHERE ${where.join(" AND ")} ORDER BY e.seq LIMIT ${p(limit)}`,
      params,
    );
    return rows.map((r) => ({
      seq: String(r.seq),
      hash: String(r.hash),
      org: Number(r.org),
      captureId: String(r.capture_id),
      event: r.doc as JsonObject,
      subjects: r.subjects as string[],
    }));
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
