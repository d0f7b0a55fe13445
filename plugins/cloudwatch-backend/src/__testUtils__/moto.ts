import { ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const START_TIMEOUT_MS = 30_000;
const POLL_MS = 200;

/** Where moto_server is on the PATH, if it is. */
export function findMotoServer(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'moto_server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** moto_server on the PATH, or undefined: then its tests are skipped, loudly. */
export const motoServerPath = findMotoServer();

if (!motoServerPath) {
  // eslint-disable-next-line no-console
  console.warn(
    `\n${'#'.repeat(
      70,
    )}\nmoto_server is NOT on the PATH: the local CloudWatch tests are SKIPPED\n(pip install 'moto[server]==5.2.1' to run them)\n${'#'.repeat(
      70,
    )}\n`,
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A moto_server of its own, on a free port: the local CloudWatch of a test. */
export class MotoServer {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(): Promise<MotoServer> {
    const binary = findMotoServer();
    if (!binary) throw new Error('moto_server is not on the PATH');
    const port = await freePort();
    const child = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: 'ignore',
    });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      try {
        const response = await fetch(`${url}/moto-api/`);
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill();
        throw new Error(`moto_server did not start on ${url}`);
      }
      await new Promise(resolve => setTimeout(resolve, POLL_MS));
    }
    return new MotoServer(url, child);
  }

  /** Forgets every metric, alarm and dashboard. */
  async reset() {
    await fetch(`${this.url}/moto-api/reset`, { method: 'POST' });
  }

  async stop() {
    this.child.kill();
  }
}
