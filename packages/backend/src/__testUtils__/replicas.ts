import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join, resolve } from 'node:path';

const backendDir = resolve(__dirname, '../..');

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

/** Whether something answers on a TCP port (Redis, PostgreSQL). */
export function answers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise(ok => {
    const socket = connect(port, host);
    socket.setTimeout(2000);
    socket.on('connect', () => {
      socket.destroy();
      ok(true);
    });
    socket.on('timeout', () => {
      socket.destroy();
      ok(false);
    });
    socket.on('error', () => ok(false));
  });
}

/**
 * One replica of the portal's backend in a process of its own, started as
 * `./portal start` starts it (src/index.ts, app-config.yaml and one more
 * config file), its output in `logFile`.
 */
export class Replica {
  private exitStatus?: { code: number | null; signal: string | null };
  readonly exited: Promise<{ code: number | null; signal: string | null }>;

  private constructor(
    readonly name: string,
    readonly url: string,
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = new Promise(ok =>
      child.on('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        ok(this.exitStatus);
      }),
    );
  }

  static start(options: {
    name: string;
    port: number;
    configFile: string;
    logDir: string;
  }): Replica {
    const logFile = join(options.logDir, `${options.name}.log`);
    const out = openSync(logFile, 'a');
    const child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        'src/index.ts',
        '--config',
        '../../app-config.yaml',
        '--config',
        options.configFile,
      ],
      {
        cwd: backendDir,
        env: { ...process.env, NODE_ENV: 'development', NODE_OPTIONS: '' },
        stdio: ['ignore', out, out],
        detached: true,
      },
    );
    closeSync(out);
    return new Replica(
      options.name,
      `http://localhost:${options.port}`,
      child,
      logFile,
    );
  }

  get status() {
    return this.exitStatus;
  }

  log(lastChars = 4000): string {
    try {
      return readFileSync(this.logFile, 'utf8').slice(-lastChars);
    } catch {
      return '';
    }
  }

  /** Polls `probe` until true; fails at once with the log if the process ends. */
  async waitFor(
    what: string,
    probe: () => Promise<boolean>,
    timeoutMs: number,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exitStatus) {
        throw new Error(
          `${this.name} exited (${JSON.stringify(
            this.exitStatus,
          )}) while waiting for ${what}:\n${this.log()}`,
        );
      }
      if (await probe().catch(() => false)) return;
      if (Date.now() > deadline) {
        throw new Error(
          `${this.name}: no ${what} after ${
            timeoutMs / 1000
          } s:\n${this.log()}`,
        );
      }
      await new Promise(r => setTimeout(r, 500));
    }
  }

  waitUntilReady(timeoutMs: number): Promise<void> {
    return this.waitFor(
      'readiness',
      async () =>
        (await fetch(`${this.url}/.backstage/health/v1/readiness`)).status ===
        200,
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    if (this.exitStatus || this.child.pid === undefined) return;
    const group = -this.child.pid;
    try {
      process.kill(group, 'SIGTERM');
    } catch {
      return;
    }
    const stopped = await Promise.race([
      this.exited.then(() => true),
      new Promise(r => setTimeout(() => r(false), 15_000)),
    ]);
    if (!stopped) {
      try {
        process.kill(group, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }
}
