// The four read endpoints under load, on PostgreSQL with Redis as production
// runs them: 50 connections for 30 s each, against the catalog's own
// GET /api/catalog/entities?limit=20 measured the same way right after.
//
//   node bench/read-endpoints.mjs [--connections=50] [--seconds=30] [--tickets=40]
//
// Starts the backend (as ./portal start does) on BENCH_PORT (default 7027)
// against fresh databases (prefix bench_reads_<timestamp>_) and Redis at
// 127.0.0.1:6379, raises a few support tickets so the audit log has events,
// then for each endpoint: 30 s of the endpoint, 30 s of the reference.
// Prints req/s and p50/p95/p99 of each and the ratios; drops the databases.
import http from 'node:http';
import { join } from 'node:path';
import {
  assertPortFree,
  BASE_URL,
  BENCH_PORT,
  dropDatabases,
  fmt,
  installSignalHandlers,
  isReady,
  load,
  log,
  machine,
  now,
  PG,
  preserveLog,
  portOverride,
  removeDir,
  ROOT,
  startBackend,
  summary,
  tempDir,
  treeState,
  userToken,
  waitUntil,
  writeYaml,
} from './lib.mjs';

const arg = (name, dflt) => {
  const a = process.argv.find(x => x.startsWith(`--${name}=`));
  return a ? a.split('=')[1] : dflt;
};
const CONNECTIONS = Number(arg('connections', 50));
const SECONDS = Number(arg('seconds', 30));
const TICKETS = Number(arg('tickets', 40));
const WARMUP_MS = 3_000;
const READY_TIMEOUT = 5 * 60_000;
const REQUEST_TIMEOUT = 30_000;
const TARGET_P99_MS = 500;

const REFERENCE = {
  name: 'catalog entities (reference)',
  path: '/api/catalog/entities?limit=20',
  user: 'eli.martin',
};
const ENDPOINTS = [
  {
    name: 'audit events',
    path: '/api/audit-log/events?limit=20',
    user: 'priya.nair',
  },
  { name: 'flags', path: '/api/feature-flags/flags', user: 'eli.martin' },
  { name: 'stacks', path: '/api/stacks/stacks', user: 'eli.martin' },
  { name: 'ADRs', path: '/api/adr/adrs', user: 'eli.martin' },
];

const stamp = new Date()
  .toISOString()
  .replace(/[-:]/g, '')
  .replace('T', 't')
  .slice(0, 15)
  .toLowerCase();
const prefix = `bench_reads_${stamp}_`;

/** `connections` clients, each sending its next request when the last answered. */
async function hammer(path, token, { connections, ms }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  const statuses = new Map();
  const end = now() + ms;
  const one = () =>
    new Promise(resolve => {
      const start = now();
      const req = http.request(
        `${BASE_URL}${path}`,
        {
          agent,
          headers: { authorization: `Bearer ${token}` },
          timeout: REQUEST_TIMEOUT,
        },
        res => {
          res.resume();
          res.on('end', () => {
            latencies.push(now() - start);
            statuses.set(
              res.statusCode,
              (statuses.get(res.statusCode) ?? 0) + 1,
            );
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        statuses.set('error', (statuses.get('error') ?? 0) + 1);
        resolve();
      });
      req.end();
    });
  const started = now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (now() < end) await one();
    }),
  );
  const elapsed = (now() - started) / 1000;
  agent.destroy();
  return {
    ...summary(latencies),
    rps: latencies.length / elapsed,
    statuses: Object.fromEntries(statuses),
  };
}

async function main() {
  await assertPortFree(BENCH_PORT);
  const dir = tempDir('bench-reads');
  const logFile = join(dir, 'backend.log');
  const config = writeYaml(join(dir, 'bench-config.yaml'), {
    ...portOverride(),
    backend: {
      ...portOverride().backend,
      database: { client: 'pg', connection: { ...PG }, prefix },
      cache: { store: 'redis', connection: 'redis://127.0.0.1:6379' },
    },
    auditLog: { export: { signingKeyFile: join(dir, 'key.pem') } },
  });
  let backend;
  const cleanup = async () => {
    await backend?.stop();
    await dropDatabases(prefix).catch(e =>
      log(`could not drop ${prefix}*: ${e.message}`),
    );
    removeDir(dir);
  };
  installSignalHandlers(cleanup);
  try {
    log(`machine: ${machine()}; load ${load()}; code ${treeState()}`);
    backend = startBackend({
      configs: [join(ROOT, 'app-config.yaml'), config],
      logFile,
    });
    await waitUntil('readiness', () => isReady(), { timeoutMs: READY_TIMEOUT });
    const tokens = {};
    await waitUntil(
      'sign-in and the catalog',
      async () => {
        tokens['eli.martin'] = await userToken('eli.martin');
        tokens['priya.nair'] = await userToken('priya.nair');
        const res = await fetch(
          `${BASE_URL}/api/catalog/entities/by-name/component/default/stackpro-messaging`,
          {
            headers: { authorization: `Bearer ${tokens['eli.martin']}` },
          },
        );
        return res.status === 200;
      },
      { timeoutMs: READY_TIMEOUT },
    );
    log(`raising ${TICKETS} tickets so the audit log has events`);
    for (let i = 0; i < TICKETS; i++) {
      const res = await fetch(`${BASE_URL}/api/support/tickets`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens['eli.martin']}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          entityRef: 'component:default/stackpro-messaging',
          type: 'question',
          priority: 'P4',
          title: `Benchmark ticket ${i}`,
          body: 'Raised by bench/read-endpoints.mjs',
        }),
      });
      if (res.status !== 201)
        throw new Error(`ticket: ${res.status} ${await res.text()}`);
    }
    const rows = [];
    for (const endpoint of ENDPOINTS) {
      const first = await fetch(`${BASE_URL}${endpoint.path}`, {
        headers: { authorization: `Bearer ${tokens[endpoint.user]}` },
      });
      if (first.status !== 200) {
        // one endpoint failing does not cost the others their figures
        log(
          `${endpoint.path} answers ${first.status}, not measured: ${(
            await first.text()
          ).slice(0, 300)}`,
        );
        process.exitCode = 1;
        continue;
      }
      for (const measured of [endpoint, REFERENCE]) {
        const token = tokens[measured.user];
        const check = await fetch(`${BASE_URL}${measured.path}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        if (check.status !== 200)
          throw new Error(
            `${measured.path}: ${check.status} ${await check.text()}`,
          );
        await hammer(measured.path, token, {
          connections: CONNECTIONS,
          ms: WARMUP_MS,
        });
        const loadBefore = load();
        log(
          `${measured.name}: ${CONNECTIONS} connections for ${SECONDS} s (load ${loadBefore})`,
        );
        const result = await hammer(measured.path, token, {
          connections: CONNECTIONS,
          ms: SECONDS * 1000,
        });
        rows.push({
          endpoint: endpoint.name,
          measured: measured.name,
          path: measured.path,
          load: `${loadBefore}/${load()}`,
          ...result,
        });
      }
    }
    console.log(
      `\nread endpoints, ${CONNECTIONS} connections x ${SECONDS} s each, PostgreSQL + Redis; ${machine()}; code ${treeState()}\n`,
    );
    console.log(
      '| endpoint | req/s | p50 | p95 | p99 | reference req/s | reference p99 | req/s ratio | statuses | load | p99 <= 500 ms |',
    );
    console.log(
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    const result = [];
    for (let i = 0; i < rows.length; i += 2) {
      const [e, r] = [rows[i], rows[i + 1]];
      result.push({
        endpoint: e.endpoint,
        rps: e.rps,
        p50: e.p50,
        p95: e.p95,
        p99: e.p99,
        referenceRps: r.rps,
        referenceP99: r.p99,
        statuses: e.statuses,
      });
      console.log(
        `| ${e.endpoint} (\`${e.path}\`) | ${e.rps.toFixed(0)} | ${fmt(
          e.p50,
          0,
        )} | ${fmt(e.p95, 0)} | ${fmt(e.p99, 0)} | ${r.rps.toFixed(0)} | ${fmt(
          r.p99,
          0,
        )} | ${(e.rps / r.rps).toFixed(2)} | ${JSON.stringify(e.statuses)} | ${
          e.load
        } | ${e.p99 <= TARGET_P99_MS ? 'met' : 'missed'} |`,
      );
    }
    console.log(`RESULT ${JSON.stringify(result)}`);
  } catch (e) {
    log(
      `failed: ${e.message}; backend log kept at ${preserveLog(
        logFile,
        'bench-reads',
      )}`,
    );
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

await main();
