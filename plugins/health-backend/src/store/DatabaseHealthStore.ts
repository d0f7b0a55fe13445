import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  EncodedUptime,
  encodeUptime,
  UptimeDay,
  HealthIncident,
  HealthSeriesPoint,
  ProbeResult,
  ProbeStatus,
} from '@internal/backstage-plugin-health-common';
import { Knex } from 'knex';
import {
  bucketOf,
  HISTOGRAM_BUCKETS,
  HISTOGRAM_COLUMNS,
  maximumFloor,
  percentileOf,
} from '../slo/histogram';
import type { WindowCounts } from '../slo/slo';
import {
  AlertRecord,
  DayCounts,
  EndpointInfo,
  EndpointRecord,
  HealthStore,
  RecordedProbe,
  Resolution,
  RESOLUTION_MS,
  Retention,
  SloRecord,
} from './HealthStore';

const migrationsDir = resolvePackagePath(
  '@internal/backstage-plugin-health-backend',
  'migrations',
);

const ENDPOINTS = 'health_endpoints';
const PROBES = 'health_probes';
const ROLLUPS = 'health_rollups';
const SLO = 'health_slo';
const ALERTS = 'health_alerts';
const INCIDENTS = 'health_incidents';
const RUNNING = 'health_running';
const RESOLUTIONS: Resolution[] = ['m', 'h', 'd'];
/** Rows per insert statement (SQLite allows 999 bound values per statement). */
const INSERT_CHUNK = 40;
const P95 = 0.95;
const MAX_ERROR_LENGTH = 500;

type Row = Record<string, any>;

/** The columns that add up: counts per status and the latency histogram. */
const STATUS_COLUMNS = ['up', 'degraded', 'down', 'disabled'];
const COUNT_COLUMNS = [...STATUS_COLUMNS, ...HISTOGRAM_COLUMNS];
const runOf = (column: string) => `run_${column}`;
const ROLLUP_VALUE_COLUMNS = [
  ...COUNT_COLUMNS,
  'latency_max',
  ...COUNT_COLUMNS.map(runOf),
];
/** The next coarser resolution, whose buckets hold the same probes. */
const COARSER: Record<Resolution, Resolution> = { m: 'h', h: 'd', d: 'd' };
const bucketKey = (ref: string, start: number) => `${start}\u0000${ref}`;

/** A window's sums as read: statuses, and the histogram when it was asked for. */
function windowCountsOf(row: Row): WindowCounts {
  const histogram =
    row.lat_0 === undefined ? [] : HISTOGRAM_COLUMNS.map(c => Number(row[c]));
  return {
    up: Number(row.up),
    degraded: Number(row.degraded),
    down: Number(row.down),
    disabled: Number(row.disabled),
    latencyMax: maximumFloor(histogram),
    histogram,
  };
}

function emptyRunning(entityRef: string, resolution: Resolution): Row {
  const row: Row = {
    entity_ref: entityRef,
    resolution,
    first_bucket: Number.MAX_SAFE_INTEGER,
    bucket_start: Number.MIN_SAFE_INTEGER,
  };
  for (const c of COUNT_COLUMNS) row[runOf(c)] = 0;
  return row;
}

const num = (v: unknown): number | undefined =>
  v === null || v === undefined ? undefined : Number(v);

function parseJson<T>(value: unknown, fallback: T): T {
  if (typeof value !== 'string') return (value as T) ?? fallback;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

/** A stored strip; summaries written before it was encoded held the days. */
function uptimeOf(value: unknown): EncodedUptime {
  const stored = parseJson<EncodedUptime | UptimeDay[]>(value, []);
  return Array.isArray(stored) ? encodeUptime(stored) : stored;
}

function probeOf(row: Row): ProbeResult {
  return {
    at: Number(row.at),
    status: row.status as ProbeStatus,
    latencyMs: num(row.latency_ms),
    httpStatus: num(row.http_status),
    error: row.error ?? undefined,
    version: row.version ?? undefined,
  };
}

function endpointOf(row: Row): EndpointRecord {
  const problems = parseJson<EndpointRecord['problems']>(row.problems, []);
  if (row.probe_problem) {
    problems.push({
      annotation: 'stackportal.io/health-endpoint',
      message: row.probe_problem,
    });
  }
  return {
    entityRef: row.entity_ref,
    kind: row.kind,
    title: row.title ?? undefined,
    owner: row.owner ?? undefined,
    system: row.system ?? undefined,
    stack: row.stack ?? undefined,
    capability: row.capability ?? undefined,
    url: row.url ?? undefined,
    annotations: parseJson(row.annotations, {}),
    problems,
    last:
      row.last_at !== null && row.last_at !== undefined
        ? probeOf({
            at: row.last_at,
            status: row.last_status,
            latency_ms: row.last_latency_ms,
            http_status: row.last_http_status,
            error: row.last_error,
            version: row.last_version,
          })
        : undefined,
    lastFlags: parseJson(row.last_flags, undefined),
    firstSeenAt: num(row.first_seen_at),
    downStreak: Number(row.down_streak),
    answerStreak: Number(row.answer_streak),
  };
}

function countsOf(row: Row): WindowCounts {
  return {
    up: Number(row.up ?? 0),
    degraded: Number(row.degraded ?? 0),
    down: Number(row.down ?? 0),
    disabled: Number(row.disabled ?? 0),
    latencyMax: Number(row.latency_max ?? 0),
    histogram: HISTOGRAM_COLUMNS.map(c => Number(row[c] ?? 0)),
  };
}

function emptyRollup(
  entityRef: string,
  resolution: Resolution,
  start: number,
): Row {
  const row: Row = {
    entity_ref: entityRef,
    resolution,
    bucket_start: start,
    up: 0,
    degraded: 0,
    down: 0,
    disabled: 0,
    latency_max: 0,
  };
  for (const c of COUNT_COLUMNS) row[c] = 0;
  for (const c of COUNT_COLUMNS) row[runOf(c)] = 0;
  return row;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

/**
 * The health store on knex (SQLite or PostgreSQL). Rollups are read, added
 * to and written back by the probing task, which the scheduler runs on one
 * replica at a time.
 */
export class DatabaseHealthStore implements HealthStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseHealthStore> {
    const db = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await db.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseHealthStore(db);
  }

  async syncEndpoints(
    endpoints: EndpointInfo[],
    now: number,
  ): Promise<string[]> {
    return this.db.transaction(async tx => {
      const existing = new Set<string>(
        (await tx(ENDPOINTS).select('entity_ref')).map(r => r.entity_ref),
      );
      const keep = new Set(endpoints.map(e => e.entityRef));
      const removed = [...existing].filter(ref => !keep.has(ref));
      for (const batch of chunks(removed, INSERT_CHUNK)) {
        await tx(ENDPOINTS).whereIn('entity_ref', batch).delete();
      }
      const rows = endpoints.map(e => ({
        entity_ref: e.entityRef,
        kind: e.kind,
        title: e.title ?? null,
        owner: e.owner ?? null,
        system: e.system ?? null,
        stack: e.stack ?? null,
        capability: e.capability ?? null,
        url: e.url ?? null,
        annotations: JSON.stringify(e.annotations),
        problems: JSON.stringify(e.problems),
        seen_at: now,
        // kept on later syncs: only an insert sets it
        first_seen_at: now,
      }));
      for (const batch of chunks(rows, INSERT_CHUNK)) {
        await tx(ENDPOINTS)
          .insert(batch)
          .onConflict('entity_ref')
          .merge([
            'kind',
            'title',
            'owner',
            'system',
            'stack',
            'capability',
            'url',
            'annotations',
            'problems',
            'seen_at',
          ]);
      }
      return removed;
    });
  }

  async listEndpoints(): Promise<EndpointRecord[]> {
    const rows = await this.db(ENDPOINTS).select().orderBy('entity_ref');
    return rows.map(endpointOf);
  }

  async getEndpoint(entityRef: string): Promise<EndpointRecord | undefined> {
    const row = await this.db(ENDPOINTS)
      .where({ entity_ref: entityRef })
      .first();
    return row ? endpointOf(row) : undefined;
  }

  async setProbeProblem(entityRef: string, message: string | undefined) {
    await this.db(ENDPOINTS)
      .where({ entity_ref: entityRef })
      .update({ probe_problem: message ?? null });
  }

  async recordProbes(probes: RecordedProbe[]) {
    const streaks = new Map<
      string,
      { downStreak: number; answerStreak: number }
    >();
    if (!probes.length) return streaks;
    await this.db.transaction(async tx => {
      for (const batch of chunks(probes, INSERT_CHUNK)) {
        await tx(PROBES).insert(
          batch.map(({ entityRef, result }) => ({
            entity_ref: entityRef,
            at: result.at,
            status: result.status,
            latency_ms: result.latencyMs ?? null,
            http_status: result.httpStatus ?? null,
            error: result.error?.slice(0, MAX_ERROR_LENGTH) ?? null,
            version: result.version ?? null,
          })),
        );
      }
      await this.updateLatest(tx, probes, streaks);
      const counted = probes.filter(p => !p.grace);
      for (const resolution of RESOLUTIONS) {
        await this.addToRollups(tx, counted, resolution);
      }
    });
    return streaks;
  }

  private async updateLatest(
    tx: Knex.Transaction,
    probes: RecordedProbe[],
    streaks: Map<string, { downStreak: number; answerStreak: number }>,
  ) {
    const refs = [...new Set(probes.map(p => p.entityRef))];
    const current = new Map<string, Row>();
    for (const batch of chunks(refs, INSERT_CHUNK * 10)) {
      for (const row of await tx(ENDPOINTS)
        .whereIn('entity_ref', batch)
        .select('entity_ref', 'down_streak', 'answer_streak')) {
        current.set(row.entity_ref, row);
      }
    }
    for (const { entityRef, result, flags, grace } of probes) {
      const row = current.get(entityRef);
      if (!row) continue;
      const down = result.status === 'down';
      const answered = result.status === 'up' || result.status === 'degraded';
      const next = {
        // a failure in the start-up grace period opens no incident
        downStreak: down ? Number(row.down_streak) + (grace ? 0 : 1) : 0,
        answerStreak: answered ? Number(row.answer_streak) + 1 : 0,
      };
      row.down_streak = next.downStreak;
      row.answer_streak = next.answerStreak;
      streaks.set(entityRef, next);
      await tx(ENDPOINTS)
        .where({ entity_ref: entityRef })
        .update({
          last_status: result.status,
          last_at: result.at,
          last_latency_ms: result.latencyMs ?? null,
          last_http_status: result.httpStatus ?? null,
          last_error: result.error?.slice(0, MAX_ERROR_LENGTH) ?? null,
          last_version: result.version ?? null,
          last_flags: flags ? JSON.stringify(flags) : null,
          probe_problem: null,
          down_streak: next.downStreak,
          answer_streak: next.answerStreak,
        });
    }
  }

  private async addToRollups(
    tx: Knex.Transaction,
    probes: RecordedProbe[],
    resolution: Resolution,
  ) {
    const size = RESOLUTION_MS[resolution];
    // what these probes add, per entity and bucket
    const deltas = new Map<string, Map<number, Row>>();
    for (const { entityRef, result } of probes) {
      const start = Math.floor(result.at / size) * size;
      const buckets = deltas.get(entityRef) ?? new Map<number, Row>();
      deltas.set(entityRef, buckets);
      const row =
        buckets.get(start) ?? emptyRollup(entityRef, resolution, start);
      buckets.set(start, row);
      row[result.status] += 1;
      if (result.latencyMs !== undefined && result.status !== 'down') {
        row[HISTOGRAM_COLUMNS[bucketOf(result.latencyMs)]] += 1;
        row.latency_max = Math.max(row.latency_max, result.latencyMs);
      }
    }
    const refs = [...deltas.keys()];
    const running = await this.readRunning(tx, resolution, refs);
    const stored = await this.storedBuckets(tx, resolution, deltas);
    const rows: Row[] = [];
    const late: Array<{ delta: Row; isNew: boolean }> = [];
    for (const [ref, buckets] of deltas) {
      const run = running.get(ref) ?? emptyRunning(ref, resolution);
      running.set(ref, run);
      for (const start of [...buckets.keys()].sort((a, b) => a - b)) {
        const delta = buckets.get(start)!;
        const before = stored.get(bucketKey(ref, start));
        const row = { ...(before ?? emptyRollup(ref, resolution, start)) };
        for (const c of COUNT_COLUMNS) {
          row[c] = Number(row[c]) + delta[c];
          run[runOf(c)] = Number(run[runOf(c)]) + delta[c];
        }
        row.latency_max = Math.max(Number(row.latency_max), delta.latency_max);
        if (start >= Number(run.bucket_start)) {
          // in order: the running totals through this bucket
          for (const c of COUNT_COLUMNS) row[runOf(c)] = run[runOf(c)];
          run.bucket_start = start;
        } else {
          // a bucket before the latest one: the later ones carry it too
          for (const c of COUNT_COLUMNS) {
            row[runOf(c)] = Number(row[runOf(c)]) + delta[c];
          }
          late.push({ delta, isNew: !before });
        }
        rows.push(row);
        run.first_bucket = Math.min(Number(run.first_bucket), start);
      }
    }
    for (const batch of chunks(rows, INSERT_CHUNK / 2)) {
      await tx(ROLLUPS)
        .insert(batch)
        .onConflict(['entity_ref', 'resolution', 'bucket_start'])
        .merge(ROLLUP_VALUE_COLUMNS);
    }
    for (const { delta, isNew } of late) {
      await this.carryLate(tx, delta, isNew);
    }
    for (const batch of chunks(
      refs.map(ref => running.get(ref)!),
      INSERT_CHUNK / 2,
    )) {
      await tx(RUNNING)
        .insert(batch)
        .onConflict(['entity_ref', 'resolution'])
        .merge();
    }
  }

  private async readRunning(
    tx: Knex.Transaction,
    resolution: Resolution,
    refs: string[],
  ): Promise<Map<string, Row>> {
    const running = new Map<string, Row>();
    for (const batch of chunks(refs, INSERT_CHUNK * 10)) {
      for (const row of await tx(RUNNING)
        .where({ resolution })
        .whereIn('entity_ref', batch)) {
        running.set(row.entity_ref, row);
      }
    }
    return running;
  }

  /** The stored rollups of the buckets the deltas fall in. */
  private async storedBuckets(
    tx: Knex.Transaction,
    resolution: Resolution,
    deltas: Map<string, Map<number, Row>>,
  ): Promise<Map<string, Row>> {
    const byStart = new Map<number, string[]>();
    for (const [ref, buckets] of deltas) {
      for (const start of buckets.keys()) {
        byStart.set(start, [...(byStart.get(start) ?? []), ref]);
      }
    }
    const stored = new Map<string, Row>();
    for (const [start, refs] of byStart) {
      for (const batch of chunks(refs, INSERT_CHUNK * 10)) {
        for (const s of await tx(ROLLUPS)
          .where({ resolution, bucket_start: start })
          .whereIn('entity_ref', batch)) {
          stored.set(bucketKey(s.entity_ref, start), s);
        }
      }
    }
    return stored;
  }

  /**
   * A late bucket (older than the entity's latest): the buckets after it
   * carry its counts, and when it is new its running totals start from the
   * bucket before it. Probes arrive in time order, so this is rare.
   */
  private async carryLate(tx: Knex.Transaction, delta: Row, isNew: boolean) {
    const where = {
      entity_ref: delta.entity_ref,
      resolution: delta.resolution,
    };
    await tx(ROLLUPS)
      .where(where)
      .andWhere('bucket_start', '>', delta.bucket_start)
      .update(
        Object.fromEntries(
          COUNT_COLUMNS.map(c => [
            runOf(c),
            tx.raw('?? + ?', [runOf(c), delta[c]]),
          ]),
        ),
      );
    if (!isNew) return;
    const previous = await tx(ROLLUPS)
      .where(where)
      .andWhere('bucket_start', '<', delta.bucket_start)
      .orderBy('bucket_start', 'desc')
      .first();
    await tx(ROLLUPS)
      .where({ ...where, bucket_start: delta.bucket_start })
      .update(
        Object.fromEntries(
          COUNT_COLUMNS.map(c => [
            runOf(c),
            Number(previous?.[runOf(c)] ?? 0) + delta[c],
          ]),
        ),
      );
  }

  /**
   * Sums of every entity's rollups at `resolution` from each window's start
   * on (whole buckets, the current one included), from running totals: the
   * entity's totals minus those before its first bucket in the window, so
   * one row per entity and window whatever the window's length. An entity
   * with a gap right at a start costs one more look-up. Histograms only for
   * the windows that ask; `latencyMax` is only what the histogram says (see
   * `latencyMaxSince`).
   */
  async windowCounts(
    resolution: Resolution,
    windows: Array<{ start: number; histogram: boolean }>,
  ): Promise<Map<number, Map<string, WindowCounts>>> {
    const out = new Map<number, Map<string, WindowCounts>>(
      windows.map(w => [w.start, new Map()]),
    );
    for (const histogram of [false, true]) {
      const starts = windows
        .filter(w => w.histogram === histogram)
        .map(w => w.start);
      if (!starts.length) continue;
      const columns = histogram ? COUNT_COLUMNS : STATUS_COLUMNS;
      const gaps: Row[] = [];
      for (const row of await this.sumsFrom(resolution, starts, columns)) {
        const start = Number(row.start);
        if (!row.found && Number(row.first_bucket) < start) gaps.push(row);
        else out.get(start)!.set(row.entity_ref, windowCountsOf(row));
      }
      for (const gap of gaps) {
        const counts = await this.sumsAfterGap(
          resolution,
          gap.entity_ref,
          Number(gap.start),
          columns,
        );
        if (counts) out.get(Number(gap.start))!.set(gap.entity_ref, counts);
      }
    }
    return out;
  }

  /** Per entity and start: its totals less those before the bucket at the start. */
  private async sumsFrom(
    resolution: Resolution,
    starts: number[],
    columns: string[],
  ): Promise<Row[]> {
    const sums = columns.map(
      c => `t.${runOf(c)} - COALESCE(f.${runOf(c)} - f.${c}, 0) AS ${c}`,
    );
    const result = await this.db.raw(
      `SELECT s.start, t.entity_ref, t.first_bucket,
         CASE WHEN f.entity_ref IS NULL THEN 0 ELSE 1 END AS found, ${sums.join(
           ', ',
         )}
       FROM ${RUNNING} t
       CROSS JOIN (${starts
         .map(() => 'SELECT CAST(? AS BIGINT) AS start')
         .join(' UNION ALL ')}) s
       LEFT JOIN ${ROLLUPS} f ON f.entity_ref = t.entity_ref
         AND f.resolution = t.resolution AND f.bucket_start = s.start
       WHERE t.resolution = ? AND t.bucket_start >= s.start`,
      [...starts, resolution],
    );
    return Array.isArray(result) ? result : result.rows;
  }

  /** An entity with no bucket at `start` but older ones: from its first bucket after. */
  private async sumsAfterGap(
    resolution: Resolution,
    entityRef: string,
    start: number,
    columns: string[],
  ): Promise<WindowCounts | undefined> {
    const where = { entity_ref: entityRef, resolution };
    const [first, running] = await Promise.all([
      this.db(ROLLUPS)
        .where(where)
        .andWhere('bucket_start', '>=', start)
        .orderBy('bucket_start')
        .first(),
      this.db(RUNNING).where(where).first(),
    ]);
    if (!first || !running) return undefined;
    return windowCountsOf(
      Object.fromEntries(
        columns.map(c => [
          c,
          Number(running[runOf(c)]) -
            (Number(first[runOf(c)]) - Number(first[c])),
        ]),
      ),
    );
  }

  /**
   * Exact, and cheaper than reading every bucket of the window: the buckets
   * at `resolution` up to the first boundary of the next coarser one, then
   * the coarser buckets (which hold the same probes) from there on.
   */
  async latencyMaxSince(
    resolution: Resolution,
    since: number,
    entityRefs: string[],
  ): Promise<Map<string, number>> {
    const coarse = COARSER[resolution];
    const size = RESOLUTION_MS[coarse];
    const boundary = Math.ceil(since / size) * size;
    const maxima = new Map<string, number>();
    for (const batch of chunks(entityRefs, INSERT_CHUNK * 10)) {
      const rows = await this.db(ROLLUPS)
        .whereIn('entity_ref', batch)
        .andWhere(q =>
          q
            .where(fine =>
              fine
                .where({ resolution })
                .andWhere('bucket_start', '>=', since)
                .andWhere('bucket_start', '<', boundary),
            )
            .orWhere(whole =>
              whole
                .where({ resolution: coarse })
                .andWhere('bucket_start', '>=', boundary),
            ),
        )
        .groupBy('entity_ref')
        .select('entity_ref')
        .max({ latency_max: 'latency_max' });
      for (const r of rows as Row[]) {
        maxima.set(r.entity_ref, Number(r.latency_max ?? 0));
      }
    }
    return maxima;
  }

  async daysSince(since: number, entityRefs?: string[]): Promise<DayCounts[]> {
    const read = (refs?: string[]) => {
      const query = this.db(ROLLUPS)
        .where({ resolution: 'd' })
        .andWhere('bucket_start', '>=', since)
        .select(
          'entity_ref',
          'bucket_start',
          'up',
          'degraded',
          'down',
          'disabled',
        )
        .orderBy(['entity_ref', 'bucket_start']);
      return refs ? query.whereIn('entity_ref', refs) : query;
    };
    const rows: Row[] = [];
    if (!entityRefs) rows.push(...(await read()));
    for (const batch of chunks(entityRefs ?? [], INSERT_CHUNK * 10)) {
      rows.push(...(await read(batch)));
    }
    return rows.map((r: Row) => ({
      entityRef: r.entity_ref,
      day: Number(r.bucket_start),
      up: Number(r.up),
      degraded: Number(r.degraded),
      down: Number(r.down),
      disabled: Number(r.disabled),
    }));
  }

  async readUptime(): Promise<Map<string, EncodedUptime>> {
    const rows = await this.db(SLO).select('entity_ref', 'uptime');
    return new Map(rows.map((r: Row) => [r.entity_ref, uptimeOf(r.uptime)]));
  }

  async series(
    entityRef: string,
    resolution: Resolution,
    since: number,
  ): Promise<HealthSeriesPoint[]> {
    const rows = await this.db(ROLLUPS)
      .where({ entity_ref: entityRef, resolution })
      .andWhere('bucket_start', '>=', since)
      .orderBy('bucket_start');
    return rows.map((r: Row) => {
      const c = countsOf(r);
      return {
        at: Number(r.bucket_start),
        samples: c.up + c.degraded + c.down + c.disabled,
        up: c.up,
        degraded: c.degraded,
        down: c.down,
        disabled: c.disabled,
        p95Ms: percentileOf(c.histogram, P95, c.latencyMax),
      };
    });
  }

  async latestProbes(entityRef: string, limit: number) {
    const rows = await this.db(PROBES)
      .where({ entity_ref: entityRef })
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map(probeOf);
  }

  async saveSlo(records: SloRecord[]) {
    const rows = records.map(r => ({
      entity_ref: r.entityRef,
      computed_at: r.computedAt,
      figures: JSON.stringify(r.figures),
      budget: JSON.stringify(r.budget),
      uptime: JSON.stringify(r.uptime),
      p95_24h: r.p95Ms24h ?? null,
      degraded_24h: r.degraded24h ?? null,
      availability_30d: r.availability30d ?? null,
    }));
    for (const batch of chunks(rows, INSERT_CHUNK)) {
      await this.db(SLO).insert(batch).onConflict('entity_ref').merge();
    }
  }

  async readSlo(entityRefs?: string[], options: { figures?: boolean } = {}) {
    const query = this.db(SLO).select(
      options.figures === false
        ? [
            'entity_ref',
            'computed_at',
            'budget',
            'uptime',
            'p95_24h',
            'degraded_24h',
            'availability_30d',
          ]
        : '*',
    );
    if (entityRefs && entityRefs.length <= INSERT_CHUNK * 10) {
      query.whereIn('entity_ref', entityRefs);
    }
    const rows = await query;
    return new Map<string, SloRecord>(
      rows.map((r: Row) => [
        r.entity_ref,
        {
          entityRef: r.entity_ref,
          computedAt: Number(r.computed_at),
          figures: parseJson(r.figures, []),
          budget: parseJson(r.budget, { failures: 0 }),
          uptime: uptimeOf(r.uptime),
          p95Ms24h: num(r.p95_24h),
          degraded24h: num(r.degraded_24h),
          availability30d: num(r.availability_30d),
        },
      ]),
    );
  }

  async alerts(options: { firingOnly?: boolean } = {}): Promise<AlertRecord[]> {
    const query = this.db(ALERTS).select();
    if (options.firingOnly) query.where({ firing: true });
    const rows = await query;
    return rows.map((r: Row) => ({
      entityRef: r.entity_ref,
      rule: r.rule,
      severity: r.severity,
      firing: !!r.firing,
      since: Number(r.since),
      burnRate: Number(r.burn_rate),
      updatedAt: Number(r.updated_at),
    }));
  }

  async saveAlerts(alerts: AlertRecord[]) {
    const rows = alerts.map(a => ({
      entity_ref: a.entityRef,
      rule: a.rule,
      severity: a.severity,
      firing: a.firing,
      since: a.since,
      burn_rate: Number.isFinite(a.burnRate) ? a.burnRate : 0,
      updated_at: a.updatedAt,
    }));
    for (const batch of chunks(rows, INSERT_CHUNK)) {
      await this.db(ALERTS)
        .insert(batch)
        .onConflict(['entity_ref', 'rule'])
        .merge();
    }
  }

  async openIncident(entityRef: string, at: number, cause: string) {
    const [row] = await this.db(INCIDENTS)
      .insert({
        entity_ref: entityRef,
        opened_at: at,
        cause: cause.slice(0, MAX_ERROR_LENGTH),
      })
      .returning('id');
    const id = typeof row === 'object' ? row.id : row;
    return { id: Number(id), entityRef, openedAt: at, cause };
  }

  async closeIncident(entityRef: string, at: number) {
    const open = await this.db(INCIDENTS)
      .where({ entity_ref: entityRef })
      .whereNull('closed_at')
      .orderBy('opened_at', 'desc')
      .first();
    if (!open) return undefined;
    await this.db(INCIDENTS)
      .where({ entity_ref: entityRef })
      .whereNull('closed_at')
      .update({ closed_at: at });
    return incidentOf({ ...open, closed_at: at });
  }

  async openIncidents() {
    const rows = await this.db(INCIDENTS)
      .whereNull('closed_at')
      .orderBy('opened_at', 'desc');
    return rows.map(incidentOf);
  }

  async incidentsOf(entityRef: string, limit: number) {
    const rows = await this.db(INCIDENTS)
      .where({ entity_ref: entityRef })
      .orderBy('opened_at', 'desc')
      .limit(limit);
    return rows.map(incidentOf);
  }

  async prune(now: number, retention: Retention) {
    await this.db(PROBES)
      .where('at', '<', now - retention.raw)
      .delete();
    for (const resolution of RESOLUTIONS) {
      await this.db(ROLLUPS)
        .where({ resolution })
        .andWhere('bucket_start', '<', now - retention[resolution])
        .delete();
      // running totals of entities whose every bucket is gone start afresh
      await this.db(RUNNING)
        .where({ resolution })
        .andWhere('bucket_start', '<', now - retention[resolution])
        .delete();
    }
  }
}

function incidentOf(row: Row): HealthIncident {
  return {
    id: Number(row.id),
    entityRef: row.entity_ref,
    openedAt: Number(row.opened_at),
    closedAt: num(row.closed_at),
    cause: row.cause,
  };
}

export { HISTOGRAM_BUCKETS };
