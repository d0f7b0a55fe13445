import { execFile } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';

/** The newest PostgreSQL server binaries on this machine (`PORTAL_PG_BIN` first). */
export function postgresBinaries(): string | undefined {
  const candidates = [
    process.env.PORTAL_PG_BIN,
    ...(existsSync(PG_ROOT)
      ? readdirSync(PG_ROOT)
          .sort((a, b) => Number(b) - Number(a))
          .map(version => join(PG_ROOT, version, 'bin'))
      : []),
  ];
  return candidates.find(
    dir =>
      dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')),
  );
}

/**
 * A PostgreSQL cluster of the test's own (initdb, pg_ctl), on its own port,
 * so that the test may stop and restart it. As root, the server runs as the
 * `postgres` user (PostgreSQL refuses to run as root).
 */
export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async create(bin: string, port: number): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'portal-private-pg-'));
    const pg = new PrivatePostgres(bin, dir, port);
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    await pg.exec('initdb', [
      '-D',
      pg.data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    await pg.start();
    return pg;
  }

  private get data() {
    return join(this.dir, 'data');
  }

  private exec(tool: string, args: string[]) {
    const command = join(this.bin, tool);
    return process.getuid?.() === 0
      ? run('runuser', ['-u', 'postgres', '--', command, ...args], {
          timeout: 120_000,
        })
      : run(command, args, { timeout: 120_000 });
  }

  async start(): Promise<void> {
    await this.exec('pg_ctl', [
      '-D',
      this.data,
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=600`,
      'start',
    ]);
  }

  /** Stops the server the way an operator restarting it does: sessions are ended. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.exec('pg_ctl', ['-D', this.data, '-m', mode, '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
