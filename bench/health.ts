// Health probes and SLOs at 1,000 endpoints, on PostgreSQL.
//
//   node --require @backstage/cli/config/nodeTransform.cjs bench/health.ts \
//     [--endpoints=1000] [--rounds=3] [--requests=200]
//
// Creates a fresh database bench_health_<timestamp>_main (dropped at the end).
// 1. Probing CPU: --endpoints URLs on local HTTP servers (bench/health-servers.mjs,
//    a child process, so their CPU is not counted), probed by the plugin's
//    ProbeRunner + HttpProber (concurrency 32, address policy, body cap, one
//    connection per probe) and, interleaved, by the reference: a bare loop of
//    `fetch` with the same concurrency over the same URLs. CPU (user + system
//    of this process) per round, as a share of one core at one round per 30 s.
// 2. Fills 30 days of history for every endpoint: day rollups for 90 days,
//    hour rollups for 30 days, minute rollups for the last 6 hours (all the
//    SLO computation reads), 1 hour of raw probes.
// 3. SLO and budget computation for all endpoints (SloEvaluator.evaluate:
//    9 window sums from running totals, burn rates, uptime strips), --rounds
//    times after one warm-up whose summaries are saved (as each probing run
//    does, so the strips of earlier days are kept); target <= 1 s.
// 4. The Health page's API (DefaultHealthService.listVisible + JSON
//    serialisation, i.e. everything behind GET /entities but the catalog's
//    visibility call), --requests times; target p95 <= 100 ms.
// Prints the figures and one line RESULT {...}.
import { DEFAULT_HEALTH_OBJECTIVES } from '@internal/backstage-plugin-health-common';
import { ConfigReader } from '@backstage/config';
import { CapabilityUrlResolver } from '@internal/backstage-plugin-stackpro-common';
import knexFactory, { Knex } from 'knex';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { AddressPolicy } from '../plugins/health-backend/src/probe/AddressPolicy';
import { HttpProber } from '../plugins/health-backend/src/probe/HttpProber';
import { ProbeRunner } from '../plugins/health-backend/src/probe/ProbeRunner';
import { DefaultHealthService } from '../plugins/health-backend/src/service/HealthService';
import { SloEvaluator } from '../plugins/health-backend/src/service/SloEvaluator';
import { DatabaseHealthStore } from '../plugins/health-backend/src/store/DatabaseHealthStore';
import { HISTOGRAM_COLUMNS } from '../plugins/health-backend/src/slo/histogram';
import {
  dropDatabases,
  fmt,
  load,
  log,
  machine,
  now,
  percentile,
  pgClient,
  PG,
  ROOT,
  treeState,
} from './lib.mjs';

const arg = (name: string, fallback: number) => {
  const hit = process.argv.find(a => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : fallback;
};
const ENDPOINTS = arg('endpoints', 1000);
const ROUNDS = arg('rounds', 3);
const REQUESTS = arg('requests', 200);
const CONCURRENCY = 32;
const INTERVAL_S = 30;
const SERVERS = 4;
const TARGETS = { listP95Ms: 100, sloMs: 1000 };
const prefix = `bench_health_${Date.now()}_`;
const DB = `${prefix}main`;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let knex: Knex | undefined;
let servers: ReturnType<typeof spawn> | undefined;

async function startServers(): Promise<number[]> {
  servers = spawn(
    process.execPath,
    [join(ROOT, 'bench/health-servers.mjs'), String(SERVERS)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: servers.stdout! });
  for await (const line of lines) {
    if (line.startsWith('PORTS ')) return line.slice(6).split(',').map(Number);
  }
  throw new Error('the health servers did not start');
}

function cpuMs(fn: () => Promise<unknown>) {
  return async () => {
    const before = process.cpuUsage();
    const t0 = now();
    await fn();
    const used = process.cpuUsage(before);
    return { cpuMs: (used.user + used.system) / 1000, wallMs: now() - t0 };
  };
}

async function fetchLoop(urls: string[]) {
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const url = urls[next++];
      const controller = AbortSignal.timeout(5000);
      const res = await fetch(url, { signal: controller });
      await res.text();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function probingCpu(urls: string[]) {
  const runner = ProbeRunner.create({
    prober: HttpProber.create({ policy: AddressPolicy.create() }),
    concurrency: CONCURRENCY,
    jitterMs: 0,
  });
  const targets = urls.map(url => ({ url }));
  const probe = cpuMs(async () => {
    const results = await runner.run(targets);
    const bad = results.filter(
      r => r.outcome.kind !== 'result' || r.outcome.result.status !== 'up',
    );
    if (bad.length)
      throw new Error(
        `${bad.length} probes were not up: ${JSON.stringify(bad[0].outcome)}`,
      );
  });
  const reference = cpuMs(() => fetchLoop(urls));
  await probe(); // warm both paths once
  await reference();
  const ours: number[] = [];
  const refs: number[] = [];
  const walls: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const a = await probe();
    const b = await reference();
    ours.push(a.cpuMs);
    refs.push(b.cpuMs);
    walls.push(a.wallMs);
  }
  return { ours, refs, walls };
}

/**
 * Copies the generated rollups into health_rollups with the running totals
 * the store keeps as it writes them, in the order probing writes them:
 * bucket after bucket, every entity's in each (a run writes all entities'
 * current buckets together), then the per-entity totals.
 */
async function withRunningTotals(db: Knex) {
  const counts = ['up', 'degraded', 'down', 'disabled', ...HISTOGRAM_COLUMNS];
  const runs = counts.map(c => `run_${c}`);
  const columns = [
    'entity_ref',
    'resolution',
    'bucket_start',
    'latency_max',
    ...counts,
  ];
  await db.raw(
    `INSERT INTO health_rollups (${[...columns, ...runs].join(', ')})
     SELECT ${columns.join(', ')}, ${counts
      .map(c => `SUM(${c}) OVER w`)
      .join(', ')}
     FROM bench_rollups
     WINDOW w AS (PARTITION BY entity_ref, resolution ORDER BY bucket_start)
     ORDER BY resolution, bucket_start, entity_ref`,
  );
  await db.raw('DROP TABLE bench_rollups');
  await db.raw(
    `INSERT INTO health_running (entity_ref, resolution, first_bucket, bucket_start, ${runs.join(
      ', ',
    )})
     SELECT DISTINCT ON (entity_ref, resolution) entity_ref, resolution,
       min(bucket_start) OVER (PARTITION BY entity_ref, resolution), bucket_start, ${runs.join(
         ', ',
       )}
     FROM health_rollups ORDER BY entity_ref, resolution, bucket_start DESC`,
  );
}

async function fill(db: Knex, t: number) {
  const t0 = now();
  const hist = HISTOGRAM_COLUMNS.map(c => c).join(', ');
  // latencies mostly 50-100 ms (bucket 3/4), some 150-200 ms; every 97th minute down
  const histValues = (n: string) =>
    HISTOGRAM_COLUMNS.map((_, i) =>
      i === 3 ? `${n} - 1` : i === 6 ? '1' : '0',
    ).join(', ');
  await db.raw(
    `INSERT INTO health_endpoints (entity_ref, kind, title, owner, system, stack, capability, url, annotations, problems, seen_at,
       last_status, last_at, last_latency_ms, last_http_status, down_streak, answer_streak)
     SELECT 'component:default/capability-' || g, 'Component', 'Capability ' || g, 'group:default/team-' || (g % 20),
       'system-' || (g % 50), 'stack-' || (g % 21), 'capability' || g, 'http://127.0.0.1/health/' || g, '{}', '[]', ${t},
       'up', ${t}, 60, 200, 0, 1
     FROM generate_series(0, ${ENDPOINTS - 1}) g`,
  );
  await db.raw(
    'CREATE UNLOGGED TABLE bench_rollups AS SELECT * FROM health_rollups WITH NO DATA',
  );
  const rollups = async (
    resolution: string,
    size: number,
    count: number,
    perBucket: number,
  ) =>
    db.raw(
      `INSERT INTO bench_rollups (entity_ref, resolution, bucket_start, up, degraded, down, disabled, latency_max, ${hist})
       SELECT 'component:default/capability-' || g, '${resolution}', ${
        Math.floor(t / size) * size
      } - b::bigint * ${size},
         ${perBucket} - CASE WHEN (g + b) % 97 = 0 THEN 1 ELSE 0 END - CASE WHEN (g + b) % 89 = 0 THEN 1 ELSE 0 END,
         CASE WHEN (g + b) % 89 = 0 THEN 1 ELSE 0 END, CASE WHEN (g + b) % 97 = 0 THEN 1 ELSE 0 END, 0, 180,
         ${histValues(String(perBucket))}
       FROM generate_series(0, ${ENDPOINTS - 1}) g, generate_series(0, ${
        count - 1
      }) b`,
    );
  const perMinute = MINUTE / (INTERVAL_S * 1000);
  await rollups('d', DAY, 90, perMinute * 1440);
  await rollups('h', HOUR, 30 * 24, perMinute * 60);
  await rollups('m', MINUTE, 6 * 60, perMinute);
  await withRunningTotals(db);
  await db.raw(
    `INSERT INTO health_probes (entity_ref, at, status, latency_ms, http_status)
     SELECT 'component:default/capability-' || g, ${t} - b::bigint * ${
      INTERVAL_S * 1000
    }, 'up', 60, 200
     FROM generate_series(0, ${ENDPOINTS - 1}) g, generate_series(0, ${
      3600 / INTERVAL_S - 1
    }) b`,
  );
  await db.raw('VACUUM ANALYZE');
  const { rows } = await db.raw(
    'SELECT count(*)::int AS n FROM health_rollups',
  );
  log(
    `filled ${rows[0].n.toLocaleString('en-US')} rollup rows in ${(
      (now() - t0) /
      1000
    ).toFixed(1)} s`,
  );
}

async function main() {
  log(`health benchmark on ${machine()}, load ${load()}, tree ${treeState()}`);
  const ports = await startServers();
  const urls = Array.from(
    { length: ENDPOINTS },
    (_, i) =>
      `http://127.0.0.1:${ports[i % ports.length]}/capability-${i}/v1/health`,
  );
  const cpu = await probingCpu(urls);
  const share = (ms: number) => ms / (INTERVAL_S * 1000);
  const oursMed = percentile(cpu.ours, 50);
  const refMed = percentile(cpu.refs, 50);
  log(
    `probing ${ENDPOINTS} endpoints: CPU ${fmt(oursMed)} per round (${(
      share(oursMed) * 100
    ).toFixed(2)} % of a core at one round per ${INTERVAL_S} s), ` +
      `bare fetch loop ${fmt(refMed)} (${(share(refMed) * 100).toFixed(
        2,
      )} %), ratio ${(oursMed / refMed).toFixed(2)}; round wall ${fmt(
        percentile(cpu.walls, 50),
      )}`,
  );

  const admin = await pgClient();
  try {
    await admin.query(`CREATE DATABASE "${DB}"`);
  } finally {
    await admin.end();
  }
  knex = knexFactory({
    client: 'pg',
    connection: { host: PG.host, port: PG.port, user: PG.user, database: DB },
  });
  const database = {
    getClient: async () => knex!,
    migrations: { skip: false },
  } as any;
  const store = await DatabaseHealthStore.create({ database });
  const t = Date.now();
  await fill(knex, t);

  const evaluator = SloEvaluator.create({
    store,
    defaults: DEFAULT_HEALTH_OBJECTIVES,
    intervalMs: INTERVAL_S * 1000,
  });
  const endpoints = await store.listEndpoints();
  const sloTimes: number[] = [];
  const saveTimes: number[] = [];
  for (let i = 0; i < ROUNDS + 1; i++) {
    const t0 = now();
    const evaluations = await evaluator.evaluate(endpoints, t);
    const t1 = now();
    await store.saveSlo(evaluations.map(e => e.record));
    if (i > 0) {
      sloTimes.push(t1 - t0);
      saveTimes.push(now() - t1);
    }
  }
  log(
    `SLO and budget computation for ${ENDPOINTS}: median ${fmt(
      percentile(sloTimes, 50),
    )}, max ${fmt(Math.max(...sloTimes))} ` +
      `(target <= ${TARGETS.sloMs} ms); saving the summaries ${fmt(
        percentile(saveTimes, 50),
      )}`,
  );

  const service = DefaultHealthService.create({
    store,
    catalog: undefined as any,
    resolver: CapabilityUrlResolver.fromConfig(new ConfigReader({})),
    defaults: DEFAULT_HEALTH_OBJECTIVES,
    intervalSeconds: INTERVAL_S,
  });
  const listTimes: number[] = [];
  let size = 0;
  for (let i = 0; i < REQUESTS + 5; i++) {
    const t0 = now();
    const body = JSON.stringify(await service.listVisible({}, { all: true }));
    if (i >= 5) listTimes.push(now() - t0);
    size = body.length;
  }
  const listP95 = percentile(listTimes, 95);
  log(
    `Health page API (${ENDPOINTS} entities, ${(size / 1024).toFixed(
      0,
    )} KiB): p50 ${fmt(percentile(listTimes, 50))}, p95 ${fmt(listP95)} ` +
      `(target <= ${TARGETS.listP95Ms} ms)`,
  );
  console.log(
    `RESULT ${JSON.stringify({
      endpoints: ENDPOINTS,
      probeCpuMsPerRound: Math.round(oursMed),
      fetchCpuMsPerRound: Math.round(refMed),
      probeCpuRatio: Number((oursMed / refMed).toFixed(2)),
      probeCoreShareAt30s: Number(share(oursMed).toFixed(4)),
      sloMedianMs: Math.round(percentile(sloTimes, 50)),
      listP95Ms: Math.round(listP95),
      load: load(),
    })}`,
  );
  if (listP95 > TARGETS.listP95Ms || percentile(sloTimes, 50) > TARGETS.sloMs)
    process.exitCode = 1;
}

main()
  .catch(e => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(async () => {
    servers?.kill();
    await knex?.destroy();
    await dropDatabases(prefix).catch(() => {});
  });
