// Audit reports (docs/audit-reports.md) on PostgreSQL: a quarter's SOC 2
// report over --events events (1,000,000 by default), against the signed CSV
// export of the same range, in the same run.
//
//   node --require @backstage/cli/config/nodeTransform.cjs bench/audit-reports.ts [--events=1000000] [--runs=2] [--limit-min=60]
//
// Creates a fresh database bench_reports_<timestamp> (dropped at the end,
// whatever happens) and fills it through the real DatabaseAuditStore
// (store.append in bursts of 5,000, hash chain and all, as bench/audit-log.ts
// fills) with a quarter of events: the mix of bench/audit-log.ts (catalog,
// scaffolder, auth, flags, admin; 12 % high or critical, 10 % failed) plus the
// actions the report reads (change requests and approvals, impersonation
// sessions with their requests, erasures, refused tokens). Then, in child
// processes so that each peak RSS is its own (bench/audit-report-worker.ts),
// export, report, report, export, ...: --runs of each; median time, highest
// peak RSS. Target: the report takes no more than 1.5 x the export's time
// and no more than 1.5 x its peak RSS.
//
// Prints the table and writes bench/results/audit-reports-<date>.json.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import knexFactory, { Knex } from 'knex';
import {
  DatabaseAuditStore,
  ulid,
} from '@internal/backstage-plugin-audit-log-node';
import {
  installSignalHandlers,
  load,
  log,
  machine,
  nodeBin,
  pgClient,
  PG,
  ROOT,
  treeState,
} from './lib.mjs';

const arg = (name: string, dflt: number) => {
  const found = process.argv.find(a => a.startsWith(`--${name}=`));
  return found ? Number(found.split('=')[1]) : dflt;
};
const TOTAL = arg('events', 1_000_000);
const RUNS = arg('runs', 2);
const LIMIT_MIN = arg('limit-min', 60);
const BURST = 5000;
const TARGET_RATIO = 1.5;
const stamp = new Date()
  .toISOString()
  .replace(/[^0-9]/g, '')
  .slice(0, 14);
const DB = `bench_reports_${stamp}`;
const DATE = new Date().toISOString().slice(0, 10);
/** The bench's quarter: the last whole one. */
const NOW = new Date();
const Q_MONTH = NOW.getUTCMonth() - (NOW.getUTCMonth() % 3);
const FROM = new Date(Date.UTC(NOW.getUTCFullYear(), Q_MONTH - 3, 1));
const TO = new Date(Date.UTC(NOW.getUTCFullYear(), Q_MONTH, 1));

let knex: Knex | undefined;
let dbCreated = false;
async function cleanup() {
  if (knex) await knex.destroy().catch(() => {});
  knex = undefined;
  if (dbCreated) {
    dbCreated = false;
    const client = await pgClient();
    try {
      await client.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
      log(`dropped database ${DB}`);
    } finally {
      await client.end();
    }
  }
}
installSignalHandlers(cleanup);
setTimeout(async () => {
  log(`hard limit of ${LIMIT_MIN} min reached: cleaning up and stopping`);
  await cleanup();
  process.exit(2);
}, LIMIT_MIN * 60_000).unref();

// deterministic mix
let seed = 20261201;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(items: readonly T[]) =>
  items[Math.floor(rand() * items.length)];
const USERS = [
  'eli.martin',
  'priya.nair',
  'amara.okafor',
  'chen.wei',
  'sam.okafor',
  'lena.fischer',
  'marco.rossi',
  'aiko.tanaka',
].map(n => `user:default/${n}`);
const ROUTINE: Array<[string, string]> = [
  ['catalog', 'entity-mutate'],
  ['catalog', 'entity-fetch'],
  ['catalog', 'location-mutate'],
  ['scaffolder', 'task'],
  ['scaffolder', 'template-parameter-schema'],
  ['auth', 'auth-login'],
  ['auth', 'auth-refresh'],
  ['feature-flags', 'flag-read'],
  ['admin', 'impersonation-request'],
  ['admin', 'maintenance-write-refused'],
];
const EVIDENCE: Array<[string, string]> = [
  ['feature-flags', 'change-request-create'],
  ['feature-flags', 'change-request-approve'],
  ['feature-flags', 'flag-toggle'],
  ['feature-flags', 'flag-strategy-update'],
  ['admin', 'impersonation-start'],
  ['admin', 'impersonation-stop'],
  ['admin', 'impersonation-token-refused'],
  ['audit-log', 'subject-export'],
  ['audit-log', 'subject-erase'],
];

/** One action: initiated and its outcome, 40 ms apart. */
function actionPair(ts: Date, i: number) {
  const [plugin, action] = rand() < 0.02 ? pick(EVIDENCE) : pick(ROUTINE);
  const r = rand();
  const severity = r < 0.02 ? 'critical' : r < 0.12 ? 'high' : 'medium';
  const actor = { type: 'user' as const, ref: pick(USERS) };
  const meta: Record<string, unknown> = {
    note: 'bench',
    sessionId: `s${i % 500}`,
    changeRequestId: `cr${i % 3000}`,
  };
  if (action === 'task') meta.actionType = rand() < 0.05 ? 'create' : 'get';
  if (action.startsWith('change-request'))
    Object.assign(meta, {
      environment: 'production',
      enabled: true,
      reason: 'bench change',
    });
  const id = ulid();
  const failed = rand() < 0.1;
  const common = {
    actor,
    plugin,
    action,
    severity: severity as any,
    target: `component:default/c${i % 2000}`,
    ip: `10.0.${i % 256}.${i % 200}`,
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
            'AuthenticationError: token refused',
            'ConflictError: changed meanwhile',
          ])
        : undefined,
      meta,
    },
  ];
}

async function fill(store: DatabaseAuditStore) {
  const span = TO.getTime() - FROM.getTime() - 60_000;
  const t0 = performance.now();
  let added = 0;
  let lastLog = performance.now();
  while (added < TOTAL) {
    const burst: Promise<unknown>[] = [];
    while (burst.length < BURST && added < TOTAL) {
      for (const e of actionPair(
        new Date(FROM.getTime() + Math.floor((added / TOTAL) * span)),
        added,
      )) {
        if (added >= TOTAL) break;
        burst.push(store.append(e));
        added += 1;
      }
    }
    await Promise.all(burst);
    if (performance.now() - lastLog > 15_000) {
      lastLog = performance.now();
      log(
        `  ${added.toLocaleString('en-US')} events, ${Math.round(
          (added / (performance.now() - t0)) * 1000,
        )} events/s, load ${load()}`,
      );
    }
  }
  log(
    `filled ${TOTAL.toLocaleString('en-US')} events in ${(
      (performance.now() - t0) /
      1000
    ).toFixed(0)} s`,
  );
}

function worker(mode: 'report' | 'export'): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      nodeBin(),
      [
        '--require',
        '@backstage/cli/config/nodeTransform.cjs',
        'bench/audit-report-worker.ts',
        DB,
        mode,
        FROM.toISOString(),
        TO.toISOString(),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', d => (out += d));
    child.stderr.on('data', d => (err += d));
    child.on('exit', code =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!))
        : reject(
            new Error(`${mode} worker exited ${code}: ${err.slice(-2000)}`),
          ),
    );
  });
}

const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function main() {
  log(
    `audit-reports benchmark on ${machine()}, load ${load()}, ${TOTAL.toLocaleString(
      'en-US',
    )} events in ${FROM.toISOString().slice(0, 10)} .. ${TO.toISOString().slice(
      0,
      10,
    )}`,
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
    connection: { ...PG, database: DB },
    pool: { min: 0, max: 10 },
  });
  const store = await DatabaseAuditStore.create({
    database: {
      getClient: async () => knex,
      migrations: { skip: false },
    } as any,
  });
  await fill(store);
  await knex.raw('VACUUM (ANALYZE) audit_events');
  await knex.raw('CHECKPOINT');
  const runs: Record<'report' | 'export', Array<Record<string, any>>> = {
    report: [],
    export: [],
  };
  for (let i = 0; i < RUNS; i++) {
    for (const mode of (i % 2 === 0
      ? ['export', 'report']
      : ['report', 'export']) as Array<'report' | 'export'>) {
      const r = await worker(mode);
      log(`${mode}: ${JSON.stringify(r)} (load ${load()})`);
      runs[mode].push(r);
    }
  }
  const reportMs = median(runs.report.map(r => r.ms));
  const exportMs = median(runs.export.map(r => r.ms));
  const reportRss = Math.max(...runs.report.map(r => r.maxRssMb));
  const exportRss = Math.max(...runs.export.map(r => r.maxRssMb));
  const rows = [
    {
      figure: 'time (median)',
      report: `${(reportMs / 1000).toFixed(1)} s`,
      export: `${(exportMs / 1000).toFixed(1)} s`,
      ratio: +(reportMs / exportMs).toFixed(2),
      pass: reportMs <= TARGET_RATIO * exportMs,
    },
    {
      figure: 'peak RSS (highest)',
      report: `${reportRss} MB`,
      export: `${exportRss} MB`,
      ratio: +(reportRss / exportRss).toFixed(2),
      pass: reportRss <= TARGET_RATIO * exportRss,
    },
  ];
  console.table(rows);
  const result = {
    benchmark: 'audit-reports',
    command:
      'node --require @backstage/cli/config/nodeTransform.cjs bench/audit-reports.ts',
    args: process.argv.slice(2),
    machine: machine(),
    tree: treeState(),
    load: load(),
    period: { from: FROM.toISOString(), to: TO.toISOString() },
    events: TOTAL,
    target: `report <= ${TARGET_RATIO} x export, in time and in peak RSS`,
    summary: rows,
    runs,
  };
  const dir = join(ROOT, 'bench/results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    join(dir, `audit-reports-${DATE}.json`),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  return rows.every(r => r.pass) ? 0 : 1;
}

main()
  .then(async code => {
    await cleanup();
    process.exit(code);
  })
  .catch(async e => {
    log(`failed: ${(e as Error).stack}`);
    await cleanup();
    process.exit(1);
  });
