import { TestDatabases } from '@backstage/backend-test-utils';
import { assessStackDocumentation } from '@internal/backstage-plugin-stacks-common';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { parse } from 'yaml';
import {
  ADMIN,
  ADMIN2,
  CLIENT_TOKEN,
  ENGINEER,
  REPO_ROOT,
  VISITOR,
  directoryContents,
  runTemplate,
  startPortal,
  waitFor,
} from './__testUtils__/portal';

jest.setTimeout(240_000);

const run = promisify(execFile);
const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

const capability = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  title: `StackPro ${name[0].toUpperCase()}${name.slice(1)}`,
  description: `The ${name} capability: search over a tenant's documents.`,
  owner: 'group:default/team-ai',
  stack: 'system:default/ai-stack',
  endpoints: [
    { method: 'GET', path: '/v1/documents', summary: 'List documents' },
    { method: 'POST', path: '/v1/documents' },
    { method: 'GET', path: '/v1/documents/{id}' },
  ],
  destination: 'local',
  ...extra,
});

async function freePort(): Promise<number> {
  return new Promise(resolve => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

describe.each(databases.eachSupportedId())(
  'New capability and New stack on %p',
  databaseId => {
    let portal: Awaited<ReturnType<typeof startPortal>>;
    let repositories: string;

    beforeAll(async () => {
      repositories = fs.mkdtempSync(
        path.join(os.tmpdir(), 'stackportal-repos-'),
      );
      portal = await startPortal({
        database: () => databases.init(databaseId),
        repositories,
      });
    });
    afterAll(async () => {
      await portal?.stop();
      fs.rmSync(repositories, { recursive: true, force: true });
    });

    const flagsOf = async (prefix: string) => {
      const res = await request(portal.server)
        .get('/api/feature-flags/flags?project=stackpro&fresh=true')
        .set('Authorization', portal.as(ADMIN));
      return (
        res.body.flags as Array<{
          name: string;
          environments: Array<{ name: string; enabled: boolean }>;
        }>
      ).filter(f => f.name.startsWith(prefix));
    };

    it('creates a capability end to end for an engineer: repository, contract, SDK, flags, ADR, catalog entry; its own tests pass and it starts healthy, toggled by its flags', async () => {
      const task = await runTemplate(
        portal.server,
        ENGINEER,
        'new-capability',
        capability('search'),
      );
      expect(task.log.join('\n')).not.toMatch(/error/i);
      expect(task.status).toBe('completed');

      // the repository: one commit by the engineer, with everything in it
      const repo = path.join(repositories, 'stackpro-search');
      const { stdout: log } = await run('git', ['log', '--format=%an|%s'], {
        cwd: repo,
      });
      expect(log.trim()).toBe(
        'Omar Haddad|Create the search capability (New capability template)',
      );
      for (const file of [
        'contracts/v1.yaml',
        'src/generated/sdk.ts',
        'src/generated/routes.ts',
        'src/runtime/server.ts',
        'test/capability.test.ts',
        'README.md',
      ]) {
        expect(fs.existsSync(path.join(repo, file))).toBe(true);
      }
      const adrs = fs.readdirSync(path.join(repo, 'docs/adr'));
      expect(adrs).toHaveLength(1);
      expect(
        fs.readFileSync(path.join(repo, 'docs/adr', adrs[0]), 'utf8'),
      ).toMatch(/Introduce the search capability/);

      // the catalog: the component with every annotation the portal reads, and its API
      const entity = (
        await request(portal.server)
          .get(
            '/api/catalog/entities/by-name/component/default/stackpro-search',
          )
          .set('Authorization', portal.as(ENGINEER))
      ).body;
      expect(entity.metadata.labels).toEqual({
        'stackportal.io/stack': 'ai-stack',
      });
      expect(entity.metadata.annotations).toMatchObject({
        'stackportal.io/unleash-project': 'stackpro',
        'stackportal.io/unleash-flags':
          'CAP_SEARCH_ENABLED,CAP_SEARCH_VERSION,CAP_SEARCH_DEGRADED',
        'stackportal.io/capability': 'search',
        'stackportal.io/health-endpoint': '/v1/health',
        'stackportal.io/cloudwatch-namespace': 'stackpro.capability',
        'stackportal.io/cloudwatch-dimensions': 'capability=search',
        'backstage.io/adr-location': 'docs/adr',
      });
      expect(entity.spec).toMatchObject({
        type: 'capability',
        owner: 'team-ai',
        system: 'stackpro',
      });
      const api = await request(portal.server)
        .get('/api/catalog/entities/by-name/api/default/stackpro-search-api')
        .set('Authorization', portal.as(ENGINEER));
      expect(api.body.spec.definition).toMatch(/operationId: listDocuments/);

      // the flags: asked for through the feature-flags service; production is protected, so
      // their creation is a change request another admin approves; then they exist, off everywhere
      const pending = await request(portal.server)
        .get('/api/feature-flags/change-requests?status=pending')
        .set('Authorization', portal.as(ADMIN));
      const mineToApprove = (
        pending.body.items as Array<{
          id: string;
          flag: string;
          requestedBy: string;
        }>
      ).filter(c => c.flag.startsWith('CAP_SEARCH_'));
      expect(mineToApprove.map(c => [c.flag, c.requestedBy]).sort()).toEqual([
        ['CAP_SEARCH_DEGRADED', ENGINEER],
        ['CAP_SEARCH_ENABLED', ENGINEER],
        ['CAP_SEARCH_VERSION', ENGINEER],
      ]);
      expect(await flagsOf('CAP_SEARCH_')).toEqual([]);
      for (const cr of mineToApprove) {
        const approved = await request(portal.server)
          .post(`/api/feature-flags/change-requests/${cr.id}/approve`)
          .set('Authorization', portal.as(ADMIN))
          .send({});
        expect(approved.status).toBe(200);
      }
      const flags = await flagsOf('CAP_SEARCH_');
      expect(flags.map(f => f.name).sort()).toEqual([
        'CAP_SEARCH_DEGRADED',
        'CAP_SEARCH_ENABLED',
        'CAP_SEARCH_VERSION',
      ]);
      expect(
        flags.flatMap(f => f.environments.map(e => e.enabled)),
      ).not.toContain(true);

      // audited, naming the engineer, in the scaffolder and in feature flags
      const mine = portal.events.filter(
        e => e.outcome === 'succeeded' && e.meta.initiatedBy === ENGINEER,
      );
      expect(mine.map(e => e.eventId)).toEqual(
        expect.arrayContaining([
          'template-capability-check',
          'template-capability-contract',
          'template-flags-create',
          'adr-create',
          'template-publish-local',
          'template-register-local',
        ]),
      );
      expect(
        portal.events.filter(
          e =>
            e.plugin === 'feature-flags' &&
            e.eventId === 'change-request-create' &&
            e.outcome === 'succeeded' &&
            String(e.meta.target).includes('CAP_SEARCH_'),
        ),
      ).toHaveLength(3);

      // its own tests pass (dependencies: the portal's node_modules stand in for npm install)
      fs.symlinkSync(
        path.join(REPO_ROOT, 'node_modules'),
        path.join(repo, 'node_modules'),
        'dir',
      );
      const tests = await run(
        process.execPath,
        ['--test', '--test-concurrency=1', 'test/**/*.test.ts'],
        { cwd: repo },
      ).catch(e => e);
      const report = `${tests.stdout}\n${tests.stderr}`;
      if (!/# fail 0/.test(report))
        fs.cpSync(
          repo,
          path.join(os.tmpdir(), 'stackportal-failed-capability'),
          { recursive: true },
        );
      expect(report).toMatch(/# pass [1-9]/);
      expect(report).toMatch(/# fail 0/);

      // started with its flags read through unleash-client from the portal: disabled until an admin turns it on
      const address = portal.server.address() as net.AddressInfo;
      const port = await freePort();
      const child = spawn(process.execPath, ['src/main.ts'], {
        cwd: repo,
        env: {
          ...process.env,
          PORT: String(port),
          UNLEASH_URL: `http://127.0.0.1:${address.port}/api/feature-flags/`,
          UNLEASH_TOKEN: CLIENT_TOKEN,
          UNLEASH_ENVIRONMENT: 'development',
          UNLEASH_REFRESH_INTERVAL_MS: '200',
        },
        stdio: 'pipe',
      });
      try {
        const health = async () => {
          const res = await fetch(`http://127.0.0.1:${port}/v1/health`).catch(
            () => undefined,
          );
          return res?.ok
            ? ((await res.json()) as { status: string; capability: string })
            : undefined;
        };
        await waitFor(async () => (await health()) !== undefined, 20_000);
        expect(await health()).toMatchObject({
          status: 'disabled',
          capability: 'search',
        });
        const toggled = await request(portal.server)
          .put(
            '/api/feature-flags/flags/stackpro/CAP_SEARCH_ENABLED/environments/development',
          )
          .set('Authorization', portal.as(ADMIN))
          .send({ enabled: true });
        expect(toggled.status).toBe(200);
        await waitFor(async () => (await health())?.status === 'ok', 20_000);
      } finally {
        child.kill('SIGTERM');
      }
    });

    it('refuses, with a message in the task log and nothing created: an existing name, an invalid or reserved name, an unknown stack, production for an engineer, a person who may not create flags', async () => {
      const cases: Array<[string, string, Record<string, unknown>, RegExp]> = [
        [
          ENGINEER,
          'existing name',
          capability('messaging'),
          /a capability "messaging" exists already \(component:default\/stackpro-messaging\)/,
        ],
        [
          ENGINEER,
          'reserved name',
          capability('health'),
          /"health" is a reserved word/,
        ],
        [
          ENGINEER,
          'unknown stack',
          capability('ledger', { stack: 'system:default/ledger-stack' }),
          /there is no stack "system:default\/ledger-stack"; the stacks are .*ai-stack/,
        ],
        [
          ENGINEER,
          'production by an engineer',
          capability('ledger', { enableIn: ['production'], reason: 'launch' }),
          /You may not turn CAP_LEDGER_ENABLED on in production \(feature-flags.flag.toggle is for admins\)/,
        ],
        [
          VISITOR,
          'no flag creation',
          capability('ledger'),
          /You may not create feature flags \(feature-flags.flag.create\)/,
        ],
      ];
      for (const [who, label, values, message] of cases) {
        const task = await runTemplate(
          portal.server,
          who,
          'new-capability',
          values,
        );
        expect({ label, status: task.status }).toEqual({
          label,
          status: 'failed',
        });
        expect(task.log.join('\n')).toMatch(message);
      }
      // an invalid name does not even start a task: the scaffolder checks the form's pattern on the server
      const invalid = await request(portal.server)
        .post('/api/scaffolder/v2/tasks')
        .set('Authorization', portal.as(ENGINEER))
        .send({
          templateRef: 'template:default/new-capability',
          values: capability('Bad_Name'),
        });
      expect(invalid.status).toBe(400);
      expect(JSON.stringify(invalid.body)).toMatch(
        /instance.name does not match pattern/,
      );
      expect(
        fs
          .readdirSync(repositories)
          .filter(n => n.startsWith('stackpro-ledger')),
      ).toEqual([]);
      expect(await flagsOf('CAP_LEDGER_')).toEqual([]);
    });

    it('a run that stopped half-way (flags asked for, no repository, no catalog entry) run again finishes, asks for nothing twice and says what was there', async () => {
      const pendingOf = async (prefix: string) => {
        const res = await request(portal.server)
          .get('/api/feature-flags/change-requests?status=pending')
          .set('Authorization', portal.as(ADMIN));
        return (
          res.body.items as Array<{ id: string; flag: string; kind: string }>
        ).filter(c => c.flag.startsWith(prefix));
      };
      // the first run stops after its flags step: a folder of the repository's name is in the way
      const inTheWay = path.join(repositories, 'stackpro-relay');
      fs.mkdirSync(inTheWay);
      const first = await runTemplate(
        portal.server,
        ENGINEER,
        'new-capability',
        capability('relay'),
      );
      expect(first.status).toBe('failed');
      const firstLog = first.log.join('\n');
      expect(firstLog).toMatch(
        /CAP_RELAY_ENABLED: creation is change request \S+, waiting for another admin/,
      );
      expect(firstLog).toMatch(
        /The local repository \S+stackpro-relay exists already: nothing was overwritten/,
      );
      const asked = await pendingOf('CAP_RELAY_');
      expect(asked).toHaveLength(3);
      fs.rmdirSync(inTheWay);

      const again = await runTemplate(
        portal.server,
        ENGINEER,
        'new-capability',
        capability('relay'),
      );
      const log = again.log.join('\n');
      expect({ status: again.status, log }).toMatchObject({
        status: 'completed',
      });
      for (const { id, flag } of asked) {
        expect(log).toContain(
          `${flag}: its creation already waits for another admin (change request ${id}, asked by ${ENGINEER}): not asked twice`,
        );
      }
      expect((await pendingOf('CAP_RELAY_')).map(c => c.id).sort()).toEqual(
        asked.map(c => c.id).sort(),
      );
      const entity = await request(portal.server)
        .get('/api/catalog/entities/by-name/component/default/stackpro-relay')
        .set('Authorization', portal.as(ENGINEER));
      expect(entity.status).toBe(200);
      expect(
        fs.existsSync(path.join(repositories, 'stackpro-relay/.git')),
      ).toBe(true);
    });

    it("an admin asking to turn the capability on is told it waits for the flags' approval", async () => {
      const task = await runTemplate(
        portal.server,
        ADMIN,
        'new-capability',
        capability('ledger', {
          enableIn: ['development', 'production'],
          reason: 'first tenant next week',
        }),
      );
      expect(task.status).toBe('completed');
      const log = task.log.join('\n');
      expect(log).toMatch(
        /CAP_LEDGER_ENABLED: creation is change request \S+, waiting for another admin/,
      );
      expect(log).toMatch(
        /CAP_LEDGER_ENABLED is not created yet \(its creation waits for approval\): turn it on in development, production/,
      );
      const pending = await request(portal.server)
        .get('/api/feature-flags/change-requests?status=pending')
        .set('Authorization', portal.as(ADMIN2));
      expect(
        (
          pending.body.items as Array<{
            flag: string;
            requestedBy: string;
            reason: string;
          }>
        )
          .filter(c => c.flag.startsWith('CAP_LEDGER_'))
          .map(c => [c.flag, c.requestedBy, c.reason]),
      ).toHaveLength(3);
    });

    it('a dry run shows what would be created and creates nothing', async () => {
      const templateYaml = fs.readFileSync(
        path.join(REPO_ROOT, 'templates/new-capability/template.yaml'),
        'utf8',
      );
      const res = await request(portal.server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', portal.as(ENGINEER))
        .send({
          template: parse(templateYaml),
          values: capability('atlas'),
          directoryContents: await directoryContents(
            path.join(REPO_ROOT, 'templates/new-capability/skeleton'),
          ),
        });
      expect(res.status).toBe(200);
      const messages = (res.body.log as Array<{ body: { message: string } }>)
        .map(l => l.body.message)
        .join('\n');
      expect(messages).toMatch(
        /Dry run: would create CAP_ATLAS_ENABLED, CAP_ATLAS_VERSION, CAP_ATLAS_DEGRADED in project stackpro/,
      );
      expect(messages).toMatch(
        /Dry run: would create the git repository .*stackpro-atlas/,
      );
      expect(
        res.body.directoryContents.map((f: { path: string }) => f.path),
      ).toEqual(
        expect.arrayContaining([
          'contracts/v1.yaml',
          'src/generated/sdk.ts',
          'catalog-info.yaml',
        ]),
      );
      expect(fs.existsSync(path.join(repositories, 'stackpro-atlas'))).toBe(
        false,
      );
      expect(await flagsOf('CAP_ATLAS_')).toEqual([]);
    });

    it('creates a stack whose documentation the coverage matrix counts complete, with its ADR folder', async () => {
      const task = await runTemplate(portal.server, ENGINEER, 'new-stack', {
        name: 'search-stack',
        title: 'Search Stack',
        description:
          'Full-text and semantic search over every product’s content.',
        domain: 'domain:default/core-infrastructure',
        owner: 'group:default/team-ai',
        layer: 'L3',
        priority: 'high',
        systemFeatures: ['Indexing pipeline', 'Query API [with ranking]'],
        userFeatures: ['Search box with suggestions'],
        tags: ['search'],
      });
      expect(task.log.join('\n')).not.toMatch(/error/i);
      expect(task.status).toBe('completed');
      const stack = (
        await request(portal.server)
          .get('/api/catalog/entities/by-name/system/default/search-stack')
          .set('Authorization', portal.as(ENGINEER))
      ).body;
      expect(stack.spec).toEqual({
        type: 'stack',
        domain: 'core-infrastructure',
        owner: 'team-ai',
      });
      expect(stack.metadata.labels['stackportal.io/layer']).toBe('L3');
      expect(stack.metadata.annotations['stackportal.io/system-features']).toBe(
        'Indexing pipeline\nQuery API [with ranking]\n',
      );
      const doc = fs.readFileSync(
        path.join(repositories, 'search-stack/docs/search-stack.md'),
        'utf8',
      );
      expect(assessStackDocumentation(doc).filter(p => !p.present)).toEqual([]);
      expect(
        fs
          .readdirSync(path.join(repositories, 'search-stack/docs/adr'))
          .some(f => /introduce-the-search-stack/i.test(f)),
      ).toBe(true);

      const again = await runTemplate(portal.server, ENGINEER, 'new-stack', {
        name: 'search-stack',
        title: 'Search Stack',
        description: 'Full-text and semantic search again.',
        domain: 'domain:default/core-infrastructure',
        owner: 'group:default/team-ai',
        layer: 'L3',
        priority: 'high',
        systemFeatures: ['Indexing'],
      });
      expect(again.status).toBe('failed');
      expect(again.log.join('\n')).toMatch(
        /the stack search-stack exists already/,
      );
    });
  },
);
