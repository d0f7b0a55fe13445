import { mockCredentials } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { ADMIN, ENGINEER, waitFor } from './__testUtils__/portal';

jest.setTimeout(120_000);

const run = promisify(execFile);

/*
 * A real crash between steps. The portal runs in a process of its own
 * (__testUtils__/portalProcess.ts) with scaffolder.taskRecovery on; its calls
 * to the feature-flags service go through a proxy in this test,
 * which lets the third flag's creation reach the service and then kills the
 * portal (SIGKILL) before the answer gets back: two flags created and
 * checkpointed, the third created without the task knowing. The portal is
 * started again on the same database; the scaffolder recovers the task (it
 * stopped sending heartbeats), skips the steps that were completed and
 * resumes in the flags step.
 */
const postgres =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING;
// once (two starts of the portal and the scaffolder's 10 s recovery round take
// most of a minute): on PostgreSQL, which replicas share, when there is one
const databases: Array<[string, string]> = postgres
  ? [['PostgreSQL', 'postgres']]
  : [['SQLite files', 'sqlite']];

/** The third creation is let through, then the portal dies. */
const CRASH_AT_CREATION = 3;

async function freePort(): Promise<number> {
  return new Promise(resolve => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Portal {
  child: ChildProcess;
  port: number;
  output: string[];
}

function startPortalProcess(env: Record<string, string>): Promise<Portal> {
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(__dirname, '__testUtils__/portalProcess.ts'),
    ],
    { env: { ...process.env, ...env }, stdio: 'pipe' },
  );
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', chunk => {
      output.push(String(chunk));
      const ready = /PORTAL_READY (\d+)/.exec(output.join(''));
      if (ready) resolve({ child, port: Number(ready[1]), output });
    });
    child.stderr!.on('data', chunk => output.push(String(chunk)));
    child.on('exit', code =>
      reject(
        new Error(
          `the portal exited (${code}) before it was ready:\n${output
            .join('')
            .slice(-3000)}`,
        ),
      ),
    );
  });
}

describe.each(databases)(
  'New capability interrupted by a crash, on %s',
  (_label, kind) => {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'stackportal-crash-'));
    const repositories = path.join(temp, 'repositories');
    const prefix = `stackportal_crash_${process.pid}_${Date.now()}`;
    let portal: Portal | undefined;
    let crashed: (() => void) | undefined;
    const creations: string[] = [];

    // the proxy: the portal's calls to feature flags, through this test
    const proxy = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const target = portal!;
      const isCreation =
        req.method === 'POST' && req.url === '/api/feature-flags/flags';
      if (isCreation) creations.push(JSON.parse(body.toString()).name);
      const answer = await fetch(`http://127.0.0.1:${target.port}${req.url}`, {
        method: req.method,
        headers: Object.fromEntries(
          Object.entries(req.headers).filter(
            ([k]) => !['host', 'content-length', 'connection'].includes(k),
          ) as Array<[string, string]>,
        ),
        body: ['GET', 'HEAD'].includes(req.method!) ? undefined : body,
      }).catch(() => undefined);
      if (!answer || (isCreation && creations.length === CRASH_AT_CREATION)) {
        // the flag exists now; the task never hears of it
        target.child.kill('SIGKILL');
        crashed?.();
        res.destroy();
        return;
      }
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'text/plain',
      });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });

    const env = (proxyPort: number) => ({
      PORTAL_DATABASE:
        kind === 'sqlite' ? `sqlite:${temp}` : `postgres:${postgres}|${prefix}`,
      PORTAL_REPOSITORIES: repositories,
      PORTAL_FLAGS_PROXY: `http://127.0.0.1:${proxyPort}`,
      PORTAL_CONFIG: JSON.stringify({
        scaffolder: {
          taskRecovery: { enabled: true, staleTimeout: { seconds: 2 } },
        },
        // no protected environment: each flag is created at once
        featureFlags: {
          provider: 'local',
          environments: ['development', 'staging', 'production'],
          protectedEnvironments: [],
          defaultProject: 'stackpro',
        },
      }),
    });

    afterAll(async () => {
      portal?.child.kill('SIGKILL');
      proxy.close();
      fs.rmSync(temp, { recursive: true, force: true });
      if (kind === 'postgres') {
        const admin = knexFactory({ client: 'pg', connection: postgres });
        const rows = await admin('pg_database')
          .where('datname', 'like', `${prefix}%`)
          .select('datname');
        for (const { datname } of rows)
          await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
        await admin.destroy();
      }
    });

    it('resumes after the flags were created: no flag created twice (the one created unbeknown is taken as done), one decision record, one repository, and the log says what was resumed', async () => {
      fs.mkdirSync(repositories);
      const proxyPort = await freePort();
      await new Promise<void>(r => proxy.listen(proxyPort, '127.0.0.1', r));
      const started = Date.now();
      portal = await startPortalProcess(env(proxyPort));
      const as = (who: string) => mockCredentials.user.header(who);
      const api = () => `http://127.0.0.1:${portal!.port}`;

      const died = new Promise<void>(r => {
        crashed = r;
      });
      const created = await request(api())
        .post('/api/scaffolder/v2/tasks')
        .set('Authorization', as(ENGINEER))
        .send({
          templateRef: 'template:default/new-capability',
          values: {
            name: 'relay',
            title: 'StackPro Relay',
            description: 'The relay capability: forwards events to tenants.',
            owner: 'group:default/team-ai',
            stack: 'system:default/ai-stack',
            endpoints: [{ method: 'GET', path: '/v1/events' }],
            destination: 'local',
          },
        });
      expect(created.status).toBe(201);
      const taskId = created.body.id as string;
      // the crash, or the task ending without one (then the test says how it ended)
      let ended: any;
      const endedFirst = async () => {
        while (!ended) {
          await new Promise(r => setTimeout(r, 500));
          const res = await request(api())
            .get(`/api/scaffolder/v2/tasks/${taskId}/events`)
            .set('Authorization', as(ENGINEER))
            .catch(() => undefined);
          const done = (res?.body ?? []).find(
            (e: { type: string }) => e.type === 'completion',
          );
          if (done && !ended)
            ended = (res!.body as Array<{ body: { message?: string } }>)
              .map(e => e.body.message)
              .slice(-8)
              .join('\n');
        }
      };
      await Promise.race([died.then(() => (ended = 'crashed')), endedFirst()]);
      expect(ended).toBe('crashed');
      const crashedAfter = Date.now() - started;
      expect(creations).toEqual([
        'CAP_RELAY_ENABLED',
        'CAP_RELAY_VERSION',
        'CAP_RELAY_DEGRADED',
      ]);

      // the same portal again, on the same database
      portal = await startPortalProcess(env(proxyPort));
      let task: any;
      await waitFor(
        async () => {
          task = (
            await request(api())
              .get(`/api/scaffolder/v2/tasks/${taskId}`)
              .set('Authorization', as(ENGINEER))
          ).body;
          return ['completed', 'failed', 'cancelled'].includes(task.status);
        },
        60_000,
        250,
      );
      const events = (
        await request(api())
          .get(`/api/scaffolder/v2/tasks/${taskId}/events`)
          .set('Authorization', as(ENGINEER))
      ).body as Array<{ type: string; body: { message?: string } }>;
      const log = events
        .filter(e => e.type === 'log')
        .map(e => e.body.message)
        .join('\n');
      expect({ status: task.status, log }).toMatchObject({
        status: 'completed',
      });
      // eslint-disable-next-line no-console
      console.log(
        `crash after ${crashedAfter} ms; recovered and finished ${
          Date.now() - started
        } ms after the first start`,
      );

      // what was resumed, in the log
      expect(events.some(e => e.type === 'recovered')).toBe(true);
      expect(log).toContain(
        'Task recovered - resuming from last known good state. 3 step(s) already completed.',
      );
      expect(log).toContain(
        'Skipping step check because it was already completed in a previous run',
      );
      expect(log).toContain(
        'CAP_RELAY_ENABLED: created in stackpro by this task before it was interrupted: not created again',
      );
      expect(log).toContain(
        'CAP_RELAY_VERSION: created in stackpro by this task before it was interrupted: not created again',
      );
      expect(log).toContain(
        'CAP_RELAY_DEGRADED exists already in stackpro: taken as done',
      );

      // nothing twice: three creations in all, three flags; one repository, one commit, one decision
      expect(creations).toHaveLength(3);
      const flags = await request(api())
        .get('/api/feature-flags/flags?project=stackpro&fresh=true')
        .set('Authorization', as(ADMIN));
      expect(
        (flags.body.flags as Array<{ name: string }>)
          .map(f => f.name)
          .filter(n => n.startsWith('CAP_RELAY_'))
          .sort(),
      ).toEqual([
        'CAP_RELAY_DEGRADED',
        'CAP_RELAY_ENABLED',
        'CAP_RELAY_VERSION',
      ]);
      expect(fs.readdirSync(repositories)).toEqual(['stackpro-relay']);
      const repo = path.join(repositories, 'stackpro-relay');
      const { stdout: commits } = await run('git', ['log', '--format=%s'], {
        cwd: repo,
      });
      expect(commits.trim().split('\n')).toHaveLength(1);
      expect(fs.readdirSync(path.join(repo, 'docs/adr'))).toEqual([
        '0001-introduce-the-relay-capability.md',
      ]);
      const entity = await request(api())
        .get('/api/catalog/entities/by-name/component/default/stackpro-relay')
        .set('Authorization', as(ENGINEER));
      expect(entity.status).toBe(200);
    });
  },
);
