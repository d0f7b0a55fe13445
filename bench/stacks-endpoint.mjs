// The Stacks endpoint's latency with a 10,000-entity catalog on PostgreSQL.
//
//   node bench/stacks-endpoint.mjs [--entities=10000] [--rounds=200] [--quiet-catalog] [--keep]
//
// Starts the backend on port 7027 against fresh PostgreSQL databases
// (prefix bench_stacks_<timestamp>_), registers a generated catalog, waits until
// every entity is ingested, then times GET /api/stacks/stacks (all, and
// ?priority=critical&status=missing) against the reference: the single catalog
// query the endpoint starts with, GET /api/catalog/entities?filter=kind=system,
// spec.type=stack&fields=metadata.name. Target: endpoint p95 <= 200 ms.
// --quiet-catalog is a diagnostic: it sets catalog.processingInterval to 6 hours
// so that the catalog does not re-process its entities during the timing (by
// default it re-processes every entity every 100 to 150 s).
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
  fatal,
  fmt,
  getJson,
  groupCpuSeconds,
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
  request,
  require,
  restartsIn,
  ROOT,
  sleep,
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
const TOTAL = Number(arg('entities', 10000));
const ROUNDS = Number(arg('rounds', 200));
const WARMUP = 20;
const KEEP = process.argv.includes('--keep');
const QUIET = process.argv.includes('--quiet-catalog');
const IDLE_MS = 30_000;
const CHUNK = 10;
const MAX_RESTARTS = 15;
const SETTLE_MS = 20_000;
const MEASURE_TIMEOUT = 20 * 60_000;
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
const STACK_ENTITY_FIELDS = fieldList(
  'plugins/stacks-common/src/stack.ts',
  'STACK_ENTITY_FIELDS',
);
const LINK_FIELDS = fieldList(
  'plugins/stacks-backend/src/service/StacksService.ts',
  'LINK_FIELDS',
);

const stamp = new Date()
  .toISOString()
  .replace(/[-:]/g, '')
  .replace('T', 't')
  .slice(0, 15);
const prefix = `bench_stacks_${stamp}_`;
const dir = tempDir('bench-stacks');
let backend;
let logFile;
let failed = false;

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
  if (failed && !KEEP) {
    const kept = preserveLog(logFile, 'bench-stacks-endpoint');
    if (kept) log(`backend log kept at ${kept}`);
  }
  if (!KEEP) removeDir(dir);
  else log(`kept ${dir}`);
}
installSignalHandlers(cleanup);

/** Entities still waiting for (re)processing in the catalog's refresh_state. */
async function catalogBacklog() {
  const { Client } = require('pg');
  const c = new Client({
    ...PG,
    database: `${prefix}catalog`,
    connectionTimeoutMillis: 5000,
  });
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

/** Makes every entity without a stitched final entity due for processing now. */
async function requeueUnfinished() {
  const { Client } = require('pg');
  const c = new Client({
    ...PG,
    database: `${prefix}catalog`,
    connectionTimeoutMillis: 5000,
  });
  await c.connect();
  try {
    const { rowCount } = await c.query(
      `UPDATE refresh_state r SET next_update_at = now()
        WHERE NOT EXISTS (SELECT 1 FROM final_entities f WHERE f.entity_id = r.entity_id AND f.final_entity IS NOT NULL)`,
    );
    return rowCount;
  } finally {
    await c.end();
  }
}

async function main() {
  await assertPortFree(BENCH_PORT);
  log(`machine: ${machine()}`);
  log(`temp folder ${dir}, database prefix ${prefix}`);

  const catalog = generateCatalog(join(dir, 'catalog'), TOTAL);
  log(
    `generated ${catalog.expected.total} entities: ${JSON.stringify(
      catalog.counts,
    )}`,
  );

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
  if (QUIET) override.catalog.processingInterval = { hours: 6 };
  const configFile = writeYaml(join(dir, 'bench-config.yaml'), override);
  logFile = join(dir, 'backend.log');

  const t0 = now();
  backend = startBackend({
    configs: ['../../app-config.yaml', configFile],
    logFile,
  });
  log(`backend pid ${backend.pid}, log ${logFile}`);
  const failIfExited = () => {
    if (backend.exited) throw fatal(`backend exited early; see ${logFile}`);
  };
  const ready = await waitUntil(
    'readiness',
    async () => (failIfExited(), isReady()),
    {
      timeoutMs: READY_TIMEOUT,
      intervalMs: 500,
    },
  );
  log(`ready after ${(ready.ms / 1000).toFixed(1)} s`);

  // Ingestion: the user appears first, then the rest, one processing batch at a time.
  const ingestStart = now();
  const { value: token } = await waitUntil(
    'eli.martin in the catalog',
    async () => (failIfExited(), userToken()),
    {
      timeoutMs: INGEST_TIMEOUT,
      intervalMs: 2000,
    },
  );
  const auth = { authorization: `Bearer ${token}` };
  let lastCount = 0;
  let lastLog = 0;
  let seenRestarts = restartsIn(logFile);
  await waitUntil(
    `${catalog.expected.total} entities in the catalog`,
    async () => {
      failIfExited();
      if (QUIET && restartsIn(logFile) > seenRestarts) {
        // A restart interrupted processing; with a 6-hour interval the
        // interrupted entities would wait 6 hours: make them due again.
        seenRestarts = restartsIn(logFile);
        const n = await requeueUnfinished();
        log(
          `the backend restarted during ingestion; ${n} unfinished entities made due again`,
        );
      }
      const { json } = await getJson(
        `${BASE_URL}/api/catalog/entities/by-query?limit=1&fields=metadata.name`,
        {
          headers: auth,
          timeoutMs: 30_000,
        },
      );
      lastCount = json.totalItems;
      if (now() - lastLog > 30_000) {
        lastLog = now();
        log(
          `ingested ${lastCount}/${catalog.expected.total} after ${(
            (now() - ingestStart) /
            1000
          ).toFixed(0)} s`,
        );
      }
      if (lastCount > catalog.expected.total) {
        throw fatal(
          `catalog holds ${lastCount} entities, more than the ${catalog.expected.total} generated`,
        );
      }
      return lastCount === catalog.expected.total;
    },
    { timeoutMs: INGEST_TIMEOUT - (now() - ingestStart), intervalMs: 5000 },
  ).catch(e => {
    throw new Error(`${e.message}; last count ${lastCount}`);
  });
  const ingestMs = now() - ingestStart;
  let seen = restartsIn(logFile); // restarts before this point are harmless
  log(
    `all ${catalog.expected.total} entities ingested ${(
      ingestMs / 1000
    ).toFixed(0)} s after readiness`,
  );

  // What each request returns must be right before its time means anything.
  const all = await getJson(`${BASE_URL}/api/stacks/stacks`, { headers: auth });
  const filtered = await getJson(
    `${BASE_URL}/api/stacks/stacks?priority=critical&status=missing`,
    { headers: auth },
  );
  if (all.json.stacks.length !== catalog.expected.stacks) {
    throw new Error(
      `/api/stacks/stacks returned ${all.json.stacks.length} stacks, expected ${catalog.expected.stacks}`,
    );
  }
  if (filtered.json.stacks.length !== catalog.expected.criticalMissing) {
    throw new Error(
      `filtered stacks: ${filtered.json.stacks.length}, expected ${catalog.expected.criticalMissing}`,
    );
  }
  const linkedRefs = [
    ...new Set(
      all.json.stacks
        .flatMap(s => [s.domain?.entityRef, s.owner?.entityRef])
        .filter(Boolean),
    ),
  ];

  const enc = encodeURIComponent;
  const filter = 'filter=kind=system,spec.type=stack';
  const cases = [
    {
      key: 'stacks',
      label: 'GET /api/stacks/stacks',
      url: `${BASE_URL}/api/stacks/stacks`,
    },
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
      url: `${BASE_URL}/api/catalog/entities?${filter}&fields=${enc(
        STACK_ENTITY_FIELDS.join(','),
      )}`,
    },
    {
      key: 'catalogByRefs',
      label: `POST /api/catalog/entities/by-refs (${linkedRefs.length} domains and owners)`,
      url: `${BASE_URL}/api/catalog/entities/by-refs`,
      method: 'POST',
      body: JSON.stringify({ entityRefs: linkedRefs, fields: LINK_FIELDS }),
    },
  ];
  const once = async c => {
    const res = await request(c.url, {
      method: c.method ?? 'GET',
      headers: c.body ? { ...auth, 'content-type': 'application/json' } : auth,
      body: c.body,
      timeoutMs: 30_000,
    });
    if (res.status !== 200)
      throw new Error(
        `${c.label}: HTTP ${res.status} ${res.body.toString().slice(0, 200)}`,
      );
    c.bytes = res.body.length;
    return res.ms;
  };

  // Background work with no request at all: catalog re-processing, stitching, search.
  const idleCpu0 = groupCpuSeconds(backend.pid);
  await sleep(IDLE_MS);
  // (meaningless when the backend restarted meanwhile: its old process's CPU time is gone)
  const idleCpu =
    restartsIn(logFile) === seen
      ? (groupCpuSeconds(backend.pid) - idleCpu0) / (IDLE_MS / 1000)
      : undefined;
  const pct = v => (v === undefined ? '?' : `${(v * 100).toFixed(0)} %`);
  log(
    `backend CPU with no requests: ${pct(idleCpu)} of one core over ${
      IDLE_MS / 1000
    } s`,
  );

  // Warm-up, then sequential requests, one at a time; the cases take turns
  // (order rotated every round) so background work (catalog re-processing,
  // the search collator) hits each of them alike and the ratio stays fair.
  //
  // backstage-cli restarts the backend whenever a source file it loaded
  // changes, and the working tree may be shared with people editing it. So
  // the rounds run in chunks: a chunk during which the backend restarted is
  // thrown away, and after the restart the backend gets time to settle and a
  // new warm-up before the next chunk counts.
  const times = Object.fromEntries(cases.map(c => [c.key, []]));
  let windowMs = 0;
  let windowCpu = 0;
  let restarts = 0;
  let warm = false;
  let done = 0;
  const deadline = now() + MEASURE_TIMEOUT;
  const backlogBefore = await catalogBacklog().catch(() => undefined);
  const loadBefore = load();
  log(
    `timing: ${ROUNDS} rounds of ${cases.length} requests, in chunks of ${CHUNK} rounds`,
  );
  while (done < ROUNDS) {
    if (now() > deadline) {
      throw new Error(
        `timing not finished after ${
          MEASURE_TIMEOUT / 60_000
        } min (${done}/${ROUNDS} rounds; ${restarts} backend restarts)`,
      );
    }
    const before = seen;
    const chunk = Object.fromEntries(cases.map(c => [c.key, []]));
    let chunkMs = 0;
    let chunkCpu = 0;
    let error;
    try {
      if (!warm) {
        for (let r = 0; r < WARMUP; r++) for (const c of cases) await once(c);
        warm = true;
      }
      const n = Math.min(CHUNK, ROUNDS - done);
      const t = now();
      const cpu = groupCpuSeconds(backend.pid);
      for (let r = done; r < done + n; r++) {
        for (let k = 0; k < cases.length; k++) {
          const c = cases[(r + k) % cases.length];
          chunk[c.key].push(await once(c));
        }
      }
      chunkMs = now() - t;
      chunkCpu = groupCpuSeconds(backend.pid) - cpu;
    } catch (e) {
      error = e;
      await sleep(1000); // let the restart notice reach the log
    }
    const count = restartsIn(logFile);
    if (count === before) {
      if (error) throw error;
      for (const c of cases) times[c.key].push(...chunk[c.key]);
      done += chunk[cases[0].key].length;
      windowMs += chunkMs;
      windowCpu += chunkCpu;
      continue;
    }
    restarts += count - before;
    seen = count;
    if (restarts > MAX_RESTARTS) {
      throw new Error(
        `the backend restarted ${restarts} times during the timing: someone keeps editing the sources it runs`,
      );
    }
    warm = false;
    log(
      `the backend restarted (a source file changed under backstage-cli's watcher; ${restarts} so far); chunk discarded, ${done}/${ROUNDS} rounds kept`,
    );
    await sleep(3000);
    await waitUntil(
      'readiness after the restart',
      async () => (failIfExited(), isReady()),
      {
        timeoutMs: READY_TIMEOUT,
        intervalMs: 500,
      },
    );
    const { value: fresh } = await waitUntil(
      'a token after the restart',
      () => userToken(),
      {
        timeoutMs: 60_000,
        intervalMs: 1000,
      },
    );
    auth.authorization = `Bearer ${fresh}`;
    await sleep(SETTLE_MS); // start-up work: the search collator reads the whole catalog
  }
  windowCpu /= windowMs / 1000;
  const backlogAfter = await catalogBacklog().catch(() => undefined);
  const logText = readFileSync(logFile, 'utf8');
  const collations = (
    logText.match(/Collating documents for software-catalog/g) ?? []
  ).length;

  const stats = Object.fromEntries(
    cases.map(c => [c.key, summary(times[c.key])]),
  );
  const ratio = stats.stacks.p95 / stats.reference.p95;
  const ratioFiltered = stats.stacksFiltered.p95 / stats.reference.p95;

  const line = (c, s) =>
    `  ${c.label}\n      p50 ${fmt(s.p50)}  p95 ${fmt(s.p95)}  p99 ${fmt(
      s.p99,
    )}  max ${fmt(s.max)}  (${(c.bytes / 1024).toFixed(1)} KiB)`;
  console.log(
    `\nStacks endpoint, ${catalog.expected.total} entities (${
      catalog.counts.stacks
    } stacks), PostgreSQL${
      QUIET ? ', catalog re-processing held off (--quiet-catalog)' : ''
    }`,
  );
  console.log(`  ${new Date().toISOString()}  ${machine()}`);
  console.log(
    `  code: ${treeState()}; load average (1 min) before ${loadBefore}, after ${load()}`,
  );
  console.log(
    `  readiness ${(ready.ms / 1000).toFixed(1)} s after launch; ingestion ${(
      ingestMs / 1000
    ).toFixed(0)} s after readiness`,
  );
  console.log(
    `  ${ROUNDS} sequential requests each (after ${WARMUP} warm-up rounds), interleaved, ${(
      windowMs / 1000
    ).toFixed(0)} s of timing in all`,
  );
  if (restarts) {
    console.log(
      `  WARNING: the backend restarted ${restarts} time(s) during the timing (source files edited under backstage-cli's watcher): the chunks it hit were discarded, but the code may have changed between chunks`,
    );
  }
  for (const c of cases) console.log(line(c, stats[c.key]));
  console.log(
    `  backend CPU: ${pct(idleCpu)} of a core with no requests (${
      IDLE_MS / 1000
    } s before warm-up), ${pct(windowCpu)} during the timing`,
  );
  console.log(
    `  catalog backlog (due for processing / total) before ${
      backlogBefore ? `${backlogBefore.due}/${backlogBefore.total}` : '?'
    }, after ${
      backlogAfter ? `${backlogAfter.due}/${backlogAfter.total}` : '?'
    }; search collations in the log so far: ${collations}`,
  );
  console.log(
    `\n  endpoint p95 ${fmt(
      stats.stacks.p95,
    )} (target <= ${TARGET_P95_MS} ms: ${
      stats.stacks.p95 <= TARGET_P95_MS ? 'MET' : 'MISSED'
    })`,
  );
  console.log(
    `  filtered p95 ${fmt(
      stats.stacksFiltered.p95,
    )} (target <= ${TARGET_P95_MS} ms: ${
      stats.stacksFiltered.p95 <= TARGET_P95_MS ? 'MET' : 'MISSED'
    })`,
  );
  console.log(
    `  ratio endpoint p95 / reference p95: ${ratio.toFixed(
      2,
    )}  (filtered: ${ratioFiltered.toFixed(2)})`,
  );
  console.log(
    `RESULT ${JSON.stringify({
      bench: 'stacks-endpoint',
      date: new Date().toISOString(),
      entities: catalog.expected.total,
      quietCatalog: QUIET,
      stats,
      idleCpu,
      windowCpu,
      ratio,
      ratioFiltered,
      restarts,
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
  failed = true;
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);
