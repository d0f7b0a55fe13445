// The ADR endpoints' warm latency: an entity with 200 decision records (the
// Decisions tab's list) and the portal-wide index over 1,000 records (the
// Decisions page).
//
//   node bench/adr-endpoints.mjs [--port=7037] [--rounds=200] [--keep]
//
// Generates a catalog in a temp folder: one Component with 200 MADR records
// (bench-adr-200) and 20 Components with 40 records each, 1,000 in all, each
// record ~3 KB with a Mermaid block, statuses, dates, deciders and supersession
// links. Starts the backend on --port (default 7037, the ADR work's port; 7007,
// 7017 and 7027 belong to others) on fresh PostgreSQL databases (prefix
// bench_adr_<timestamp>_, dropped afterwards), the generated catalog,
// the repo's org (for the sign-in) and adr.localRoots set to the temp folder,
// waits until the catalog has every entity, then times, round-robin, after 20
// warm-up requests each:
//   tab     GET /api/adr/entities/component/default/bench-adr-200/adrs
//   page    GET /api/adr/adrs
//   page?   GET /api/adr/adrs?status=accepted&from=2025-03-01&decider=team-b
// against the reference GET /api/catalog/entities/by-name/component/default/bench-adr-200
// (the catalog lookup the tab's endpoint starts with). Also reports each
// endpoint's first (cold) request, which reads and parses the files.
// Local files are revalidated on every request (size and modification time of
// each file), so "warm" includes that stat work; nothing is served from a
// blind cache. Targets: tab p95 <= 200 ms, page p95 <= 300 ms.
// --keep leaves the temp folder (log, generated catalog) for inspection.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import {
  assertPortFree,
  fmt,
  getJson,
  installSignalHandlers,
  isReady,
  load,
  log,
  machine,
  preserveLog,
  removeDir,
  dropDatabases,
  PG,
  request,
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
const PORT = Number(arg('port', 7037));
const ROUNDS = Number(arg('rounds', 200));
const KEEP = process.argv.includes('--keep');
const WARMUP = 20;
const BASE = `http://localhost:${PORT}`;
const TARGETS = { tab: 200, page: 300 };
const STATUSES = ['accepted', 'accepted', 'accepted', 'proposed', 'deprecated'];
const DECIDERS = ['team-a', 'team-b', 'team-c', 'Omar Haddad', 'Lena Fischer'];

/** One MADR 4 record of about 3 KB, with a diagram and a table. */
function record(n, total) {
  const day = new Date(Date.UTC(2025, 0, 1) + n * 86_400_000 * (365 / total))
    .toISOString()
    .slice(0, 10);
  const superseded = n % 25 === 0 && n < total;
  const status = superseded
    ? `superseded by [ADR-${String(n + 1).padStart(3, '0')}](ADR-${String(
        n + 1,
      ).padStart(3, '0')}-decision.md)`
    : STATUSES[n % STATUSES.length];
  const lines = [
    '---',
    `status: ${status}`,
    `date: ${day}`,
    `decision-makers: ${DECIDERS[n % DECIDERS.length]}, ${
      DECIDERS[(n + 2) % DECIDERS.length]
    }`,
    '---',
    `# ADR-${String(n).padStart(
      3,
      '0',
    )}: Decision number ${n} about component boundaries and queues`,
    '',
    n > 1 && (n - 1) % 25 === 0
      ? `* Supersedes [ADR-${String(n - 1).padStart(3, '0')}](ADR-${String(
          n - 1,
        ).padStart(3, '0')}-decision.md)\n`
      : '',
    '## Context and Problem Statement',
    '',
    'The service must accept work that takes longer than one request. '.repeat(
      8,
    ),
    '',
    '## Decision Drivers',
    '',
    '* latency of the request',
    '* no lost work on failure',
    '* a small team operates it',
    '',
    '## Considered Options',
    '',
    '* synchronous processing',
    '* a queue with retries',
    '* an orchestrator',
    '',
    '## Decision Outcome',
    '',
    'Chosen option: "a queue with retries", because it answers at once and retries without the user. '.repeat(
      4,
    ),
    '',
    '```mermaid',
    'C4Container',
    '  title Containers',
    '  Container(api, "API", "Node.js")',
    '  ContainerQueue(q, "Queue", "SQS")',
    '  Container(worker, "Worker", "Node.js")',
    '  Rel(api, q, "enqueues")',
    '  Rel(q, worker, "delivers")',
    '```',
    '',
    '| Option | Latency | Failure handling |',
    '| --- | --- | --- |',
    '| synchronous | slow | lost work |',
    '| queue | fast | retries |',
    '',
    '### Consequences',
    '',
    '* Good, because requests are fast. '.repeat(3),
    '* Bad, because there are more moving parts. '.repeat(3),
    '',
    '## Pros and Cons of the Options',
    '',
    '### a queue with retries',
    '',
    '* Good, because retries are built in.',
    '* Bad, because ordering is not guaranteed.',
  ];
  return lines.join('\n');
}

function writeCatalog(root) {
  const catalog = join(root, 'catalog');
  const targets = [];
  const component = (name, count) => {
    const folder = join(catalog, name, 'adr');
    mkdirSync(folder, { recursive: true });
    for (let n = 1; n <= count; n++) {
      writeFileSync(
        join(folder, `ADR-${String(n).padStart(3, '0')}-decision.md`),
        record(n, count),
      );
    }
    writeFileSync(
      join(catalog, name, 'catalog-info.yaml'),
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata:',
        `  name: ${name}`,
        '  annotations:',
        '    backstage.io/adr-location: adr',
        'spec:',
        '  type: service',
        '  lifecycle: production',
        '  owner: group:default/team-platform',
        `  system: bench-system-${name.length % 3}`,
        '',
      ].join('\n'),
    );
    targets.push(`./${name}/catalog-info.yaml`);
  };
  component('bench-adr-200', 200);
  for (let i = 0; i < 20; i++)
    component(`bench-adr-${String(i).padStart(2, '0')}`, 40);
  writeFileSync(
    join(catalog, 'all.yaml'),
    [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Location',
      'metadata:',
      '  name: bench-adr',
      'spec:',
      '  targets:',
      ...targets.map(t => `    - ${t}`),
      '',
    ].join('\n'),
  );
  return { catalog, entities: targets.length, records: 200 + 20 * 40 };
}

async function main() {
  await assertPortFree(PORT);
  const dir = tempDir('bench-adr');
  const logFile = join(dir, 'backend.log');
  const prefix = `bench_adr_${Date.now()}_`;
  const { catalog, entities, records } = writeCatalog(dir);
  log(`generated ${records} records for ${entities} entities in ${catalog}`);
  const configFile = writeYaml(join(dir, 'bench.yaml'), {
    app: { baseUrl: BASE },
    backend: {
      baseUrl: BASE,
      listen: { port: PORT },
      cors: { origin: BASE },
      database: {
        client: 'pg',
        connection: { host: PG.host, port: PG.port, user: PG.user },
        prefix,
      },
    },
    catalog: {
      locations: [
        { type: 'file', target: join(catalog, 'all.yaml') },
        {
          type: 'file',
          target: join(ROOT, 'catalog/org/org.yaml'),
          rules: [{ allow: ['User', 'Group'] }],
        },
      ],
    },
    adr: { localRoots: [catalog] },
  });

  let backend;
  const cleanup = async () => {
    if (backend) await backend.stop();
    backend = undefined;
    if (!KEEP) removeDir(dir);
    try {
      const dropped = await dropDatabases(prefix);
      log(`dropped ${dropped.length} databases (${prefix}*)`);
    } catch (e) {
      log(`could not drop databases ${prefix}*: ${e.message}`);
    }
  };
  installSignalHandlers(cleanup);
  try {
    backend = startBackend({
      configs: ['../../app-config.yaml', configFile],
      logFile,
    });
    const failIfExited = () => {
      if (backend.exited)
        throw Object.assign(new Error('the backend exited'), { fatal: true });
    };
    const ready = await waitUntil(
      'readiness',
      async () => (failIfExited(), isReady(BASE)),
      { timeoutMs: 5 * 60_000 },
    );
    log(`backend ready after ${fmt(ready.ms, 0)}`);
    const { value: token } = await waitUntil(
      'a user token',
      async () => (failIfExited(), userToken('eli.martin', BASE)),
      {
        timeoutMs: 3 * 60_000,
        intervalMs: 1000,
      },
    );
    const headers = { Authorization: `Bearer ${token}` };
    await waitUntil(
      `${entities} entities with ADRs in the catalog`,
      async () => {
        const { json } = await getJson(
          `${BASE}/api/catalog/entities?filter=metadata.annotations.backstage.io/adr-location&fields=metadata.name`,
          { headers },
        );
        return json.length >= entities;
      },
      { timeoutMs: 5 * 60_000, intervalMs: 1000 },
    );

    const cases = [
      {
        key: 'reference',
        url: `${BASE}/api/catalog/entities/by-name/component/default/bench-adr-200`,
      },
      {
        key: 'tab',
        url: `${BASE}/api/adr/entities/component/default/bench-adr-200/adrs`,
      },
      { key: 'page', url: `${BASE}/api/adr/adrs` },
      {
        key: 'page-filtered',
        url: `${BASE}/api/adr/adrs?status=accepted&from=2025-03-01&decider=team-b`,
      },
    ];
    const cold = {};
    for (const c of cases) {
      const res = await request(c.url, { headers, timeoutMs: 60_000 });
      if (res.status !== 200)
        throw new Error(
          `${c.url}: HTTP ${res.status} ${res.body.toString().slice(0, 200)}`,
        );
      cold[c.key] = res.ms;
      c.bytes = res.body.length;
      if (c.key === 'tab') c.count = JSON.parse(res.body).adrs.length;
      if (c.key.startsWith('page')) c.count = JSON.parse(res.body).adrs.length;
    }
    const tab = cases.find(c => c.key === 'tab');
    const page = cases.find(c => c.key === 'page');
    if (tab.count !== 200 || page.count !== records) {
      throw new Error(
        `expected 200 and ${records} records, got ${tab.count} and ${page.count}`,
      );
    }
    for (let i = 0; i < WARMUP; i++)
      for (const c of cases) await request(c.url, { headers });
    const times = Object.fromEntries(cases.map(c => [c.key, []]));
    for (let i = 0; i < ROUNDS; i++) {
      for (const c of cases) {
        const res = await request(c.url, { headers, timeoutMs: 30_000 });
        if (res.status !== 200) throw new Error(`${c.url}: HTTP ${res.status}`);
        times[c.key].push(res.ms);
      }
    }
    const stats = Object.fromEntries(
      cases.map(c => [c.key, summary(times[c.key])]),
    );
    console.log(
      `\nADR endpoints (${machine()}; load ${load()}; tree ${treeState()})`,
    );
    console.log(
      '| request | records | bytes | cold | p50 | p95 | p99 | max | target |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const c of cases) {
      const s = stats[c.key];
      const target =
        c.key === 'tab'
          ? `p95 <= ${TARGETS.tab} ms`
          : c.key === 'page'
          ? `p95 <= ${TARGETS.page} ms`
          : '';
      console.log(
        `| ${c.key} | ${c.count ?? '-'} | ${c.bytes} | ${fmt(
          cold[c.key],
        )} | ${fmt(s.p50)} | ${fmt(s.p95)} | ${fmt(s.p99)} | ${fmt(
          s.max,
        )} | ${target} |`,
      );
    }
    const ok = stats.tab.p95 <= TARGETS.tab && stats.page.p95 <= TARGETS.page;
    const resultsDir = join(ROOT, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    const resultFile = join(
      resultsDir,
      `adr-endpoints-${new Date()
        .toISOString()
        .slice(0, 19)
        .replace(/[:]/g, '')}.json`,
    );
    writeFileSync(
      resultFile,
      JSON.stringify(
        {
          machine: machine(),
          load: os.loadavg(),
          tree: treeState(),
          rounds: ROUNDS,
          warmup: WARMUP,
          records,
          entities,
          targets: TARGETS,
          cases: cases.map(c => ({
            key: c.key,
            url: c.url.replace(BASE, ''),
            records: c.count,
            bytes: c.bytes,
            coldMs: cold[c.key],
            ...stats[c.key],
          })),
          pass: ok,
        },
        null,
        2,
      ),
    );
    log(`results in ${resultFile}`);
    console.log(
      `\n${ok ? 'PASS' : 'FAIL'}: tab p95 ${fmt(stats.tab.p95)} (target ${
        TARGETS.tab
      } ms), page p95 ${fmt(stats.page.p95)} (target ${
        TARGETS.page
      } ms), ${ROUNDS} rounds after ${WARMUP} warm-up`,
    );
    await cleanup();
    process.exit(ok ? 0 : 1);
  } catch (e) {
    const kept = preserveLog(logFile, 'bench-adr');
    log(`FAILED: ${e.message}${kept ? `; backend log kept at ${kept}` : ''}`);
    await cleanup();
    process.exit(2);
  }
}

main();
