// The home page's initial JavaScript, gzip-compressed, as Chromium loads it.
//
//   node bench/home-js-size.mjs [--db=sqlite|pg]
//
// Needs the built app (packages/app/dist). Starts the backend on port 7027 on
// a fresh SQLite folder, opens http://localhost:7027/ in Chromium, signs in as
// eli.martin through the development sign-in (localStorage key
// `stack-portal:dev-user`, then a reload with the browser cache off), waits for
// network idle and the "Stacks summary" widget, and sums the gzip size of every
// script response of that load. Reference: the gzip size of every .js file in
// packages/app/dist/static (the whole bundle).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  assertPortFree,
  BASE_URL,
  BENCH_PORT,
  dropDatabases,
  fatal,
  installSignalHandlers,
  isReady,
  load,
  log,
  machine,
  PG,
  preserveLog,
  portOverride,
  removeDir,
  require,
  restartsIn,
  ROOT,
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
const DB = arg('db', 'sqlite');
const CHROMIUM = process.env.PORTAL_CHROMIUM ?? '/usr/bin/chromium';
const DIST = join(ROOT, 'packages/app/dist');
const STATIC = join(DIST, 'static');
const USER = 'eli.martin';
const STORAGE_KEY = 'stack-portal:dev-user';
const kb = bytes => `${(bytes / 1024).toFixed(1)} KB`;

if (!existsSync(join(DIST, 'index.html')) || !existsSync(STATIC)) {
  console.error(
    'home-js-size: packages/app/dist is not built. Build it first with `./portal start` ' +
      '(builds the app when needed) or `yarn workspace app build`.',
  );
  process.exit(1);
}

const stamp = new Date()
  .toISOString()
  .replace(/[-:]/g, '')
  .replace('T', 't')
  .slice(0, 15);
const prefix = DB === 'pg' ? `bench_homejs_${stamp}_` : undefined;
const dir = tempDir('bench-homejs');
let backend;
let browser;
let logFile;
let failed = false;
async function cleanup() {
  if (browser) await browser.close().catch(() => {});
  browser = undefined;
  if (backend) await backend.stop();
  backend = undefined;
  if (prefix)
    await dropDatabases(prefix).catch(e =>
      log(`could not drop ${prefix}*: ${e.message}`),
    );
  if (failed) {
    const kept = preserveLog(logFile, 'bench-home-js-size');
    if (kept) log(`backend log kept at ${kept}`);
  }
  removeDir(dir);
}
installSignalHandlers(cleanup);

/** Is any frontend source newer than the build? Then the figure describes old code. */
function staleSources() {
  const built = statSync(join(DIST, 'index.html')).mtimeMs;
  const newer = [];
  const walk = d => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (['node_modules', 'dist', 'dist-types'].includes(e.name)) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(tsx?|json)$/.test(e.name) && statSync(p).mtimeMs > built)
        newer.push(p.slice(ROOT.length + 1));
    }
  };
  for (const d of [
    'packages/app/src',
    'packages/app/package.json',
    'plugins',
  ]) {
    const p = join(ROOT, d);
    if (!existsSync(p)) continue;
    if (statSync(p).isDirectory()) walk(p);
    else if (statSync(p).mtimeMs > built) newer.push(d);
  }
  return newer;
}

async function main() {
  await assertPortFree(BENCH_PORT);
  const builtAt = statSync(join(DIST, 'index.html')).mtime.toISOString();
  const stale = staleSources();
  log(`machine: ${machine()}; app built ${builtAt}`);
  if (stale.length) {
    log(
      `WARNING: ${
        stale.length
      } frontend sources are newer than the build (e.g. ${stale
        .slice(0, 3)
        .join(', ')}); the figure describes the build, not them`,
    );
  }

  // Reference: the whole bundle.
  const bundle = readdirSync(STATIC)
    .filter(f => f.endsWith('.js'))
    .map(f => {
      const raw = readFileSync(join(STATIC, f));
      return { f, raw: raw.length, gz: gzipSync(raw).length };
    });
  const bundleGz = bundle.reduce((s, x) => s + x.gz, 0);
  const bundleRaw = bundle.reduce((s, x) => s + x.raw, 0);

  const override = portOverride();
  override.backend.database =
    DB === 'pg'
      ? {
          client: 'pg',
          connection: { host: PG.host, port: PG.port, user: PG.user },
          prefix,
        }
      : {
          client: 'better-sqlite3',
          connection: { directory: join(dir, 'sqlite') },
        };
  const config = writeYaml(join(dir, 'bench-config.yaml'), override);
  logFile = join(dir, 'backend.log');
  backend = startBackend({
    configs: ['../../app-config.yaml', config],
    logFile,
  });
  const alive = () => {
    if (backend.exited)
      throw fatal(
        `backend exited early; log tail:\n${readFileSync(logFile, 'utf8').slice(
          -1500,
        )}`,
      );
  };
  await waitUntil('readiness', async () => (alive(), isReady()), {
    timeoutMs: 5 * 60_000,
    intervalMs: 500,
  });
  // The sign-in resolves the user from the catalog: wait until it is ingested.
  await waitUntil(
    `${USER} in the catalog`,
    async () => (alive(), userToken(USER)),
    {
      timeoutMs: 5 * 60_000,
      intervalMs: 1000,
    },
  );
  log('backend ready, user ingested; opening Chromium');

  const { chromium } = require('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    timeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });

  /** One signed-in home page load; returns its script responses and whether the network went idle. */
  const loadHome = async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(120_000);
      await page.goto(`${BASE_URL}/`, { waitUntil: 'load' });
      await page.evaluate(
        ([k, v]) => window.localStorage.setItem(k, v),
        [STORAGE_KEY, USER],
      );

      // The signed-in load, as a first visit: no browser cache.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      const scripts = new Map();
      const pending = [];
      page.on('response', response => {
        if (response.request().resourceType() !== 'script') return;
        pending.push(
          response
            .body()
            .then(body => {
              if (!scripts.has(response.url())) {
                scripts.set(response.url(), {
                  status: response.status(),
                  raw: body.length,
                  gz: gzipSync(body).length,
                });
              }
            })
            .catch(e => log(`could not read ${response.url()}: ${e.message}`)),
        );
      });
      await page.reload({ waitUntil: 'load' });
      let idle = true;
      await page
        .waitForLoadState('networkidle', { timeout: 60_000 })
        .catch(() => {
          idle = false;
          log('WARNING: the network did not go idle within 60 s');
        });
      await page
        .getByText('Stacks summary')
        .first()
        .waitFor({ state: 'visible', timeout: 120_000 });
      // Anything the widgets pulled in while rendering counts too.
      await page
        .waitForLoadState('networkidle', { timeout: 30_000 })
        .catch(() => {});
      await Promise.all(pending);
      return { scripts, idle };
    } finally {
      await context.close().catch(() => {});
    }
  };

  // backstage-cli restarts the backend when a source file it loaded changes
  // (the tree is shared): a load that failed because of a restart is redone.
  let loaded;
  for (let attempt = 1; !loaded; attempt++) {
    const before = restartsIn(logFile);
    try {
      loaded = await loadHome();
    } catch (e) {
      if (restartsIn(logFile) === before || attempt >= 3) throw e;
      log(
        `attempt ${attempt}: the backend restarted (a source file changed); loading the page again`,
      );
      await waitUntil(
        'readiness after the restart',
        async () => (alive(), isReady()),
        {
          timeoutMs: 5 * 60_000,
          intervalMs: 500,
        },
      );
      await waitUntil(`${USER} after the restart`, () => userToken(USER), {
        timeoutMs: 60_000,
        intervalMs: 1000,
      });
    }
  }
  const { scripts, idle } = loaded;

  const list = [...scripts.entries()].map(([url, s]) => ({
    url: url.replace(BASE_URL, ''),
    ...s,
  }));
  const initialGz = list.reduce((s, x) => s + x.gz, 0);
  const initialRaw = list.reduce((s, x) => s + x.raw, 0);
  const ratio = initialGz / bundleGz;
  const top = [...list].sort((a, b) => b.gz - a.gz).slice(0, 5);

  console.log(
    `\nHome page initial JavaScript (Chromium, signed in as ${USER}, cache off)`,
  );
  console.log(`  ${new Date().toISOString()}  ${machine()}`);
  console.log(
    `  code: ${treeState()}; app built ${builtAt}${
      stale.length ? ` (${stale.length} sources newer than the build)` : ''
    }; load average ${load()}`,
  );
  console.log(
    `  initial load: ${list.length} scripts, ${kb(initialGz)} gz (${kb(
      initialRaw,
    )} raw)${idle ? '' : ' [network never went idle]'}`,
  );
  console.log(
    `  largest: ${top
      .map(x => `${x.url.split('/').pop()} ${kb(x.gz)}`)
      .join(', ')}`,
  );
  console.log(
    `  reference, whole bundle: ${
      bundle.length
    } .js files in packages/app/dist/static, ${kb(bundleGz)} gz (${kb(
      bundleRaw,
    )} raw)`,
  );
  console.log(
    `  ratio initial / whole bundle (gz): ${ratio.toFixed(3)} (${(
      ratio * 100
    ).toFixed(1)} %)`,
  );
  console.log(
    `RESULT ${JSON.stringify({
      bench: 'home-js-size',
      date: new Date().toISOString(),
      initial: { scripts: list.length, gz: initialGz, raw: initialRaw },
      bundle: { files: bundle.length, gz: bundleGz, raw: bundleRaw },
      ratio,
      idle,
    })}`,
  );
}

let code = 0;
try {
  await main();
} catch (e) {
  console.error(`home-js-size FAILED: ${e.message}`);
  failed = true;
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);
