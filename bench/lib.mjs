// Helpers shared by the benchmarks: start and stop the portal's backend the way
// `./portal start` does, wait with a time-out, time HTTP requests, summarise.
// Node built-ins only, plus `pg` and `yaml` from the repo's node_modules.
import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const require = createRequire(join(ROOT, 'package.json'));
export const YARN_JS = join(ROOT, '.yarn/releases/yarn-4.13.0.cjs');
// BENCH_PORT moves a benchmark off 7027 when another one runs there
export const BENCH_PORT = Number(process.env.BENCH_PORT ?? 7027);
export const BASE_URL = `http://localhost:${BENCH_PORT}`;
export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };

const TOOLS_NODE = join(ROOT, '.tools/node');

/** The repo's Node 22 when `./portal` fetched it, else the Node running this script. */
export function nodeBin() {
  const tools = join(TOOLS_NODE, 'bin/node');
  return existsSync(tools) ? tools : process.execPath;
}

/** The environment `./portal` gives the backend: the repo's Node 22 first on PATH. */
export function portalEnv(extra = {}) {
  return {
    ...process.env,
    PATH: `${join(TOOLS_NODE, 'bin')}:${process.env.PATH}`,
    npm_config_nodedir: TOOLS_NODE,
    ...extra,
  };
}

export const sleep = ms => new Promise(r => setTimeout(r, ms));
export const now = () => performance.now();

export function log(...args) {
  const t = new Date().toISOString().slice(11, 19);
  console.error(`[bench ${t}]`, ...args);
}

export function tempDir(name) {
  return mkdtempSync(join(os.tmpdir(), `${name}-`));
}

/** Fails fast when a port is already taken (7007 and 7017 belong to others). */
export async function assertPortFree(port) {
  await new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.setTimeout(1000);
    s.on('connect', () => {
      s.destroy();
      reject(
        new Error(
          `port ${port} is already in use; stop whatever listens there first`,
        ),
      );
    });
    s.on('timeout', () => {
      s.destroy();
      resolve();
    });
    s.on('error', () => resolve());
  });
}

/**
 * Polls `probe` until it returns a truthy value, at most `timeoutMs`.
 * `probe` errors count as "not yet", except errors marked `fatal: true`,
 * which end the wait at once. Throws with `what` on time-out.
 *
 * @template T
 * @param {string} what
 * @param {() => T | Promise<T>} probe
 * @param {{ timeoutMs: number, intervalMs?: number, onTick?: (ms: number) => void }} options
 * @returns {Promise<{ value: T, ms: number }>}
 */
export async function waitUntil(
  what,
  probe,
  { timeoutMs, intervalMs = 250, onTick } = {},
) {
  const start = now();
  let lastError;
  for (;;) {
    try {
      const value = await probe();
      if (value) return { value, ms: now() - start };
    } catch (e) {
      if (e.fatal) throw e;
      lastError = e;
    }
    if (now() - start > timeoutMs) {
      throw new Error(
        `timed out after ${Math.round(
          timeoutMs / 1000,
        )} s waiting for ${what}` +
          (lastError ? ` (last error: ${lastError.message})` : ''),
      );
    }
    if (onTick) onTick(now() - start);
    await sleep(intervalMs);
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/**
 * One HTTP request with a hard time-out. Resolves { status, body, ms } where
 * ms runs from sending the request to the last byte of the response body.
 *
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string, string>, body?: string | Buffer, timeoutMs?: number, keepAlive?: boolean }} [options]
 * @returns {Promise<{ status: number, body: Buffer, ms: number }>}
 */
export function request(
  url,
  {
    method = 'GET',
    headers = {},
    body,
    timeoutMs = 30_000,
    keepAlive = true,
  } = {},
) {
  return new Promise((resolve, reject) => {
    const start = now();
    const req = http.request(
      url,
      { method, headers, agent: keepAlive ? agent : false, timeout: timeoutMs },
      res => {
        const chunks = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            body: Buffer.concat(chunks),
            ms: now() - start,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`${method} ${url}: no answer in ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    if (body) req.end(body);
    else req.end();
  });
}

export async function getJson(url, options) {
  const res = await request(url, options);
  if (res.status !== 200) {
    throw new Error(
      `${url}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 300)}`,
    );
  }
  return { json: JSON.parse(res.body.toString('utf8')), ms: res.ms };
}

/** A user token from the development sign-in (the user must be in the catalog). */
export async function userToken(userName = 'eli.martin', baseUrl = BASE_URL) {
  const { json } = await getJson(`${baseUrl}/api/auth/development/refresh`, {
    headers: { 'x-stack-portal-user': userName },
    timeoutMs: 10_000,
  });
  return json.backstageIdentity.token;
}

export async function isReady(baseUrl = BASE_URL) {
  const res = await request(`${baseUrl}/.backstage/health/v1/readiness`, {
    timeoutMs: 2000,
    keepAlive: false,
  });
  return res.status === 200;
}

/**
 * The backend started the way `./portal start` starts it:
 * `cd packages/backend && node .yarn/releases/yarn-4.13.0.cjs start --config ...`.
 * It runs in its own process group so that stop() ends yarn, backstage-cli and
 * the backend process together (and nothing else). Output goes to logFile.
 */
export function startBackend({ configs, logFile, env = {} }) {
  const args = [YARN_JS, 'start'];
  for (const c of configs) args.push('--config', c);
  const out = createWriteStream(logFile);
  const child = spawn(nodeBin(), args, {
    cwd: join(ROOT, 'packages/backend'),
    env: portalEnv(env),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  let exited = false;
  const exitPromise = new Promise(resolve =>
    child.on('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );
  const killGroup = signal => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  // Never leave a backend behind, whatever way this script ends.
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);
  const handle = {
    pid: child.pid,
    get exited() {
      return exited;
    },
    exitPromise,
    async stop() {
      process.off('exit', onExit);
      killGroup('SIGTERM');
      const done = await Promise.race([
        exitPromise.then(() => true),
        sleep(10_000).then(() => false),
      ]);
      // The group may still hold the backend process even when yarn is gone.
      await sleep(500);
      killGroup('SIGKILL');
      if (!done) await Promise.race([exitPromise, sleep(5000)]);
      out.end();
    },
  };
  return handle;
}

/**
 * How many times backstage-cli restarted the backend because a source file it
 * loaded changed (the working tree is shared: someone else may be editing it).
 */
export function restartsIn(logFile) {
  try {
    return (
      readFileSync(logFile, 'utf8').match(/Change detected, restarting/g) ?? []
    ).length;
  } catch {
    return 0;
  }
}

/** An error that ends a waitUntil at once instead of counting as "not yet". */
export function fatal(message) {
  return Object.assign(new Error(message), { fatal: true });
}

/** Keeps a failed run's backend log outside the temp folder that is deleted. */
export function preserveLog(logFile, name) {
  if (!logFile || !existsSync(logFile)) return undefined;
  const kept = join(os.tmpdir(), `${name}-${Date.now()}-backend.log`);
  copyFileSync(logFile, kept);
  return kept;
}

/** Stops the backend and re-raises on Ctrl-C / SIGTERM so cleanup always runs. */
export function installSignalHandlers(cleanup) {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, async () => {
      log(`${sig}: cleaning up`);
      try {
        await cleanup();
      } finally {
        process.exit(130);
      }
    });
  }
}

/** Writes a YAML config file from a plain object (via the repo's `yaml`). */
export function writeYaml(path, value) {
  const yaml = require('yaml');
  writeFileSync(path, yaml.stringify(value, { lineWidth: 0 }));
  return path;
}

/** The override every benchmark backend needs: port 7027 everywhere. */
export function portOverride() {
  return {
    app: { baseUrl: BASE_URL },
    backend: {
      baseUrl: BASE_URL,
      listen: { port: BENCH_PORT },
      cors: { origin: BASE_URL },
    },
  };
}

// ---- statistics --------------------------------------------------------------

/** Nearest-rank percentile of an array of numbers (p in 0..100). */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summary(values) {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: Math.max(...values),
  };
}

export const median = values => percentile(values, 50);
export const fmt = (ms, digits = 1) => `${ms.toFixed(digits)} ms`;

export function machine() {
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model ?? 'cpu'}, ${Math.round(
    os.totalmem() / 2 ** 30,
  )} GiB RAM, ${os.platform()} ${os.release()}, Node ${process.version}`;
}

/**
 * CPU seconds (user + system) used so far by every live process of a process
 * group: the backend's yarn, backstage-cli and node processes. Linux /proc only.
 */
export function groupCpuSeconds(pgid) {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of readdirSync('/proc').filter(d => /^[0-9]+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] is state (field 3); pgrp is field 5, utime 14, stime 15
      if (Number(fields[2]) !== pgid) continue;
      total += (Number(fields[11]) + Number(fields[12])) / tick;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** 1-minute load average: other work on the machine skews every figure. */
export const load = () => os.loadavg()[0].toFixed(2);

/** Which code was measured: HEAD plus how many paths differ from it. */
export function treeState() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
    })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT })
      .toString()
      .split('\n')
      .filter(Boolean).length;
    return dirty ? `${head} + ${dirty} uncommitted paths` : head;
  } catch {
    return 'unknown';
  }
}

// ---- PostgreSQL --------------------------------------------------------------

export async function pgClient() {
  const { Client } = require('pg');
  const client = new Client({
    ...PG,
    database: 'postgres',
    connectionTimeoutMillis: 5000,
  });
  await client.connect();
  return client;
}

/** Drops every database whose name starts with prefix (only bench_ prefixes). */
export async function dropDatabases(prefix) {
  if (!/^bench_[a-z0-9_]+_$/.test(prefix))
    throw new Error(`refusing to drop databases with prefix ${prefix}`);
  const client = await pgClient();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname',
      [prefix],
    );
    for (const { datname } of rows) {
      await client.query(
        `DROP DATABASE IF EXISTS "${datname.replace(/"/g, '""')}" WITH (FORCE)`,
      );
    }
    return rows.map(r => r.datname);
  } finally {
    await client.end();
  }
}

export function removeDir(dir) {
  if (dir && dir.startsWith(os.tmpdir()))
    rmSync(dir, { recursive: true, force: true });
}
