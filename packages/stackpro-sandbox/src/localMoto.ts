import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RuntimeLogger } from '@internal/stackpro-runtime';

/** How long moto may take to answer after it was started. */
const MOTO_START_TIMEOUT_MS = 30_000;

/** The path of `moto_server` on the PATH, or undefined. */
export function findMotoServer(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v moto_server'], {
    encoding: 'utf8',
  });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

/** Whether something answers HTTP at a URL. */
export async function answers(url: string, timeoutMs = 1000): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}

/** A moto_server this process started. */
export interface LocalMoto {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts `moto_server` as the local CloudWatch on the endpoint's host and port,
 * unless something already answers there (a moto started by hand, or by an
 * earlier run): then that one is used. Undefined, with the reason logged,
 * when moto_server is not on the PATH or does not come up.
 */
export async function startLocalMoto(
  endpoint: string,
  logger: RuntimeLogger,
): Promise<LocalMoto | 'running' | undefined> {
  if (await answers(endpoint)) {
    logger.info(
      `CloudWatch: something already answers at ${endpoint}; the sandbox publishes there`,
    );
    return 'running';
  }
  const motoServer = findMotoServer();
  if (!motoServer) {
    return undefined;
  }
  const { hostname, port } = new URL(endpoint);
  const child: ChildProcess = spawn(
    motoServer,
    ['-H', hostname, '-p', port || '80'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let output = '';
  child.stderr!.on('data', chunk => {
    output = (output + chunk).slice(-4000);
  });
  const deadline = Date.now() + MOTO_START_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    if (await answers(endpoint)) {
      logger.info(
        `CloudWatch: moto_server started at ${endpoint} (pid ${child.pid})`,
      );
      return {
        endpoint,
        async stop() {
          if (child.exitCode !== null) return;
          const exited = new Promise(resolve => child.once('exit', resolve));
          child.kill('SIGTERM');
          await Promise.race([
            exited,
            sleep(5000).then(() => child.kill('SIGKILL')),
          ]);
        },
      };
    }
    await sleep(250);
  }
  child.kill('SIGKILL');
  logger.warn(
    `CloudWatch: moto_server did not answer at ${endpoint} within ${
      MOTO_START_TIMEOUT_MS / 1000
    } s: ${output.trim()}`,
  );
  return undefined;
}
