// The compliance audit log (docs/audit-log.md) on PostgreSQL at 1,000,000 events.
//
//   node --require @backstage/cli/config/nodeTransform.cjs bench/audit-log.ts \
//     [--events=1000000] [--ingest=20000] [--concurrency=50] [--runs=200] \
//     [--export-cap-s=180] [--limit-min=80]
//
// Creates a fresh database bench_audit_<timestamp> (dropped at the end, whatever
// happens), runs the real DatabaseAuditStore (plugins/audit-log-node) on it with
// knex 'pg' (pool max 10, the knex default), its own migrations included (so
// the pg_trgm GIN indexes of 20261122_trigram_search.js are there), and reports
// each figure with a reference measured in the same run:
//
//  1. ingest through StoringAuditorService (createEvent + success, severity
//     medium: both awaited, hash chain) by --concurrency callers, --ingest
//     events; reference: plain single-row knex inserts of equivalent rows into
//     bench_plain (LIKE audit_events INCLUDING INDEXES: same schema and
//     indexes, no triggers, random hashes, no chain), same callers and count.
//     Order plain, store, store, plain (half the events each) to balance drift.
//  2. fill to --events with store.append in bursts of 5,000 (Promise.all);
//     reference: the same kind of rows as plain 200-row inserts in 500-row
//     transactions into bench_plain (100,000 rows), one transaction at a time.
//  3. first page (limit 50) of seven filters and the unfiltered page, --runs
//     each, round-robin so that load affects all alike; a filter is cut short
//     after 60 s of its own time (the table then says how many runs). Before
//     timing: VACUUM (ANALYZE) audit_events, the state autovacuum leaves a
//     table in, and a CHECKPOINT, so that the fill's writes are not flushed
//     during the timed phases. Slow filters get EXPLAIN (ANALYZE, BUFFERS) of
//     every statement.
//  4. GET /export?format=csv and ndjson from bench/audit-export-server.ts, a
//     child process running createRouter alone; bytes to /dev/null; the child's
//     VmRSS every 100 ms (and its process.memoryUsage(), --mem-log). On
//     PostgreSQL the product reads the rows with one binary COPY and writes
//     the records in Node (plugins/audit-log-node/src/copy/),
//     both formats alike. Reference: psql
//     \copy of the same table, ordered by seq, as CSV to /dev/null (the faster
//     of two, before and after the exports). An export is given
//     --export-cap-s; one that has not finished by then is closed and reported
//     INCOMPLETE with the rate it reached.
//  5. store.verify() over everything (on PostgreSQL one SQL pass,
//     DatabaseAuditStore.scanInDatabase); reference: SELECT count(*),
//     max(hash).
//
// A passive knex listener adds up database time per kind of statement in each
// phase (in the JSON details).
//
// Prints the table and writes it to bench/results/audit-log-<date>.json.
// Hard limits: --limit-min for the whole run (then it cleans up and exits 2),
// time-outs inside every phase. Exit code 1 when a target fails.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import knexFactory, { Knex } from 'knex';
import {
  DatabaseAuditStore,
  StoringAuditorService,
  ulid,
} from '@internal/backstage-plugin-audit-log-node';
import {
  installSignalHandlers,
  load,
  log,
  machine,
  nodeBin,
  now,
  percentile,
  pgClient,
  PG,
  ROOT,
  sleep,
  treeState,
} from './lib.mjs';

const arg = (name: string, dflt: number) => {
  const a = process.argv.find(x => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : dflt;
};
const TOTAL = arg('events', 1_000_000);
const INGEST = arg('ingest', 20_000);
const CONCURRENCY = arg('concurrency', 50);
const RUNS = arg('runs', 200);
const LIMIT_MIN = arg('limit-min', 80);
const FILL_BURST = 5000;
const FILL_REF_ROWS = Math.min(100_000, TOTAL);
const QUERY_BUDGET_MS = 60_000;
const CALL_TIMEOUT_MS = 5 * 60_000;
const EXPORT_CAP_MS = arg('export-cap-s', 180) * 1000;
const PSQL_TIMEOUT_MS = 5 * 60_000;

const stamp = new Date()
  .toISOString()
  .replace(/[-:]/g, '')
  .replace('T', 't')
  .slice(0, 15);
const DB = `bench_audit_${stamp}`;
const DATE = new Date().toISOString().slice(0, 10);

const noopLogger: any = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return noopLogger;
  },
};

// ---- cleanup -----------------------------------------------------------------

let knex: Knex | undefined;
let child: ChildProcess | undefined;
let dbCreated = false;

function killChild() {
  if (child && child.exitCode === null && child.signalCode === null) {
    try {
      child.kill('SIGKILL');
    } catch {
      // gone
    }
  }
}
process.on('exit', killChild);

async function cleanup() {
  killChild();
  child = undefined;
  if (knex) {
    const k = knex;
    knex = undefined;
    await Promise.race([k.destroy(), sleep(10_000)]).catch(() => {});
  }
  if (dbCreated) {
    dbCreated = false;
    const client = await pgClient();
    try {
      await client.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
      log(`dropped database ${DB}`);
    } catch (e) {
      log(`could not drop ${DB}: ${(e as Error).message}; drop it by hand`);
    } finally {
      await client.end();
    }
  }
}
installSignalHandlers(cleanup);
const watchdog = setTimeout(async () => {
  log(`hard limit of ${LIMIT_MIN} min reached: cleaning up and stopping`);
  await cleanup();
  process.exit(2);
}, LIMIT_MIN * 60_000);
watchdog.unref();

/** Rejects when the promise takes longer than ms. */
function within<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`${what}: no result in ${Math.round(ms / 1000)} s`)),
        ms,
      );
    }),
  ]);
}

// ---- a passive profiler: database time per kind of statement --------------------

const profile = {
  bucket: 'none',
  starts: new Map<string, { at: number; kind: string; bucket: string }>(),
  totals: new Map<string, { ms: number; n: number }>(),
  reset(bucket: string) {
    this.bucket = bucket;
  },
  add(bucket: string, kind: string, ms: number) {
    const key = `${bucket}|${kind}`;
    const t = this.totals.get(key) ?? { ms: 0, n: 0 };
    t.ms += ms;
    t.n += 1;
    this.totals.set(key, t);
  },
  of(bucket: string) {
    const out: Record<string, { ms: number; n: number }> = {};
    for (const [key, t] of this.totals) {
      const [b, kind] = key.split('|');
      if (b === bucket) out[kind] = { ms: Math.round(t.ms), n: t.n };
    }
    return out;
  },
};

function kindOf(sql: string): string {
  const s = sql.toLowerCase();
  if (s.startsWith('begin')) return 'begin';
  if (s.startsWith('commit')) return 'commit';
  if (s.includes('from "audit_chain_head"') && s.includes('for update'))
    return 'lock head';
  if (s.startsWith('update "audit_chain_head"')) return 'update head';
  if (s.startsWith('insert into "audit_events"')) return 'insert events';
  if (s.startsWith('insert into "bench_plain"')) return 'insert plain';
  if (s.includes('from "audit_subjects"')) return 'subjects';
  if (s.startsWith('select * from "audit_events"')) {
    return / limit \$?\d+/.test(s)
      ? 'select events (limited)'
      : 'select events (NO LIMIT)';
  }
  return s.split(/\s+/).slice(0, 3).join(' ');
}

function attachProfiler(k: Knex) {
  k.on('query', (q: any) => {
    if (!q.__knexQueryUid) return;
    profile.starts.set(q.__knexQueryUid, {
      at: now(),
      kind: kindOf(q.sql ?? ''),
      bucket: profile.bucket,
    });
  });
  const done = (_r: unknown, q: any) => {
    const s = q && profile.starts.get(q.__knexQueryUid);
    if (!s) return;
    profile.starts.delete(q.__knexQueryUid);
    profile.add(s.bucket, s.kind, now() - s.at);
  };
  k.on('query-response', done);
  k.on('query-error', (_e: unknown, q: any) => done(undefined, q));
}

// ---- data ---------------------------------------------------------------------

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20261122);
const pick = <T>(items: readonly T[]) =>
  items[Math.floor(rand() * items.length)];
function weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
  let r = rand() * items.reduce((s, [, w]) => s + w, 0);
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1][0];
}

const USERS = [
  'eli.martin',
  'priya.nair',
  'sam.okafor',
  'lena.fischer',
  'marco.rossi',
  'aiko.tanaka',
  'noah.berg',
  'fatima.haddad',
  'jon.park',
].map(n => `user:default/${n}`);
const PLUGINS = [
  ['catalog', 40],
  ['scaffolder', 20],
  ['auth', 20],
  ['feature-flags', 10],
  ['admin', 10],
] as const;
const ACTIONS: Record<string, string[]> = {
  catalog: [
    'entity-fetch',
    'entity-mutate',
    'location-mutate',
    'entity-validate',
  ],
  scaffolder: ['task', 'template-parameter-schema', 'task-cancellation'],
  auth: ['auth-login', 'auth-refresh', 'auth-logout'],
  'feature-flags': ['flag-update', 'flag-read'],
  admin: [
    'role-grant',
    'role-revoke',
    'settings-update',
    'impersonation-start',
  ],
};
const SEVERITY = [
  ['low', 55],
  ['medium', 33],
  ['high', 10],
  ['critical', 2],
] as const;
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
  'backstage-cli/0.34 node/22',
];
const NOTES = [
  'routine change',
  'owner handover',
  'quarterly review',
  'incident follow-up',
  'migration',
  'cleanup',
];
/** The free-text search: a change ticket number about 5 events carry (1 in 20 events has a ticket). */
const TICKET_Q = 'CHG-04711';

/** The events of one user action: initiated, then succeeded or failed. */
function actionPair(ts: Date) {
  const plugin = weighted(PLUGINS);
  const action = pick(ACTIONS[plugin]);
  const severity = weighted(SEVERITY);
  const service = rand() < 0.08;
  const actor = service
    ? { type: 'service' as const, ref: `plugin:${plugin}` }
    : { type: 'user' as const, ref: pick(USERS) };
  const realActor =
    !service && rand() < 0.01
      ? { type: 'user' as const, ref: USERS[8] }
      : undefined;
  const target =
    plugin === 'auth'
      ? undefined
      : `component:default/c${Math.floor(rand() * 2000)}`;
  const meta: Record<string, unknown> = {};
  if (target) meta.entityRef = target;
  meta.note = pick(NOTES);
  if (rand() < 0.05)
    meta.ticket = `CHG-${String(Math.floor(rand() * 10000)).padStart(5, '0')}`;
  if (rand() < 0.05) meta.owner = pick(USERS);
  if (rand() < 0.3)
    meta.fields = {
      spec: {
        lifecycle: pick(['production', 'experimental']),
        tier: Math.floor(rand() * 4),
      },
    };
  const request = service
    ? {}
    : {
        ip: `10.${Math.floor(rand() * 256)}.${Math.floor(
          rand() * 256,
        )}.${Math.floor(rand() * 256)}`,
        userAgent: pick(AGENTS),
        method: pick(['GET', 'POST', 'DELETE']),
        path: `/api/${plugin}/${action}${target ? `/${target}` : ''}`,
      };
  const id = ulid();
  const failed = rand() < 0.1;
  const common = {
    actor,
    realActor,
    plugin,
    action,
    severity,
    target,
    ...request,
    correlationId: id,
  };
  return [
    { ...common, id, timestamp: ts, outcome: 'initiated' as const, meta },
    {
      ...common,
      timestamp: new Date(ts.getTime() + 40),
      outcome: failed ? ('failed' as const) : ('succeeded' as const),
      error: failed
        ? pick([
            'NotAllowedError: not permitted',
            'ConflictError: entity changed meanwhile',
          ])
        : undefined,
      meta,
    },
  ];
}

const hex64 = () => randomBytes(32).toString('hex');

/** A bench_plain row like the auditor's row for createEvent({eventId:'bench', severityLevel:'medium', meta:{i}}). */
function plainIngestRow(seq: number, i: number, outcome: string) {
  const id = ulid();
  return {
    seq,
    id,
    ts: new Date().toISOString(),
    actor: 'plugin:bench',
    actor_type: 'service',
    real_actor: null,
    ip: null,
    user_agent: null,
    plugin: 'bench',
    action: 'bench',
    severity: 'medium',
    target: null,
    outcome,
    error: null,
    method: null,
    path: null,
    meta: JSON.stringify({ i }),
    meta_truncated: false,
    correlation_id: id,
    prev_hash: hex64(),
    hash: hex64(),
  };
}

/** An event of the fill as a bench_plain row (refs as stored pseudonym-like strings). */
function plainFillRow(seq: number, e: ReturnType<typeof actionPair>[number]) {
  const pseudo = (ref?: string) =>
    ref?.startsWith('user:')
      ? `subject:${USERS.indexOf(ref)}0000000-0000-4000-8000-000000000000`
      : ref ?? null;
  return {
    seq,
    id: (e as any).id ?? ulid(),
    ts: e.timestamp.toISOString(),
    actor: pseudo(e.actor.ref),
    actor_type: e.actor.type,
    real_actor: pseudo(e.realActor?.ref),
    ip: (e as any).ip ?? null,
    user_agent: (e as any).userAgent ?? null,
    plugin: e.plugin,
    action: e.action,
    severity: e.severity,
    target: e.target ?? null,
    outcome: e.outcome,
    error: (e as any).error ?? null,
    method: (e as any).method ?? null,
    path: (e as any).path ?? null,
    meta: JSON.stringify(e.meta),
    meta_truncated: false,
    correlation_id: e.correlationId,
    prev_hash: hex64(),
    hash: hex64(),
  };
}

// ---- helpers --------------------------------------------------------------------

async function callers(
  total: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        await fn(i);
      }
    }),
  );
}

const round = (x: number, d = 1) => Number(x.toFixed(d));
const int = (x: number) => Math.round(x).toLocaleString('en-US');

async function countEvents(k: Knex) {
  const row = await k('audit_events').count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

function rssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = status.match(/VmRSS:\s+(\d+)\s+kB/);
  return m ? Number(m[1]) : NaN;
}

interface Row {
  figure: string;
  value: string;
  reference: string;
  ratio: string;
  target: string;
  pass: boolean | null;
}
const rows: Row[] = [];
const details: Record<string, unknown> = {};

// ---- 1. ingest ------------------------------------------------------------------

async function ingest(k: Knex, store: DatabaseAuditStore) {
  await k.raw('CREATE TABLE bench_plain (LIKE audit_events INCLUDING INDEXES)');
  const auditor = StoringAuditorService.create({
    pluginId: 'bench',
    store,
    logger: noopLogger,
    auth: {
      getOwnServiceCredentials: async () => ({
        $$type: '@backstage/BackstageCredentials',
        principal: { type: 'service', subject: 'plugin:bench' },
      }),
      isPrincipal: (c: any, t: string) => c.principal.type === t,
    } as any,
    httpAuth: {} as any,
    storeLowSeverity: false,
  });
  const half = Math.floor(INGEST / 2);
  let plainSeq = 0;
  const plain = async () => {
    profile.reset('ingest-plain');
    const t0 = now();
    await callers(half, CONCURRENCY, async i => {
      plainSeq += 1;
      await k('bench_plain').insert(
        plainIngestRow(plainSeq, i, i % 2 ? 'succeeded' : 'initiated'),
      );
    });
    return now() - t0;
  };
  const viaStore = async () => {
    profile.reset('ingest-store');
    const t0 = now();
    await callers(half / 2, CONCURRENCY, async i => {
      const event = await auditor.createEvent({
        eventId: 'bench',
        severityLevel: 'medium',
        meta: { i },
      });
      await event.success();
    });
    return now() - t0;
  };
  const times = { plain: [] as number[], store: [] as number[] };
  for (const which of ['plain', 'store', 'store', 'plain'] as const) {
    const ms = await within(
      `ingest (${which})`,
      10 * 60_000,
      which === 'plain' ? plain() : viaStore(),
    );
    times[which].push(ms);
    log(
      `ingest ${which}: ${half} events in ${(ms / 1000).toFixed(2)} s = ${int(
        (half / ms) * 1000,
      )} events/s`,
    );
  }
  const stored = await countEvents(k);
  if (stored !== 2 * half)
    throw new Error(
      `the auditor stored ${stored} events, expected ${2 * half}`,
    );
  const storeRate = (2 * half) / (times.store.reduce((a, b) => a + b) / 1000);
  const plainRate = (2 * half) / (times.plain.reduce((a, b) => a + b) / 1000);
  const storeProfile = profile.of('ingest-store');
  const batches = storeProfile['lock head']?.n ?? 0;
  details.ingest = {
    events: 2 * half,
    concurrency: CONCURRENCY,
    storeSeconds: times.store.map(t => round(t / 1000, 2)),
    plainSeconds: times.plain.map(t => round(t / 1000, 2)),
    storeEventsPerSecond: Math.round(storeRate),
    plainEventsPerSecond: Math.round(plainRate),
    storeTransactions: batches,
    eventsPerTransaction: batches ? round((2 * half) / batches, 1) : undefined,
    storeDbMsByStatement: storeProfile,
    plainDbMsByStatement: profile.of('ingest-plain'),
  };
  const ratio = storeRate / plainRate;
  rows.push({
    figure: `1. ingest via auditor (${CONCURRENCY} callers, ${int(
      2 * half,
    )} events)`,
    value: `${int(storeRate)} events/s`,
    reference: `${int(plainRate)} events/s plain inserts`,
    ratio: `${ratio.toFixed(2)} x`,
    target: '>= 1,000 events/s and >= 0.5 x',
    pass: storeRate >= 1000 && ratio >= 0.5,
  });
}

// ---- 2. fill --------------------------------------------------------------------

async function fill(k: Knex, store: DatabaseAuditStore) {
  const start = await countEvents(k);
  const toAdd = TOTAL - start;
  const end = Date.now() - 60_000;
  const span = 365 * 24 * 3600_000;
  const tsOf = (i: number) =>
    new Date(end - span + Math.floor((i / Math.max(1, toAdd)) * span));

  // reference first: the same kind of rows, plain, batched like the store batches
  profile.reset('fill-plain');
  const refRows: ReturnType<typeof plainFillRow>[] = [];
  for (let i = 0; refRows.length < FILL_REF_ROWS; i += 2) {
    for (const e of actionPair(tsOf(i)))
      refRows.push(plainFillRow(1_000_000_000 + refRows.length, e));
  }
  const tr0 = now();
  for (let i = 0; i < refRows.length; i += 500) {
    const batch = refRows.slice(i, i + 500);
    await k.transaction(async tx => {
      for (let j = 0; j < batch.length; j += 200)
        await tx('bench_plain').insert(batch.slice(j, j + 200));
    });
  }
  const refMs = now() - tr0;
  const refRate = (refRows.length / refMs) * 1000;
  log(
    `fill reference: ${int(refRows.length)} plain rows in ${(
      refMs / 1000
    ).toFixed(1)} s = ${int(refRate)} rows/s`,
  );

  profile.reset('fill-store');
  log(
    `filling ${int(toAdd)} events (${int(
      start,
    )} already stored) in bursts of ${FILL_BURST}`,
  );
  const t0 = now();
  let added = 0;
  let lastLog = now();
  while (added < toAdd) {
    const burst: Promise<unknown>[] = [];
    while (burst.length < FILL_BURST && added < toAdd) {
      const pair = actionPair(tsOf(added));
      for (const e of pair) {
        if (added >= toAdd) break;
        burst.push(store.append(e));
        added += 1;
      }
    }
    await within('a fill burst', 5 * 60_000, Promise.all(burst));
    if (now() - lastLog > 15_000) {
      lastLog = now();
      log(
        `  ${int(start + added)} events, ${int(
          (added / (now() - t0)) * 1000,
        )} events/s, load ${load()}`,
      );
    }
  }
  const ms = now() - t0;
  const rate = (toAdd / ms) * 1000;
  log(
    `fill: ${int(toAdd)} events in ${(ms / 1000).toFixed(1)} s = ${int(
      rate,
    )} events/s`,
  );
  details.fill = {
    events: toAdd,
    seconds: round(ms / 1000, 1),
    eventsPerSecond: Math.round(rate),
    referenceRows: refRows.length,
    referenceRowsPerSecond: Math.round(refRate),
    storeDbMsByStatement: profile.of('fill-store'),
    referenceDbMsByStatement: profile.of('fill-plain'),
  };
  rows.push({
    figure: `2. fill to ${int(TOTAL)} (append, bursts of ${FILL_BURST})`,
    value: `${int(rate)} events/s`,
    reference: `${int(refRate)} rows/s plain batched inserts`,
    ratio: `${(rate / refRate).toFixed(2)} x`,
    target: '(none)',
    pass: null,
  });
  await k.raw('DROP TABLE bench_plain');
  const v0 = now();
  await k.raw('VACUUM (ANALYZE) audit_events');
  log(`VACUUM (ANALYZE) audit_events: ${((now() - v0) / 1000).toFixed(1)} s`);
  // the fill wrote gigabytes of WAL: a checkpoint still spreading its writes
  // would land in whichever phase comes next, so it finishes here
  const c0 = now();
  try {
    await k.raw('CHECKPOINT');
    log(`CHECKPOINT: ${((now() - c0) / 1000).toFixed(1)} s`);
  } catch (e) {
    log(
      `CHECKPOINT refused (${
        (e as Error).message
      }); the phases may share the machine with one`,
    );
  }
}

// ---- 3. queries -----------------------------------------------------------------

type NamedFilter = { name: string; filter: any };

async function queries(k: Knex, store: DatabaseAuditStore) {
  const dayAgo = new Date(Date.now() - 24 * 3600_000).toISOString();
  const filters: NamedFilter[] = [
    { name: 'unfiltered (reference)', filter: {} },
    { name: "plugin ['admin']", filter: { plugin: ['admin'] } },
    {
      name: "actor 'user:default/eli.martin'",
      filter: { actor: 'user:default/eli.martin' },
    },
    { name: "severity ['critical']", filter: { severity: ['critical'] } },
    {
      name: "outcome ['failed'] + plugin ['catalog']",
      filter: { outcome: ['failed'], plugin: ['catalog'] },
    },
    {
      name: "target 'component:default/c123'",
      filter: { target: 'component:default/c123' },
    },
    {
      name: 'from a day ago to now',
      filter: { from: dayAgo, to: new Date().toISOString() },
    },
    { name: `q '${TICKET_Q}' (free text)`, filter: { q: TICKET_Q } },
  ];
  const state = filters.map(f => ({
    ...f,
    times: [] as number[],
    spent: 0,
    hits: 0,
    statements: [] as string[],
  }));
  // warm-up (up to 3 runs or 5 s), and the statements each filter sends
  for (const s of state) {
    const seen: string[] = [];
    const onQuery = (q: any) => seen.push(q.sql);
    k.on('query', onQuery);
    const t0 = now();
    const page = await within(
      `query ${s.name}`,
      CALL_TIMEOUT_MS,
      store.query(s.filter, { limit: 50 }),
    );
    k.off('query', onQuery);
    s.hits = page.length;
    s.statements = seen;
    for (let i = 0; i < 2 && now() - t0 < 5000; i++) {
      await within(
        `query ${s.name}`,
        CALL_TIMEOUT_MS,
        store.query(s.filter, { limit: 50 }),
      );
    }
  }
  for (let r = 0; r < RUNS; r++) {
    for (const s of state) {
      if (s.spent > QUERY_BUDGET_MS) continue;
      profile.reset(`query ${s.name}`);
      const t0 = now();
      await within(
        `query ${s.name}`,
        CALL_TIMEOUT_MS,
        store.query(s.filter, { limit: 50 }),
      );
      const ms = now() - t0;
      s.times.push(ms);
      s.spent += ms;
    }
  }
  profile.reset('none');
  const refP95 = percentile(state[0].times, 95);
  const out: Record<string, any> = {};
  for (const s of state) {
    const p95 = percentile(s.times, 95);
    const p50 = percentile(s.times, 50);
    const db = profile.of(`query ${s.name}`);
    const dbMs = Object.values(db).reduce((a, b) => a + b.ms, 0);
    const total = s.times.reduce((a, b) => a + b, 0);
    out[s.name] = {
      filter: s.filter,
      runs: s.times.length,
      p50: round(p50),
      p95: round(p95),
      max: round(Math.max(...s.times)),
      rowsOnFirstPage: s.hits,
      dbShare: round(dbMs / total, 2),
      dbMsByStatement: db,
      statements: s.statements,
    };
    log(
      `query ${s.name}: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(
        1,
      )} ms over ${s.times.length} runs, ${s.hits} rows; db ${JSON.stringify(
        db,
      )}`,
    );
    const isRef = s === state[0];
    rows.push({
      figure: `3. first page, ${s.name}${
        s.times.length < RUNS ? ` [${s.times.length} runs]` : ''
      }`,
      value: `p95 ${p95.toFixed(1)} ms`,
      reference: isRef ? '-' : `p95 ${refP95.toFixed(1)} ms unfiltered`,
      ratio: isRef ? '1.00 x' : `${(p95 / refP95).toFixed(2)} x`,
      target: '<= 50 ms',
      pass: p95 <= 50,
    });
  }
  // where the slow ones spend their time: PostgreSQL's plan and timing of each statement
  for (const s of state) {
    if (out[s.name].p95 <= 50) continue;
    out[s.name].explain = await captureExplain(k, store, s.filter);
    for (const e of out[s.name].explain) {
      log(`EXPLAIN ANALYZE for ${s.name}: ${e.sql}\n  ${e.plan.join('\n  ')}`);
    }
  }
  return out;
}

/** EXPLAIN (ANALYZE, BUFFERS) of each audit_events statement store.query sends for a filter. */
async function captureExplain(k: Knex, store: DatabaseAuditStore, filter: any) {
  const captured: Array<{ sql: string; bindings: unknown[] }> = [];
  const onQuery = (q: any) => {
    if (q.sql?.startsWith('select * from "audit_events"'))
      captured.push({ sql: q.sql, bindings: q.bindings });
  };
  k.on('query', onQuery);
  await within(
    'query for EXPLAIN',
    CALL_TIMEOUT_MS,
    store.query(filter, { limit: 50 }),
  );
  k.off('query', onQuery);
  // the captured SQL has pg's $1..$n already: hand it to the driver as is
  const client = (await k.client.acquireConnection()) as any;
  try {
    const plans = [];
    for (const c of captured) {
      const res = await client.query(
        `EXPLAIN (ANALYZE, BUFFERS) ${c.sql}`,
        c.bindings,
      );
      const plan: string[] = res.rows.map((r: any) => r['QUERY PLAN']);
      plans.push({
        sql: c.sql,
        plan:
          plan.length > 14
            ? [...plan.slice(0, 8), '...', ...plan.slice(-3)]
            : plan,
      });
    }
    return plans;
  } finally {
    await k.client.releaseConnection(client);
  }
}

// ---- 4. export -------------------------------------------------------------------

function runPsqlCopy(
  toDevNull: boolean,
): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const out = toDevNull ? fs.openSync('/dev/null', 'w') : 'pipe';
    const t0 = now();
    const p = spawn(
      'psql',
      [
        '-h',
        PG.host,
        '-p',
        String(PG.port),
        '-U',
        PG.user,
        '-d',
        DB,
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        '\\copy (select * from audit_events order by seq) to stdout with csv',
      ],
      { stdio: ['ignore', out, 'pipe'] },
    );
    let bytes = 0;
    let err = '';
    p.stdout?.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    p.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const timer = setTimeout(() => p.kill('SIGKILL'), PSQL_TIMEOUT_MS);
    p.on('exit', code => {
      clearTimeout(timer);
      if (typeof out === 'number') fs.closeSync(out);
      if (code !== 0)
        reject(new Error(`psql \\copy exited ${code}: ${err.slice(0, 300)}`));
      else resolve({ ms: now() - t0, bytes });
    });
  });
}

/** The export server's process.memoryUsage() maxima (bytes) since the last reset. */
const memMax: Record<string, number> = {
  rss: 0,
  heapTotal: 0,
  heapUsed: 0,
  external: 0,
  arrayBuffers: 0,
};
const resetMemMax = () => {
  for (const key of Object.keys(memMax)) memMax[key] = 0;
};
const memMb = () =>
  Object.fromEntries(
    Object.entries(memMax).map(([k, v]) => [k, round(v / 2 ** 20, 1)]),
  );

async function startServer(): Promise<{
  port: number;
  pid: number;
  stderr: () => string;
}> {
  const p = spawn(
    nodeBin(),
    [
      '--require',
      '@backstage/cli/config/nodeTransform.cjs',
      'bench/audit-export-server.ts',
      DB,
      '--mem-log',
    ],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  child = p;
  let stderr = '';
  let partial = '';
  p.stderr!.on('data', (c: Buffer) => {
    const lines = (partial + c.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('MEM ')) {
        const m = JSON.parse(line.slice(4));
        for (const key of Object.keys(memMax))
          memMax[key] = Math.max(memMax[key], m[key] ?? 0);
        continue;
      }
      stderr += `${line}\n`;
    }
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  const info = await within(
    'the export server to start',
    90_000,
    new Promise<{ port: number; pid: number }>((resolve, reject) => {
      let out = '';
      p.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const line = out.split('\n').find(l => l.startsWith('{'));
        if (line) resolve(JSON.parse(line));
      });
      p.on('exit', code =>
        reject(
          new Error(`export server exited ${code}: ${stderr.slice(-1000)}`),
        ),
      );
    }),
  );
  return { ...info, stderr: () => stderr };
}

function get(
  port: number,
  path: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path, timeout: 60_000 },
      res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', c => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`GET ${path}: no answer in 60 s`)),
    );
    req.on('error', reject);
  });
}

interface ExportRun {
  completed: boolean;
  why?: string;
  ms: number;
  bytes: number;
  lines: number;
  maxRssKb: number;
  exportId: string;
  samples: number;
}

/**
 * Streams one export to /dev/null, sampling the server's RSS every 100 ms.
 * Gives up after capMs (closing the connection) and reports how far it got.
 */
function exportOnce(port: number, pid: number, format: string, capMs: number) {
  return new Promise<ExportRun>(resolve => {
    let maxRssKb = 0;
    let samples = 0;
    const sample = () => {
      try {
        maxRssKb = Math.max(maxRssKb, rssKb(pid));
        samples += 1;
      } catch {
        // the process ended
      }
    };
    const timer = setInterval(sample, 100);
    const t0 = now();
    let bytes = 0;
    let lines = 0;
    let exportId = '';
    let settled = false;
    const finish = (completed: boolean, why?: string) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      clearTimeout(cap);
      sample();
      resolve({
        completed,
        why,
        ms: now() - t0,
        bytes,
        lines,
        maxRssKb,
        exportId,
        samples,
      });
    };
    const sink = fs.createWriteStream('/dev/null');
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path: `/api/audit-log/export?format=${format}`,
      },
      res => {
        exportId = String(res.headers['x-audit-export-id'] ?? '');
        if (res.statusCode !== 200) {
          res.resume();
          finish(false, `HTTP ${res.statusCode}`);
          return;
        }
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1))
            lines += 1;
        });
        res.on('aborted', () =>
          finish(false, 'the server broke off the stream'),
        );
        res.on('error', e => finish(false, e.message));
        res.pipe(sink);
        sink.on('finish', () => finish(true));
      },
    );
    const cap = setTimeout(() => {
      finish(false, `stopped after the ${Math.round(capMs / 1000)} s cap`);
      req.destroy();
    }, capMs);
    req.on('error', e => finish(false, e.message));
  });
}

/** Both formats from one fresh server process; the RSS baseline is taken before the first. */
async function exportRound(capMs: number) {
  let server = await startServer();
  log(`export server: pid ${server.pid}, port ${server.port}`);
  const warm = await get(
    server.port,
    '/api/audit-log/events?target=component:default/c1&limit=5',
  );
  if (warm.status !== 200)
    throw new Error(
      `export server: GET /events: HTTP ${warm.status} ${warm.body.slice(
        0,
        300,
      )}`,
    );
  await sleep(1000);
  const baseline: number[] = [];
  for (let i = 0; i < 5; i++) {
    baseline.push(rssKb(server.pid));
    await sleep(100);
  }
  const preFirstKb = percentile(baseline, 50);
  const results: Record<string, any> = {
    rssBeforeFirstExportMb: round(preFirstKb / 1024, 1),
  };
  for (const format of ['csv', 'ndjson']) {
    if (child?.exitCode !== null || child?.signalCode) {
      log(
        `the export server died (${
          child?.exitCode ?? child?.signalCode
        }); starting another`,
      );
      server = await startServer();
    }
    const preKb = rssKb(server.pid);
    resetMemMax();
    await sleep(250);
    const memBefore = memMb();
    resetMemMax();
    const r = await exportOnce(server.port, server.pid, format, capMs);
    const memDuring = memMb();
    await sleep(200);
    const died = child?.exitCode !== null || Boolean(child?.signalCode);
    let rowCount: number | undefined;
    if (r.completed && !died) {
      const manifest = await get(
        server.port,
        `/api/audit-log/exports/${r.exportId}/manifest`,
      );
      if (manifest.status === 200)
        rowCount = JSON.parse(manifest.body).rowCount;
      else r.why = `no manifest (HTTP ${manifest.status})`;
    }
    const rows = rowCount ?? Math.max(0, r.lines - (format === 'csv' ? 1 : 0));
    results[format] = {
      completed: r.completed && rowCount !== undefined,
      why: r.why,
      serverDied: died
        ? `${child?.exitCode ?? child?.signalCode}: ${server
            .stderr()
            .slice(-500)}`
        : undefined,
      seconds: round(r.ms / 1000, 2),
      bytes: r.bytes,
      rows,
      rowsFrom: rowCount !== undefined ? 'manifest' : 'lines received',
      mbPerSecond: round(r.bytes / 1e6 / (r.ms / 1000), 2),
      rowsPerSecond: Math.round(rows / (r.ms / 1000)),
      rssBeforeMb: round(preKb / 1024, 1),
      rssMaxMb: round(r.maxRssKb / 1024, 1),
      rssGrowthOverThisExportMb: round((r.maxRssKb - preKb) / 1024, 1),
      rssGrowthOverFirstBaselineMb: round((r.maxRssKb - preFirstKb) / 1024, 1),
      rssSamples: r.samples,
      memoryUsageBeforeMb: memBefore,
      memoryUsageMaxDuringMb: memDuring,
    };
    log(`export ${format}: ${JSON.stringify(results[format])}`);
  }
  killChild();
  child = undefined;
  return results;
}

function exportRows(
  results: Record<string, any>,
  ref: { rowsPerS: number; mbPerS: number },
) {
  for (const format of ['csv', 'ndjson']) {
    const r = results[format];
    const ratio = r.rowsPerSecond / ref.rowsPerS;
    const size = r.completed
      ? `${int(r.rows)} rows, ${(r.bytes / 1e6).toFixed(0)} MB`
      : `INCOMPLETE: ${int(r.rows)} rows in ${r.seconds} s, ${r.why}${
          r.serverDied ? ', server died' : ''
        }`;
    rows.push({
      figure: `4. export ${format} (${size})`,
      value: `${r.mbPerSecond} MB/s, ${int(r.rowsPerSecond)} rows/s`,
      reference: `psql \\copy ${ref.mbPerS.toFixed(1)} MB/s, ${int(
        ref.rowsPerS,
      )} rows/s`,
      ratio: `${ratio.toFixed(3)} x (rows/s)`,
      target: '>= 0.5 x',
      pass: r.completed && ratio >= 0.5,
    });
  }
  const worst = Math.max(
    results.csv.rssGrowthOverFirstBaselineMb,
    results.ndjson.rssGrowthOverFirstBaselineMb,
  );
  rows.push({
    figure: '4. export RSS growth (max of both, over RSS before the first)',
    value: `${worst.toFixed(1)} MB (csv ${
      results.csv.rssGrowthOverThisExportMb
    }, ndjson ${results.ndjson.rssGrowthOverThisExportMb} over own start)`,
    reference: `${results.rssBeforeFirstExportMb} MB RSS before`,
    ratio: `${(worst / results.rssBeforeFirstExportMb).toFixed(2)} x`,
    target: '<= 100 MB',
    pass: worst <= 100,
  });
}

async function exports(k: Knex) {
  const rowsBefore = await countEvents(k);
  log(`psql \\copy reference on ${int(rowsBefore)} rows`);
  const refA = await runPsqlCopy(true);
  const refBytes = await runPsqlCopy(false);
  log(
    `  psql > /dev/null ${(refA.ms / 1000).toFixed(2)} s; piped ${(
      refBytes.ms / 1000
    ).toFixed(2)} s, ${int(refBytes.bytes)} bytes`,
  );

  const product = await exportRound(EXPORT_CAP_MS);

  const refC = await runPsqlCopy(true);
  const refMs = Math.min(refA.ms, refC.ms);
  const rowsAfter = await countEvents(k);
  const ref = {
    rowsPerS: (rowsBefore / refMs) * 1000,
    mbPerS: refBytes.bytes / 1e6 / (refMs / 1000),
  };
  log(
    `  psql > /dev/null again: ${(refC.ms / 1000).toFixed(
      2,
    )} s (reference: the faster, ${(refMs / 1000).toFixed(2)} s)`,
  );
  details.export = {
    psql: {
      rows: rowsBefore,
      rowsAfterExports: rowsAfter,
      bytes: refBytes.bytes,
      secondsToDevNull: [round(refA.ms / 1000, 2), round(refC.ms / 1000, 2)],
      secondsPiped: round(refBytes.ms / 1000, 2),
      rowsPerSecond: Math.round(ref.rowsPerS),
      mbPerSecond: round(ref.mbPerS, 1),
    },
    capSecondsForProduct: EXPORT_CAP_MS / 1000,
    product,
  };
  exportRows(product, ref);
}

// ---- 5. verify --------------------------------------------------------------------

async function verify(k: Knex, store: DatabaseAuditStore) {
  const scan = async () => {
    const t0 = now();
    await k.raw('SELECT count(*), max(hash) FROM audit_events');
    return now() - t0;
  };
  const refs = [await scan()];
  profile.reset('verify');
  const t0 = now();
  const result = await within('store.verify()', 10 * 60_000, store.verify());
  const ms = now() - t0;
  profile.reset('none');
  refs.push(await scan(), await scan());
  const refMs = percentile(refs, 50);
  log(
    `verify: ${JSON.stringify(result)} in ${(ms / 1000).toFixed(
      2,
    )} s; scan ${refs.map(r => r.toFixed(0)).join(', ')} ms`,
  );
  const dbMs = Object.values(profile.of('verify')).reduce(
    (a, b) => a + b.ms,
    0,
  );
  details.verify = {
    seconds: round(ms / 1000, 2),
    checked: result.checked,
    ok: result.ok,
    brokenAt: result.brokenAt,
    scanMs: refs.map(r => Math.round(r)),
    dbMsByStatement: profile.of('verify'),
    dbShare: round(dbMs / ms, 2),
  };
  if (!result.ok)
    throw new Error(
      `the chain does not verify: ${JSON.stringify(result.brokenAt)}`,
    );
  rows.push({
    figure: `5. verify (${int(result.checked)} events)`,
    value: `${(ms / 1000).toFixed(2)} s`,
    reference: `${(refMs / 1000).toFixed(2)} s count(*), max(hash) scan`,
    ratio: `${(ms / refMs).toFixed(1)} x`,
    target: '<= 10 s',
    pass: ms <= 10_000,
  });
}

// ---- main -------------------------------------------------------------------------

function printTable(table: Row[]) {
  const head: Row = {
    figure: 'figure',
    value: 'value',
    reference: 'reference',
    ratio: 'ratio',
    target: 'target',
    pass: null,
  };
  const cols: Array<keyof Row> = [
    'figure',
    'value',
    'reference',
    'ratio',
    'target',
  ];
  const cell = (r: Row, c: keyof Row) => String(r[c]);
  const widths = cols.map(c =>
    Math.max(...[head, ...table].map(r => cell(r, c).length)),
  );
  const line = (r: Row, verdict: string) =>
    `${cols
      .map((c, i) => cell(r, c).padEnd(widths[i]))
      .join(' | ')} | ${verdict}`;
  console.log(line(head, 'result'));
  console.log(`${widths.map(w => '-'.repeat(w)).join('-|-')}-|-------`);
  for (const r of table)
    console.log(line(r, r.pass === null ? '-' : r.pass ? 'PASS' : 'FAIL'));
}

async function main() {
  const started = new Date();
  log(
    `audit-log benchmark on ${machine()}, load ${load()}, tree ${treeState()}`,
  );
  log(
    `database ${DB}: ${int(TOTAL)} events, ingest ${int(
      INGEST,
    )} by ${CONCURRENCY} callers, ${RUNS} runs per query`,
  );
  const admin = await pgClient();
  try {
    await admin.query(`CREATE DATABASE "${DB}"`);
    dbCreated = true;
  } finally {
    await admin.end();
  }
  knex = knexFactory({
    client: 'pg',
    connection: { host: PG.host, port: PG.port, user: PG.user, database: DB },
    pool: { min: 0, max: 10 },
  });
  attachProfiler(knex);
  const store = await DatabaseAuditStore.create({
    database: {
      getClient: async () => knex,
      migrations: { skip: false },
    } as any,
  });
  const loads: Record<string, string> = { start: load() };

  const phases: Array<[string, () => Promise<void>]> = [
    ['ingest', () => ingest(knex!, store)],
    ['fill', () => fill(knex!, store)],
    [
      'queries',
      async () => {
        details.queries = await queries(knex!, store);
      },
    ],
    ['export', () => exports(knex!)],
    ['verify', () => verify(knex!, store)],
  ];
  const phaseSeconds: Record<string, number> = {};
  for (const [name, phase] of phases) {
    log(`== ${name} (load ${load()})`);
    const t0 = now();
    await phase();
    phaseSeconds[name] = round((now() - t0) / 1000, 1);
    loads[name] = load();
  }
  const tableSize = await knex.raw(
    "SELECT pg_size_pretty(pg_total_relation_size('audit_events')) AS total, pg_size_pretty(pg_relation_size('audit_events')) AS heap",
  );

  console.log();
  printTable(rows);
  const result = {
    benchmark: 'audit-log',
    command:
      'node --require @backstage/cli/config/nodeTransform.cjs bench/audit-log.ts',
    args: process.argv.slice(2),
    startedAt: started.toISOString(),
    durationSeconds: round((Date.now() - started.getTime()) / 1000, 1),
    machine: machine(),
    tree: treeState(),
    loadAverage1m: loads,
    phaseSeconds,
    database: DB,
    parameters: {
      events: TOTAL,
      ingest: INGEST,
      concurrency: CONCURRENCY,
      runs: RUNS,
      fillBurst: FILL_BURST,
      knexPoolMax: 10,
    },
    tableSize: tableSize.rows[0],
    summary: rows,
    details,
  };
  const dir = join(ROOT, 'bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const file = join(dir, `audit-log-${DATE}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${file}`);
  return rows.some(r => r.pass === false) ? 1 : 0;
}

main()
  .then(async code => {
    await cleanup();
    process.exit(code);
  })
  .catch(async error => {
    log(`failed: ${error?.stack ?? error}`);
    await cleanup();
    process.exit(2);
  });
