// The Stacks endpoint's latency with a 10,000-entity catalog on PostgreSQL.
//
//   node bench/stacks-endpoint.mjs [--entities=10000] [--rounds=200] [--keep]
//
// Starts the backend on port 7027 against fresh PostgreSQL databases
// (prefix bench_stacks_<timestamp>_), registers a generated catalog, waits until
// every entity is ingested, then times GET /api/stacks/stacks (all, and
// ?priority=critical&status=missing) against the reference: the single catalog
// query the endpoint starts with, GET /api/catalog/entities?filter=kind=system,
// spec.type=stack&fields=metadata.name. Target: endpoint p95 <= 200 ms.
// --keep leaves the temp folder (logs, generated catalog) for inspection; the
// databases and the backend are always removed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCatalog } from './generate-catalog.mjs';
import {
  assertPortFree,
  BASE_URL,
  BENCH_PORT,
  dropDatabases,
  fmt,
  getJson,
  installSignalHandlers,
  isReady,
  log,
  machine,
  now,
  PG,
  portOverride,
  removeDir,
  request,
  require,
  ROOT,
  startBackend,
  summary,
  tempDir,
  userToken,
  waitUntil,
  writeYaml,
} from './lib.mjs';

const arg = (name, dflt) => {
  const a = process.argv.find(x => x.startsWith(`--${name}=`));
  return a ? a.split('=')[1] : dflt;
};
const TOTAL = Number(arg('entities', 10000));
const ROUNDS = Number(arg('rounds', 200));
const WARMUP = 20;
const KEEP = process.argv.includes('--keep');
const TARGET_P95_MS = 200;
const READY_TIMEOUT = 5 * 60_000;
const INGEST_TIMEOUT = 15 * 60_000;

/** The endpoint's own field lists, read from its source so they cannot drift. */
function fieldList(file, constName) {
  const src = readFileSync(join(ROOT, file), 'utf8');
  const m = src.match(new RegExp(`${constName}\\s*=\\s*\\[([^\\]]*)\\]`));
  if (!m) throw new Error(`${constName} not found in ${file}`);
  return [...m[1].matchAll(/'([^']+)'/g)].map(x => x[1]);
}
const STACK_ENTITY_FIELDS = fieldList('plugins/stacks-common/src/stack.ts', 'STACK_ENTITY_FIELDS');
const LINK_FIELDS = fieldList('plugins/stacks-backend/src/service/StacksService.ts', 'LINK_FIELDS');

const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', 't').slice(0, 15);
const prefix = `bench_stacks_${stamp}_`;
const dir = tempDir('bench-stacks');
let backend;

async function cleanup() {
  if (backend) {
    await backend.stop();
    backend = undefined;
  }
  try {
    const dropped = await dropDatabases(prefix);
    log(`dropped ${dropped.length} databases (${prefix}*)`);
  } catch (e) {
    log(`could not drop databases ${prefix}*: ${e.message}`);
  }
  if (!KEEP) removeDir(dir);
  else log(`kept ${dir}`);
}
installSignalHandlers(cleanup);

/** Entities still waiting for (re)processing in the catalog's refresh_state. */
async function catalogBacklog() {
  const { Client } = require('pg');
  const c = new Client({ ...PG, database: `${prefix}catalog`, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    const { rows } = await c.query(
      `SELECT count(*) FILTER (WHERE next_update_at <= now())::int AS due, count(*)::int AS total FROM refresh_state`,
    );
    return rows[0];
  } finally {
    await c.end();
  }
}

async function main() {
  await assertPortFree(BENCH_PORT);
  log(`machine: ${machine()}`);
  log(`temp folder ${dir}, database prefix ${prefix}`);

  const catalog = generateCatalog(join(dir, 'catalog'), TOTAL);
  log(`generated ${catalog.expected.total} entities: ${JSON.stringify(catalog.counts)}`);

  const override = portOverride();
  override.backend.database = {
    client: 'pg',
    connection: { host: PG.host, port: PG.port, user: PG.user },
    prefix,
  };
  // Arrays are replaced, not merged: these locations replace the repo's catalog.
  override.catalog = {
    locations: catalog.files.map(target =>
      target === catalog.orgFile
        ? { type: 'file', target, rules: [{ allow: ['User', 'Group'] }] }
        : { type: 'file', target },
    ),
  };
  const configFile = writeYaml(join(dir, 'bench-config.yaml'), override);
  const logFile = join(dir, 'backend.log');

  const t0 = now();
  backend = startBackend({ configs: ['../../app-config.yaml', configFile], logFile });
  log(`backend pid ${backend.pid}, log ${logFile}`);
  const failIfExited = () => {
    if (backend.exited) throw Object.assign(new Error(`backend exited early; see ${logFile}`), { fatal: true });
  };
  const ready = await waitUntil('readiness', async () => (failIfExited(), isReady()), {
    timeoutMs: READY_TIMEOUT,
    intervalMs: 500,
  });
  log(`ready after ${(ready.ms / 1000).toFixed(1)} s`);

  // Ingestion: the user appears first, then the rest, one processing batch at a time.
  const ingestStart = now();
  const { value: token } = await waitUntil('eli.martin in the catalog', async () => (failIfExited(), userToken()), {
    timeoutMs: INGEST_TIMEOUT,
    intervalMs: 2000,
  });
  const auth = { authorization: `Bearer ${token}` };
  let lastCount = 0;
  let lastLog = 0;
  await waitUntil(
    `${catalog.expected.total} entities in the catalog`,
    async () => {
      failIfExited();
      const { json } = await getJson(`${BASE_URL}/api/catalog/entities/by-query?limit=1&fields=metadata.name`, {
        headers: auth,
        timeoutMs: 30_000,
      });
      lastCount = json.totalItems;
      if (now() - lastLog > 30_000) {
        lastLog = now();
        log(`ingested ${lastCount}/${catalog.expected.total} after ${((now() - ingestStart) / 1000).toFixed(0)} s`);
      }
      if (lastCount > catalog.expected.total) {
        throw Object.assign(new Error(`catalog holds ${lastCount} entities, more than the ${catalog.expected.total} generated`), { fatal: true });
      }
      return lastCount === catalog.expected.total;
    },
    { timeoutMs: INGEST_TIMEOUT - (now() - ingestStart), intervalMs: 5000 },
  ).catch(e => {
    throw new Error(`${e.message}; last count ${lastCount}`);
  });
  const ingestMs = now() - ingestStart;
  log(`all ${catalog.expected.total} entities ingested ${(ingestMs / 1000).toFixed(0)} s after readiness`);

  // What each request returns must be right before its time means anything.
  const all = await getJson(`${BASE_URL}/api/stacks/stacks`, { headers: auth });
  const filtered = await getJson(`${BASE_URL}/api/stacks/stacks?priority=critical&status=missing`, { headers: auth });
  if (all.json.stacks.length !== catalog.expected.stacks) {
    throw new Error(`/api/stacks/stacks returned ${all.json.stacks.length} stacks, expected ${catalog.expected.stacks}`);
  }
  if (filtered.json.stacks.length !== catalog.expected.criticalMissing) {
    throw new Error(`filtered stacks: ${filtered.json.stacks.length}, expected ${catalog.expected.criticalMissing}`);
  }
  const linkedRefs = [
    ...new Set(all.json.stacks.flatMap(s => [s.domain?.entityRef, s.owner?.entityRef]).filter(Boolean)),
  ];

  const enc = encodeURIComponent;
  const filter = 'filter=kind=system,spec.type=stack';
  const cases = [
    { key: 'stacks', label: 'GET /api/stacks/stacks', url: `${BASE_URL}/api/stacks/stacks` },
    {
      key: 'stacksFiltered',
      label: 'GET /api/stacks/stacks?priority=critical&status=missing',
      url: `${BASE_URL}/api/stacks/stacks?priority=critical&status=missing`,
    },
    {
      key: 'reference',
      label: `GET /api/catalog/entities?${filter}&fields=metadata.name (reference)`,
      url: `${BASE_URL}/api/catalog/entities?${filter}&fields=metadata.name`,
    },
    // Breakdown, not part of the ratio: the endpoint's two catalog round trips as it makes them.
    {
      key: 'catalogStackFields',
      label: `GET /api/catalog/entities?${filter}&fields=<the endpoint's ${STACK_ENTITY_FIELDS.length} fields>`,
      url: `${BASE_URL}/api/catalog/entities?${filter}&fields=${enc(STACK_ENTITY_FIELDS.join(','))}`,
    },
    {
      key: 'catalogByRefs',
      label: `POST /api/catalog/entities/by-refs (${linkedRefs.length} domains and owners)`,
      url: `${BASE_URL}/api/catalog/entities/by-refs?fields=${enc(LINK_FIELDS.join(','))}`,
      method: 'POST',
      body: JSON.stringify({ entityRefs: linkedRefs }),
    },
  ];
  const once = async c => {
    const res = await request(c.url, {
      method: c.method ?? 'GET',
      headers: c.body ? { ...auth, 'content-type': 'application/json' } : auth,
      body: c.body,
      timeoutMs: 30_000,
    });
    if (res.status !== 200) throw new Error(`${c.label}: HTTP ${res.status} ${res.body.toString().slice(0, 200)}`);
    c.bytes = res.body.length;
    return res.ms;
  };

  log(`warm-up: ${WARMUP} rounds`);
  for (let r = 0; r < WARMUP; r++) for (const c of cases) await once(c);

  // Sequential requests, one at a time; the cases take turns (order rotated
  // every round) so background work (catalog re-processing, the search
  // collator) hits each of them alike and the ratio stays fair.
  const backlogBefore = await catalogBacklog().catch(() => undefined);
  log(`timing: ${ROUNDS} rounds of ${cases.length} requests`);
  const times = Object.fromEntries(cases.map(c => [c.key, []]));
  const windowStart = now();
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(r + k) % cases.length];
      times[c.key].push(await once(c));
    }
  }
  const windowMs = now() - windowStart;
  const backlogAfter = await catalogBacklog().catch(() => undefined);
  const logText = readFileSync(logFile, 'utf8');
  const collations = (logText.match(/Collating documents for software-catalog/g) ?? []).length;

  const stats = Object.fromEntries(cases.map(c => [c.key, summary(times[c.key])]));
  const ratio = stats.stacks.p95 / stats.reference.p95;
  const ratioFiltered = stats.stacksFiltered.p95 / stats.reference.p95;

  const line = (c, s) =>
    `  ${c.label}\n      p50 ${fmt(s.p50)}  p95 ${fmt(s.p95)}  p99 ${fmt(s.p99)}  max ${fmt(s.max)}  (${(c.bytes / 1024).toFixed(1)} KiB)`;
  console.log(`\nStacks endpoint, ${catalog.expected.total} entities (${catalog.counts.stacks} stacks), PostgreSQL`);
  console.log(`  ${new Date().toISOString()}  ${machine()}`);
  console.log(`  readiness ${(ready.ms / 1000).toFixed(1)} s after launch; ingestion ${(ingestMs / 1000).toFixed(0)} s after readiness`);
  console.log(`  ${ROUNDS} sequential requests each (after ${WARMUP} warm-up rounds), interleaved, ${(windowMs / 1000).toFixed(0)} s in all`);
  for (const c of cases) console.log(line(c, stats[c.key]));
  console.log(`  catalog backlog (due for processing / total) before ${backlogBefore ? `${backlogBefore.due}/${backlogBefore.total}` : '?'}, after ${backlogAfter ? `${backlogAfter.due}/${backlogAfter.total}` : '?'}; search collations in the log so far: ${collations}`);
  console.log(`\n  endpoint p95 ${fmt(stats.stacks.p95)} (target <= ${TARGET_P95_MS} ms: ${stats.stacks.p95 <= TARGET_P95_MS ? 'MET' : 'MISSED'})`);
  console.log(`  filtered p95 ${fmt(stats.stacksFiltered.p95)} (target <= ${TARGET_P95_MS} ms: ${stats.stacksFiltered.p95 <= TARGET_P95_MS ? 'MET' : 'MISSED'})`);
  console.log(`  ratio endpoint p95 / reference p95: ${ratio.toFixed(2)}  (filtered: ${ratioFiltered.toFixed(2)})`);
  console.log(
    `RESULT ${JSON.stringify({
      bench: 'stacks-endpoint',
      date: new Date().toISOString(),
      entities: catalog.expected.total,
      stats,
      ratio,
      ratioFiltered,
      readyMs: ready.ms,
      ingestMs,
      elapsedMs: now() - t0,
    })}`,
  );
}

let code = 0;
try {
  await main();
} catch (e) {
  console.error(`stacks-endpoint FAILED: ${e.message}`);
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);
