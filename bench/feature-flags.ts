// Feature flags through the portal against a real Unleash server on PostgreSQL.
//
//   node --require @backstage/cli/config/nodeTransform.cjs bench/feature-flags.ts \
//     [--flags=5000] [--runs=60] [--keep]
//
// 1. Starts a real Unleash (unleash-server, plugins/feature-flags-backend/scripts/
//    start-unleash.mjs) on a fresh database unleash_test_<random>, tries to add a
//    third environment (Unleash OSS ships two and its API cannot add one: the row
//    is inserted into Unleash's own environments tables; OSS 8.2 still lists only
//    development and production, and the run reports how many it measured)
//    and creates --flags flags through the Admin API.
// 2. Starts the portal backend on port 7027 (lib.mjs startBackend, PostgreSQL
//    bench_ff_* databases) with featureFlags on that Unleash.
// 3. Measures, each against a reference in the same run, round-robin:
//    - GET /api/feature-flags/flags (all flags, 3 environments), warm, as eli.martin;
//      reference: one direct Admin API call GET /api/admin/projects/default/features;
//    - a toggle round trip PUT .../environments/<staging or development> (portal -> Unleash ->
//      changed-by tag -> audit record, awaited) as amara.okafor; reference: the
//      direct Admin API toggle POST .../environments/staging/on|off;
//    - POST .../evaluate (unleash-client over the provider's data); reference:
//      a direct Admin API read of that one flag (Unleash's playground evaluates
//      every flag of the project, 9 s at 5,000 flags: no fair reference).
// Prints the figures and one line RESULT {...}. Cleans up whatever happens.
import { join } from 'node:path';
import {
  assertPortFree,
  BASE_URL,
  BENCH_PORT,
  dropDatabases,
  fmt,
  getJson,
  installSignalHandlers,
  isReady,
  load,
  log,
  machine,
  percentile,
  portOverride,
  request,
  startBackend,
  tempDir,
  treeState,
  userToken,
  waitUntil,
  writeYaml,
  removeDir,
  restartsIn,
  preserveLog,
} from './lib.mjs';
import {
  ADMIN_TOKEN,
  UnleashTestServer,
} from '../plugins/feature-flags-backend/src/testUtils';

const arg = (name: string, fallback: number) => {
  const hit = process.argv.find(a => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : fallback;
};
const FLAGS = arg('flags', 5000);
const RUNS = arg('runs', 60);
const KEEP = process.argv.includes('--keep');
const prefix = `bench_ff_${Date.now()}_`;
const dir = tempDir('feature-flags');

let unleash: UnleashTestServer | undefined;
let backend: any;

async function cleanup() {
  try {
    await backend?.stop();
  } catch (e) {
    log(`stopping the backend: ${(e as Error).message}`);
  }
  try {
    await unleash?.destroy();
  } catch (e) {
    log(`stopping Unleash: ${(e as Error).message}`);
  }
  try {
    await dropDatabases(prefix);
  } catch (e) {
    log(`dropping ${prefix}*: ${(e as Error).message}`);
  }
  if (!KEEP) removeDir(dir);
}
installSignalHandlers(cleanup);

async function timed(
  fn: () => Promise<{ status: number; body: Buffer }>,
  ok: number[] = [200],
) {
  let t = performance.now();
  let res;
  try {
    res = await fn();
  } catch (error) {
    // a keep-alive socket the server had already closed: the client's artefact, not the server's time
    if ((error as { code?: string }).code !== 'ECONNRESET') throw error;
    log('ECONNRESET on a reused socket; request repeated');
    t = performance.now();
    res = await fn();
  }
  const ms = performance.now() - t;
  if (!ok.includes(res.status))
    throw new Error(
      `HTTP ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`,
    );
  return ms;
}

const p95 = (xs: number[]) => percentile(xs, 95);

async function main() {
  await assertPortFree(BENCH_PORT);
  const loadBefore = load();
  log(`machine: ${machine()}`);
  unleash = await UnleashTestServer.create();
  log(`Unleash on ${unleash.url}, database ${unleash.database}`);

  // a third environment, as the enterprise API would add it
  const { knex } = require('knex');
  const db = knex({
    client: 'pg',
    connection: {
      host: '127.0.0.1',
      port: 5432,
      user: 'postgres',
      database: unleash.database,
    },
  });
  try {
    await db('environments').insert({
      name: 'staging',
      type: 'test',
      sort_order: 3,
      enabled: true,
      protected: false,
    });
    await db('project_environments').insert({
      project_id: 'default',
      environment_name: 'staging',
    });
  } finally {
    await db.destroy();
  }

  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < FLAGS) {
        const i = next++;
        await unleash!.admin('POST', '/api/admin/projects/default/features', {
          name: `BENCH_FLAG_${String(i).padStart(5, '0')}`,
          type: i % 5 === 0 ? 'experiment' : 'release',
          description: `benchmark flag ${i}`,
        });
      }
    }),
  );
  log(
    `created ${FLAGS} flags in ${((performance.now() - t0) / 1000).toFixed(
      1,
    )} s`,
  );
  const envs = await unleash.admin('GET', '/api/admin/environments');
  const envNames: string[] = envs.environments.map((e: any) => e.name);
  // Unleash OSS may hide the inserted environment: then the run says so and toggles development
  const toggleEnv = envNames.includes('staging') ? 'staging' : 'development';
  log(`Unleash environments: ${envNames.join(', ')}; toggling in ${toggleEnv}`);

  const override: any = portOverride();
  override.backend.database = {
    client: 'pg',
    connection: { host: '127.0.0.1', port: 5432, user: 'postgres' },
    prefix,
  };
  override.featureFlags = {
    provider: 'unleash',
    protectedEnvironments: ['production'],
    // the flags' search index (5,000 documents) is built 10 s after start and
    // then every 10 minutes: the rounds measure the routes, not the routes
    // beside an index build (bench/README.md says what that costs them)
    search: {
      schedule: {
        frequency: { minutes: 30 },
        timeout: { minutes: 5 },
        initialDelay: { minutes: 20 },
      },
    },
  };
  override.unleash = { url: unleash.url, adminToken: ADMIN_TOKEN };
  const configFile = writeYaml(join(dir, 'bench-config.yaml'), override);
  const logFile = join(dir, 'backend.log');
  backend = startBackend({
    configs: ['../../app-config.yaml', configFile],
    logFile,
  });
  await waitUntil('readiness', async () => isReady(), {
    timeoutMs: 300_000,
    intervalMs: 500,
  });
  const { value: engineer } = await waitUntil(
    'eli.martin in the catalog',
    () => userToken('eli.martin'),
    { timeoutMs: 120_000, intervalMs: 2000 },
  );
  const admin = await userToken('amara.okafor');
  const asEngineer = { authorization: `Bearer ${engineer}` };
  const asAdmin = {
    authorization: `Bearer ${admin}`,
    'content-type': 'application/json',
  };
  let restarts = restartsIn(logFile);
  let discarded = 0;
  const direct = {
    authorization: ADMIN_TOKEN,
    'content-type': 'application/json',
  };

  // warm up: the first read fills the portal's snapshot
  for (let i = 0; i < 5; i++) {
    const { json } = await getJson(`${BASE_URL}/api/feature-flags/flags`, {
      headers: asEngineer,
      timeoutMs: 60_000,
    });
    if (i === 0)
      log(
        `portal lists ${json.flags.length} flags in ${json.environments.length} environments (degraded: ${json.degraded})`,
      );
  }

  const list: number[] = [];
  const listRef: number[] = [];
  const toggle: number[] = [];
  const toggleRef: number[] = [];
  const preview: number[] = [];
  const previewRef: number[] = [];
  const flagPath = '/api/feature-flags/flags/default/BENCH_FLAG_00001';
  for (let i = 0; i < RUNS; i++) {
    const round: Record<string, number> = {};
    try {
      round.list = await timed(() =>
        request(`${BASE_URL}/api/feature-flags/flags`, {
          headers: asEngineer,
          timeoutMs: 60_000,
        }),
      );
      round.listRef = await timed(() =>
        request(`${unleash!.url}/api/admin/projects/default/features`, {
          headers: direct,
          timeoutMs: 60_000,
        }),
      );
      round.toggle = await timed(() =>
        request(`${BASE_URL}${flagPath}/environments/${toggleEnv}`, {
          method: 'PUT',
          headers: asAdmin,
          body: JSON.stringify({ enabled: i % 2 === 0 }),
        }),
      );
      round.toggleRef = await timed(() =>
        request(
          `${
            unleash!.url
          }/api/admin/projects/default/features/BENCH_FLAG_00002/environments/${toggleEnv}/${
            i % 2 === 0 ? 'on' : 'off'
          }`,
          {
            method: 'POST',
            headers: direct,
          },
        ),
      );
      const context = { userId: `user-${i}`, tenantId: `tenant-${i % 7}` };
      round.preview = await timed(() =>
        request(`${BASE_URL}${flagPath}/evaluate`, {
          method: 'POST',
          headers: asAdmin,
          body: JSON.stringify({ environment: toggleEnv, context }),
        }),
      );
      round.previewRef = await timed(() =>
        request(
          `${
            unleash!.url
          }/api/admin/projects/default/features/BENCH_FLAG_00001`,
          { headers: direct },
        ),
      );
    } catch (error) {
      // backstage-cli restarts the backend when someone edits a source file it loaded: drop the round, wait, go on
      if (restartsIn(logFile) > restarts && discarded < 5) {
        restarts = restartsIn(logFile);
        discarded++;
        log(
          `the backend restarted (an edit in the tree); round ${i} discarded`,
        );
        await waitUntil('readiness after the restart', async () => isReady(), {
          timeoutMs: 300_000,
          intervalMs: 500,
        });
        await getJson(`${BASE_URL}/api/feature-flags/flags`, {
          headers: asEngineer,
          timeoutMs: 60_000,
        });
        i--;
        continue;
      }
      log(`backend log kept at ${preserveLog(logFile, 'feature-flags')}`);
      throw error;
    }
    list.push(round.list);
    listRef.push(round.listRef);
    toggle.push(round.toggle);
    toggleRef.push(round.toggleRef);
    preview.push(round.preview);
    previewRef.push(round.previewRef);
  }
  const audit = await getJson(
    `${BASE_URL}/api/feature-flags/flags/default/BENCH_FLAG_00001`,
    { headers: asEngineer },
  );
  const figures = {
    flags: FLAGS,
    environments: envs.environments.length,
    runs: RUNS,
    discardedRounds: discarded,
    listP95: p95(list),
    listDirectP95: p95(listRef),
    listRatio: p95(list) / p95(listRef),
    toggleP95: p95(toggle),
    toggleDirectP95: p95(toggleRef),
    toggleRatio: p95(toggle) / p95(toggleRef),
    previewP95: p95(preview),
    previewDirectP95: p95(previewRef),
    previewRatio: p95(preview) / p95(previewRef),
    targets: { listP95: 200, toggleP95: 100, previewP95: 20 },
  };
  console.log(
    `\nFeature flags through the portal, real Unleash on PostgreSQL (${FLAGS} flags, ${figures.environments} environments, ${RUNS} runs each)`,
  );
  console.log(`  ${new Date().toISOString()}  ${machine()}`);
  console.log(
    `  code: ${treeState()}; load average (1 min) before ${loadBefore}, after ${load()}`,
  );
  console.log(
    `  list   p95 ${fmt(
      figures.listP95,
    )} (target <= 200)   direct Admin API ${fmt(
      figures.listDirectP95,
    )}   ratio ${figures.listRatio.toFixed(2)}`,
  );
  console.log(
    `  toggle p95 ${fmt(
      figures.toggleP95,
    )} (target <= 100)   direct Admin API ${fmt(
      figures.toggleDirectP95,
    )}   ratio ${figures.toggleRatio.toFixed(2)}`,
  );
  console.log(
    `  preview p95 ${fmt(
      figures.previewP95,
    )} (target <= 20)   direct Admin API read of the flag ${fmt(
      figures.previewDirectP95,
    )}   ratio ${figures.previewRatio.toFixed(2)}`,
  );
  console.log(
    `  last change of BENCH_FLAG_00001: ${JSON.stringify(
      audit.json.flag.lastChange,
    )}`,
  );
  console.log(`RESULT ${JSON.stringify(figures)}`);
}

main()
  .then(cleanup, async error => {
    console.error(error);
    await cleanup();
    process.exitCode = 1;
  })
  .then(() => process.exit());
