import { LoggerService } from '@backstage/backend-plugin-api';
import { ChainVerification } from '@internal/backstage-plugin-audit-log-common';
import { Knex } from 'knex';
import { chainHash, GENESIS_HASH } from '../chain';
import {
  EventRow,
  isPostgres,
  RETENTION_CHECKPOINT_ACTION,
  toRecord,
} from './rows';

/** Rows hashed per page when Node recomputes the chain. */
const VERIFY_PAGE = 5000;
/** Retention checkpoints read when looking for the one that explains a start. */
const CHECKPOINTS_READ = 50;

/** What a pass over the chain found. */
interface ScanResult {
  checked: number;
  last?: { seq: number; ts: string };
  broken?: { row: { seq: number | string; id: string }; reason: string };
}

/**
 * Verification: recomputes the hash chain and finds the first event that
 * does not verify. On PostgreSQL the database computes it in one pass; Node
 * names the reason.
 */
export class ChainVerifier {
  constructor(
    private readonly db: Knex,
    private readonly logger?: LoggerService,
  ) {}

  /**
   * Recomputes the chain over a range of sequence numbers (all by default)
   * and reports the first event that does not verify: a changed column, a
   * missing event, or a start that no retention checkpoint accounts for.
   */
  async verify(
    range: { fromSeq?: number; toSeq?: number } = {},
  ): Promise<ChainVerification> {
    const started = Date.now();
    const first = await this.db<EventRow>('audit_events')
      .where('seq', '>=', range.fromSeq ?? 0)
      .orderBy('seq', 'asc')
      .first();
    const result: ChainVerification = {
      ok: true,
      checked: 0,
      checkedAt: new Date().toISOString(),
      durationMs: 0,
    };
    if (
      !first ||
      (range.toSeq !== undefined && Number(first.seq) > range.toSeq)
    ) {
      return { ...result, durationMs: Date.now() - started };
    }
    const broken = (
      row: { seq: number | string; id: string },
      reason: string,
    ) => ({
      ...result,
      ok: false,
      brokenAt: { seq: Number(row.seq), id: row.id, reason },
      durationMs: Date.now() - started,
    });

    // Where the chain may start: the genesis, a retention checkpoint, or the
    // event before an explicitly requested range.
    let expectedPrev: string;
    const firstSeq = Number(first.seq);
    if (firstSeq === 1) {
      expectedPrev = GENESIS_HASH;
    } else {
      const before = await this.db<EventRow>('audit_events')
        .where('seq', firstSeq - 1)
        .first();
      if (before) {
        expectedPrev = before.hash;
      } else {
        const checkpoint = await this.findCheckpoint(firstSeq - 1);
        if (!checkpoint) {
          return broken(
            first,
            `events before #${firstSeq} are missing and no retention checkpoint accounts for them`,
          );
        }
        expectedPrev = checkpoint;
      }
    }
    result.fromSeq = firstSeq;
    if (first.prev_hash !== expectedPrev) {
      return broken(
        first,
        `its previous hash does not match event #${firstSeq - 1}`,
      );
    }

    let scan: ScanResult;
    if (isPostgres(this.db)) {
      scan = await this.scanInDatabase(firstSeq, expectedPrev, range.toSeq);
    } else {
      scan = await this.scanChain(firstSeq, expectedPrev, range.toSeq);
    }
    result.checked = scan.checked;
    if (scan.broken) return broken(scan.broken.row, scan.broken.reason);
    const last = scan.last;
    if (range.toSeq === undefined && last) {
      const head = await this.db('audit_chain_head').where({ id: 1 }).first();
      if (head && Number(head.seq) > Number(last.seq)) {
        return broken(
          { seq: Number(last.seq) + 1, id: '' },
          `the chain head says #${head.seq} but the last stored event is #${last.seq} (events removed at the end)`,
        );
      }
    }
    return {
      ...result,
      toSeq: last ? Number(last.seq) : undefined,
      verifiedUpTo: last
        ? { seq: Number(last.seq), timestamp: last.ts }
        : undefined,
      durationMs: Date.now() - started,
    };
  }

  /**
   * Recomputes the chain in Node from `fromSeq` (whose previous hash must be
   * `startPrev`) through `toSeq`, page by page, the next page fetched
   * while this one is hashed.
   */
  private async scanChain(
    fromSeq: number,
    startPrev: string,
    toSeq?: number,
  ): Promise<ScanResult> {
    let expectedSeq = fromSeq;
    let expectedPrev = startPrev;
    let checked = 0;
    let last: { seq: number; ts: string } | undefined;
    const fail = (row: EventRow, reason: string): ScanResult => ({
      checked,
      last,
      broken: { row, reason },
    });
    const fetch = (afterSeq: number): Promise<EventRow[]> => {
      const page = this.db<EventRow>('audit_events').where(
        'seq',
        '>',
        afterSeq,
      );
      if (toSeq !== undefined) page.where('seq', '<=', toSeq);
      const rows: Promise<EventRow[]> = Promise.resolve(
        page.orderBy('seq', 'asc').limit(VERIFY_PAGE),
      );
      rows.catch(() => {}); // not awaited when the chain breaks on this page
      return rows;
    };
    let next = fetch(fromSeq - 1);
    for (;;) {
      const rows = await next;
      const full = rows.length === VERIFY_PAGE;
      if (full) next = fetch(Number(rows[rows.length - 1].seq));
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== expectedSeq)
          return fail(
            row,
            `event #${expectedSeq} is missing (next stored is #${seq})`,
          );
        if (row.prev_hash !== expectedPrev)
          return fail(
            row,
            `its previous hash does not match event #${seq - 1}`,
          );
        if (chainHash(expectedPrev, toRecord(row)) !== row.hash) {
          return fail(
            row,
            'its stored content does not match its hash (modified)',
          );
        }
        expectedPrev = row.hash;
        expectedSeq += 1;
        checked += 1;
        last = { seq, ts: row.ts };
      }
      if (!full) break;
    }
    return { checked, last };
  }

  /**
   * The same check computed by PostgreSQL in one pass: each event's hash
   * from its columns (row_to_json writes the canonical JSON of chain.ts
   * byte for byte: the columns in its key order, no spaces) and each link
   * to the event before. The first event it finds wrong, if any, is checked
   * again in Node from the event before it, which names the reason; were
   * the two ever to disagree, the whole range is checked in Node.
   */
  private async scanInDatabase(
    fromSeq: number,
    expectedPrev: string,
    toSeq?: number,
  ): Promise<ScanResult> {
    const upper = toSeq === undefined ? '' : 'AND e.seq <= ?';
    const bindings = toSeq === undefined ? [fromSeq] : [fromSeq, toSeq];
    // Each event's hash, from its own columns: a scan PostgreSQL may split
    // across workers (min(seq + 0): no shortcut through the index that would
    // read in order on one core). The composite type audit_chain_record
    // (migration 20261130_export_functions.js) names the fields.
    const hashes = await this.db.raw<{
      rows: Array<{ first_bad: string | null }>;
    }>(
      `SELECT min(e.seq + 0) AS first_bad FROM audit_events e
       WHERE e.seq >= ? ${upper}
         AND e.hash <> encode(pg_catalog.sha256(pg_catalog.convert_to(
           e.prev_hash || E'\n' || pg_catalog.row_to_json(ROW(
             e.action, e.actor, e.actor_type, e.correlation_id, e.error, e.id, e.ip, e.meta,
             e.meta_truncated, e.method, e.outcome, e.path, e.plugin, e.prev_hash, e.real_actor,
             e.seq, e.severity, e.target, e.ts, e.user_agent)::audit_chain_record)::text,
           'UTF8')), 'hex')`,
      bindings,
    );
    // each link to the event before, and no sequence number missing
    const links = await this.db.raw<{
      rows: Array<{ first_bad: string | null; last_seq: string | null }>;
    }>(
      `SELECT min(seq) FILTER (WHERE bad) AS first_bad, max(seq) AS last_seq FROM (
         SELECT e.seq,
           e.seq <> coalesce(lag(e.seq) OVER w + 1, e.seq)
           OR e.prev_hash <> coalesce(lag(e.hash) OVER w, e.prev_hash) AS bad
         FROM audit_events e
         WHERE e.seq >= ? ${upper}
         WINDOW w AS (ORDER BY e.seq)
       ) s`,
      bindings,
    );
    const bad = [hashes.rows[0].first_bad, links.rows[0].first_bad]
      .filter((v): v is string => v !== null)
      .map(Number);
    const count = async (below?: number) => {
      const query = this.db('audit_events').where('seq', '>=', fromSeq);
      if (toSeq !== undefined) query.where('seq', '<=', toSeq);
      if (below !== undefined) query.where('seq', '<', below);
      return Number((await query.count({ n: '*' }))[0].n);
    };
    if (!bad.length) {
      const lastSeq = links.rows[0].last_seq;
      const last =
        lastSeq === null
          ? undefined
          : await this.db<EventRow>('audit_events')
              .where('seq', lastSeq)
              .first('seq', 'ts');
      return {
        checked: await count(),
        last: last ? { seq: Number(last.seq), ts: last.ts } : undefined,
      };
    }
    const badSeq = Math.min(...bad);
    const before = await this.db<EventRow>('audit_events')
      .where('seq', '<', badSeq)
      .where('seq', '>=', fromSeq)
      .orderBy('seq', 'desc')
      .first();
    const local = before
      ? await this.scanChain(Number(before.seq) + 1, before.hash, badSeq)
      : await this.scanChain(fromSeq, expectedPrev, badSeq);
    if (!local.broken) {
      this.logger?.warn(
        `Audit chain: PostgreSQL and Node disagree about event #${badSeq}; checking in Node`,
      );
      return this.scanChain(fromSeq, expectedPrev, toSeq);
    }
    return {
      checked: await count(badSeq),
      last: before ? { seq: Number(before.seq), ts: before.ts } : undefined,
      broken: local.broken,
    };
  }

  private async findCheckpoint(
    throughSeq: number,
  ): Promise<string | undefined> {
    const rows = await this.db<EventRow>('audit_events')
      .where({ plugin: 'audit-log', action: RETENTION_CHECKPOINT_ACTION })
      .orderBy('seq', 'desc')
      .limit(CHECKPOINTS_READ);
    for (const row of rows) {
      const meta = row.meta ? JSON.parse(row.meta) : {};
      if (
        Number(meta.purgedThroughSeq) === throughSeq &&
        typeof meta.purgedThroughHash === 'string'
      ) {
        return meta.purgedThroughHash;
      }
    }
    return undefined;
  }
}
