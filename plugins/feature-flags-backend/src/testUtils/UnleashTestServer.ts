import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { knex } from 'knex';

export const ADMIN_TOKEN = '*:*.portal-test-admin-token';
export const CLIENT_TOKEN = '*:development.portal-test-client-token';

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

/**
 * A real Unleash server (the `unleash-server` package) in a child process on
 * a fresh PostgreSQL database; `stop()` and `start()` again take it down and
 * back on the same port and data, as an outage would.
 */
export class UnleashTestServer {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    readonly database: string,
    private readonly env: Record<string, string>,
  ) {}

  /**
   * `env`: Unleash's own settings, e.g. `SEARCH_FEATURES_RATE_LIMIT_PER_MINUTE`
   * (its feature search's limit per client address, 15 by default).
   */
  static async create(
    options: { env?: Record<string, string> } = {},
  ): Promise<UnleashTestServer> {
    const server = new UnleashTestServer(
      await freePort(),
      `unleash_test_${randomBytes(4).toString('hex')}`,
      options.env ?? {},
    );
    await server.start();
    return server;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      process.execPath,
      [
        resolvePackagePath(
          '@internal/backstage-plugin-feature-flags-backend',
          'scripts/start-unleash.mjs',
        ),
      ],
      {
        env: {
          ...process.env,
          UNLEASH_DB: this.database,
          UNLEASH_PORT: String(this.port),
          UNLEASH_ADMIN_TOKEN: ADMIN_TOKEN,
          UNLEASH_CLIENT_TOKEN: CLIENT_TOKEN,
          NODE_OPTIONS: '',
          ...this.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    let output = '';
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`Unleash did not start in 90 s:\n${output}`)),
        90_000,
      );
      child.stdout!.on('data', chunk => {
        output += chunk;
        if (output.includes('UNLEASH_READY')) {
          clearTimeout(timer);
          ok();
        }
      });
      child.stderr!.on('data', chunk => {
        output += chunk;
      });
      child.on('exit', code => {
        clearTimeout(timer);
        fail(new Error(`Unleash exited with ${code}:\n${output}`));
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise(ok => child.once('exit', ok));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.child = undefined;
  }

  /** Kills Unleash at once (SIGKILL), as a crash or an evicted pod would. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise(ok => child.once('exit', ok));
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }

  async destroy(): Promise<void> {
    await this.stop();
    const pg = knex({
      client: 'pg',
      connection: {
        host: '127.0.0.1',
        port: 5432,
        user: 'postgres',
        database: 'postgres',
      },
    });
    try {
      await pg.raw(`DROP DATABASE IF EXISTS "${this.database}" WITH (FORCE)`);
    } finally {
      await pg.destroy();
    }
  }

  /** A direct Admin API call, as Unleash's own UI would make it. */
  async admin<T = any>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        Authorization: ADMIN_TOKEN,
        'Content-Type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
