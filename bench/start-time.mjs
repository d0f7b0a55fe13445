// Start time of the portal's backend, launched as `./portal start` launches it,
// on a fresh SQLite folder (the embedded default, first start: migrations and
// catalog ingestion included).
//
//   node bench/start-time.mjs [--runs=3] [--db=sqlite|pg]
//
// Measures, from spawning `node .yarn/releases/yarn-4.13.0.cjs start` in
// packages/backend, the time until /.backstage/health/v1/readiness answers 200
// and until /api/stacks/stacks answers 200 with every stack of catalog/stacks/.
// Reference in the same run: how long a bare Node HTTP server takes to answer
// (`node -e "require('http').createServer((q,s)=>s.end('ok')).listen(7028)"`).
// Runs alternate (reference, backend) and the medians are reported.
// --db=pg runs on fresh PostgreSQL databases (prefix bench_start_<time>_<run>_) instead.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertPortFree,
  BASE_URL,
  BENCH_PORT,
  dropDatabases,
  fatal,
  fmt,
  installSignalHandlers,
  isReady,
  load,
  log,
  machine,
  median,
  nodeBin,
  now,
  PG,
  preserveLog,
  portOverride,
  removeDir,
  request,
  restartsIn,
  ROOT,
  sleep,
  startBackend,
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
const RUNS = Number(arg('runs', 3));
const DB = arg('db', 'sqlite');
const REF_PORT = 7028;
const TIMEOUT = 5 * 60_000;
const ATTEMPTS = 3;
const sec = ms => (ms === undefined ? '?' : `${(ms / 1000).toFixed(2)} s`);
const EXPECTED_STACKS = readdirSync(join(ROOT, 'catalog/stacks')).filter(f =>
  f.endsWith('.yaml'),
).length;
const stamp = new Date()
  .toISOString()
  .replace(/[-:]/g, '')
  .replace('T', 't')
  .slice(0, 15);

let current; // { backend, dir, prefix } of the run in progress
async function cleanupRun() {
  if (!current) return;
  const { backend, dir, prefix } = current;
  current = undefined;
  if (backend) await backend.stop();
  if (prefix)
    await dropDatabases(prefix).catch(e =>
      log(`could not drop ${prefix}*: ${e.message}`),
    );
  removeDir(dir);
}
installSignalHandlers(cleanupRun);

/** Time for a bare Node HTTP server to start and answer: the process start floor. */
async function referenceOnce() {
  await assertPortFree(REF_PORT);
  const t0 = now();
  const child = spawn(
    nodeBin(),
    [
      '-e',
      `require('http').createServer((q,s)=>s.end('ok')).listen(${REF_PORT})`,
    ],
    {
      stdio: 'ignore',
    },
  );
  try {
    const { value } = await waitUntil(
      'the reference server',
      async () => {
        const res = await request(`http://localhost:${REF_PORT}/`, {
          timeoutMs: 1000,
          keepAlive: false,
        });
        return res.status === 200 && res.body.toString() === 'ok' && now() - t0;
      },
      { timeoutMs: 30_000, intervalMs: 5 },
    );
    return value;
  } finally {
    child.kill('SIGKILL');
    await new Promise(r =>
      child.exitCode !== null ? r() : child.once('exit', r),
    );
  }
}

/**
 * Where the start goes, from the backend's own log timestamps: launch -> first
 * log line of the backend (yarn, backstage-cli, loading and transpiling the
 * backend's modules) -> "Plugin initialization complete" (plugins' init,
 * database migrations included).
 */
function phases(logFile, wall0) {
  const lines = readFileSync(logFile, 'utf8')
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n');
  const stampOf = line => {
    const m = line.match(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z) /);
    return m ? Date.parse(m[1]) - wall0 : undefined;
  };
  const first = lines.map(stampOf).find(t => t !== undefined);
  const initLine = lines.find(l =>
    l.includes('Plugin initialization complete'),
  );
  return {
    firstLogMs: first,
    pluginsInitMs: initLine ? stampOf(initLine) : undefined,
  };
}

async function backendOnce(run) {
  await assertPortFree(BENCH_PORT);
  const dir = tempDir('bench-start');
  current = { dir };
  const override = portOverride();
  if (DB === 'pg') {
    current.prefix = `bench_start_${stamp}_${run}_`;
    override.backend.database = {
      client: 'pg',
      connection: { host: PG.host, port: PG.port, user: PG.user },
      prefix: current.prefix,
    };
  } else {
    override.backend.database = {
      client: 'better-sqlite3',
      connection: { directory: join(dir, 'sqlite') },
    };
  }
  const config = writeYaml(join(dir, 'bench-config.yaml'), override);
  const logFile = join(dir, 'backend.log');

  const t0 = now();
  const wall0 = Date.now();
  const backend = startBackend({
    configs: ['../../app-config.yaml', config],
    logFile,
  });
  current.backend = backend;
  const alive = () => {
    if (backend.exited)
      throw fatal(
        `backend exited early: ${readFileSync(logFile, 'utf8').slice(-1500)}`,
      );
    // a restart makes the run worthless: stop waiting and do it again
    if (restartsIn(logFile) > 0)
      throw fatal('the backend restarted (a source file changed)');
  };
  try {
    await waitUntil('readiness', async () => (alive(), isReady()), {
      timeoutMs: TIMEOUT,
      intervalMs: 100,
    });
    const readyMs = now() - t0;
    let token;
    let lastCount;
    await waitUntil(
      `/api/stacks/stacks with ${EXPECTED_STACKS} stacks`,
      async () => {
        alive();
        token ??= await userToken();
        const res = await request(`${BASE_URL}/api/stacks/stacks`, {
          headers: { authorization: `Bearer ${token}` },
          timeoutMs: 10_000,
        });
        if (res.status !== 200) return false;
        lastCount = JSON.parse(res.body.toString()).stacks.length;
        return lastCount === EXPECTED_STACKS;
      },
      { timeoutMs: TIMEOUT - readyMs, intervalMs: 200 },
    ).catch(e => {
      throw new Error(`${e.message} (last count ${lastCount ?? 'none'})`);
    });
    const stacksMs = now() - t0;
    const restarted = restartsIn(logFile) > 0;
    return { readyMs, stacksMs, restarted, ...phases(logFile, wall0) };
  } catch (e) {
    const kept = preserveLog(logFile, 'bench-start-time');
    if (kept) log(`backend log kept at ${kept}`);
    // A restart caused by someone editing the sources: report it as such.
    if (restartsIn(logFile) > 0) return { restarted: true, error: e };
    throw e;
  } finally {
    await cleanupRun();
  }
}

async function main() {
  log(
    `machine: ${machine()}; database: ${DB}; expecting ${EXPECTED_STACKS} stacks`,
  );
  const loadBefore = load();
  const rows = [];
  for (let run = 1; run <= RUNS; run++) {
    const refMs = await referenceOnce();
    // backstage-cli restarts the backend when a source file it loaded changes
    // (the tree is shared); such a run is thrown away and done again.
    let result;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      result = await backendOnce(run);
      if (!result.restarted) break;
      log(
        `run ${run}, attempt ${attempt}: a source file changed and the backend restarted; ${
          attempt < ATTEMPTS ? 'running it again' : 'giving up'
        }`,
      );
      await sleep(2000);
    }
    if (result.restarted) {
      throw new Error(
        `run ${run}: the backend restarted in each of ${ATTEMPTS} attempts: someone keeps editing the sources it runs`,
      );
    }
    rows.push({ refMs, ...result });
    log(
      `run ${run}: reference ${fmt(refMs)}, readiness ${fmt(
        result.readyMs,
        0,
      )}, ${EXPECTED_STACKS} stacks ${fmt(result.stacksMs, 0)}`,
    );
    await sleep(2000);
  }
  const ref = median(rows.map(r => r.refMs));
  const ready = median(rows.map(r => r.readyMs));
  const stacks = median(rows.map(r => r.stacksMs));
  console.log(
    `\nBackend start time (${
      DB === 'pg' ? 'PostgreSQL' : 'SQLite'
    }, fresh data, ${RUNS} runs, medians)`,
  );
  console.log(`  ${new Date().toISOString()}  ${machine()}`);
  console.log(
    `  code: ${treeState()}; load average (1 min) before ${loadBefore}, after ${load()}`,
  );
  for (const [i, r] of rows.entries()) {
    console.log(
      `  run ${i + 1}: reference ${fmt(r.refMs)}  first backend log line ${sec(
        r.firstLogMs,
      )}  plugins initialised ${sec(r.pluginsInitMs)}  readiness ${sec(
        r.readyMs,
      )}  stacks ${sec(r.stacksMs)}`,
    );
  }
  console.log(`  reference (bare node http server answers): ${fmt(ref)}`);
  console.log(
    `  launch -> readiness 200:                      ${(ready / 1000).toFixed(
      2,
    )} s  (ratio ${(ready / ref).toFixed(1)} x reference)`,
  );
  console.log(
    `  launch -> /api/stacks/stacks with ${EXPECTED_STACKS} stacks: ${(
      stacks / 1000
    ).toFixed(2)} s  (ratio ${(stacks / ref).toFixed(1)} x reference)`,
  );
  console.log(
    `RESULT ${JSON.stringify({
      bench: 'start-time',
      date: new Date().toISOString(),
      db: DB,
      runs: rows,
      medians: { refMs: ref, readyMs: ready, stacksMs: stacks },
      ratioReady: ready / ref,
      ratioStacks: stacks / ref,
    })}`,
  );
}

let code = 0;
try {
  await main();
} catch (e) {
  console.error(`start-time FAILED: ${e.message}`);
  code = 1;
} finally {
  await cleanupRun();
}
process.exit(code);
