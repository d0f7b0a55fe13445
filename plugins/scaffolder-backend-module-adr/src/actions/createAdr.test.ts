import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  registerMswTestHooks,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { checkAdrs, parseAdrFile } from '@internal/backstage-plugin-adr-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import fs from 'node:fs';
import path from 'node:path';
import { scaffolderModuleAdr } from '../module';
import { createAdrAction } from './createAdr';

const existing = (n: number, title: string) =>
  [
    '---',
    'status: accepted',
    'date: 2025-05-11',
    '---',
    `# ADR-00${n}: ${title}`,
    '## Context and Problem Statement',
    'x',
    '## Considered Options',
    'x',
    '## Decision Outcome',
    'x',
  ].join('\n');

describe('adr:create', () => {
  const dir = createMockDirectory();
  const server = setupServer();
  registerMswTestHooks(server);

  const entity = (
    name: string,
    annotations: Record<string, string>,
  ): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name, annotations },
    spec: {},
  });
  const local = (name: string, adrLocation: string) =>
    entity(name, {
      'backstage.io/managed-by-location': `file:${dir.resolve(
        'repo/catalog/smartstack/catalog-info.yaml',
      )}`,
      'backstage.io/adr-location': adrLocation,
    });

  let catalog: ReturnType<typeof catalogServiceMock.mock>;
  let auditor: ReturnType<typeof mockServices.auditor.mock>;
  let events: Array<{ id: string; outcome: string; meta?: unknown }>;

  beforeEach(() => {
    dir.clear();
    dir.setContent({
      'repo/catalog/smartstack/catalog-info.yaml': 'x',
      'repo/catalog/smartstack/adr/ADR-001-task-processing.md': existing(
        1,
        'Queue',
      ),
      'repo/catalog/smartstack/adr/ADR-002-real-time-updates.md': existing(
        2,
        'Raw WebSocket',
      ),
      'repo/catalog/smartstack/adr/ADR-004-websocket-implementation.md':
        existing(4, 'Socket.io'),
      'repo/catalog/smartstack/adr/ADR-003-manual-review.md': existing(
        3,
        'Review',
      ),
      'outside/adr/keep.md': 'x',
    });
    catalog = catalogServiceMock.mock({
      getEntityByRef: async ref =>
        [
          local('smartstack', 'adr'),
          local('new-folder', 'adr/ai'),
          local('escaper', '../../../outside/adr'),
          local('absolute', '/etc'),
          entity('remote', {
            'backstage.io/managed-by-location':
              'url:https://github.com/acme/decisions/blob/main/catalog-info.yaml',
            'backstage.io/adr-location': 'docs/adr',
          }),
        ].find(e => `system:default/${e.metadata.name}` === ref),
    });
    events = [];
    auditor = mockServices.auditor.mock({
      createEvent: async ({ eventId, meta }) => ({
        success: async () => {
          events.push({ id: eventId, outcome: 'success', meta });
        },
        fail: async ({ error }) => {
          events.push({ id: eventId, outcome: `fail: ${error.message}`, meta });
        },
      }),
    });
  });

  const action = (localRepository: string | undefined = dir.resolve('repo')) =>
    createAdrAction({
      catalog,
      auditor,
      integrations: ScmIntegrations.fromConfig(
        new ConfigReader({
          integrations: {
            github: [{ host: 'github.com', token: 'gh-test-token' }],
          },
        }),
      ),
      localRepository,
      today: () => '2026-11-23',
    });

  const run = async (
    input: Record<string, unknown>,
    options: { dryRun?: boolean; repo?: string } = {},
  ) => {
    const outputs: Record<string, unknown> = {};
    await action(options.repo).handler({
      input: input as any,
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
      logger: mockServices.logger.mock(),
      workspacePath: dir.resolve('workspace'),
      getInitiatorCredentials: async () =>
        mockCredentials.user('user:default/omar.haddad'),
      task: { id: 'task-1' },
      isDryRun: options.dryRun,
      checkpoint: async ({ fn }: any) => fn(),
      createTemporaryDirectory: async () => dir.resolve('tmp'),
    } as any);
    return outputs;
  };

  it('writes the next-numbered record from the template into a local ADR folder, then refreshes the entity', async () => {
    const outputs = await run({
      entityRef: 'system:default/smartstack',
      title: 'Use server-sent events for status updates',
      status: 'proposed',
      deciders: 'Omar Haddad, team-ai',
      context: 'Socket.io needs long-lived processes.',
      decision: 'Use SSE.',
      supersedes: 'ADR-004',
    });
    expect(outputs).toEqual({
      fileName: 'ADR-005-use-server-sent-events-for-status-updates.md',
      id: 'ADR-005',
      number: 5,
      location: path.join(
        'catalog/smartstack/adr',
        'ADR-005-use-server-sent-events-for-status-updates.md',
      ),
      recordUrl:
        '/catalog/default/system/smartstack/decisions?record=ADR-005-use-server-sent-events-for-status-updates.md',
      summary: expect.stringContaining(
        'ADR-005 written to catalog/smartstack/adr/',
      ),
    });
    const folder = dir.resolve('repo/catalog/smartstack/adr');
    const written = fs.readFileSync(
      path.join(folder, outputs.fileName as string),
      'utf8',
    );
    const parsed = parseAdrFile(outputs.fileName as string, written);
    expect(parsed.adrs[0]).toMatchObject({
      format: 'template',
      number: 5,
      status: 'proposed',
      date: '2026-11-23',
      deciders: ['Omar Haddad', 'team-ai'],
      supersedes: [{ file: 'ADR-004-websocket-implementation.md' }],
    });
    // The new record passes the checks with its neighbours (the superseded one
    // only gets a reminder that its status should now say so).
    const all = fs
      .readdirSync(folder)
      .map(f => parseAdrFile(f, fs.readFileSync(path.join(folder, f), 'utf8')));
    expect(
      checkAdrs(all).map(p => `${p.file} ${p.rule} ${p.severity}`),
    ).toEqual(['ADR-004-websocket-implementation.md supersedes warning']);
    expect(catalog.refreshEntity).toHaveBeenCalledWith(
      'system:default/smartstack',
      {
        credentials: expect.objectContaining({
          principal: expect.objectContaining({
            userEntityRef: 'user:default/omar.haddad',
          }),
        }),
      },
    );
    expect(events).toEqual([
      {
        id: 'adr-create',
        outcome: 'success',
        meta: {
          entityRef: 'system:default/smartstack',
          mode: 'local',
          taskId: 'task-1',
          dryRun: false,
          // the audit event names the person who ran the template
          initiatedBy: 'user:default/omar.haddad',
        },
      },
    ]);
  });

  it('creates the folder for the first decision of an entity', async () => {
    const outputs = await run({
      entityRef: 'system:default/new-folder',
      title: 'First one',
      context: 'c',
      decision: 'd',
    });
    expect(outputs.fileName).toBe('0001-first-one.md');
    expect(
      fs.existsSync(
        dir.resolve('repo/catalog/smartstack/adr/ai/0001-first-one.md'),
      ),
    ).toBe(true);
  });

  it('writes the first record of an entity being created into the task workspace, once: run again (a resumed task), it finds the record it wrote', async () => {
    const input = {
      entityRef: 'component:default/stackpro-relay',
      workspacePath: 'docs/adr',
      title: 'Introduce the relay capability',
      status: 'accepted',
      context: 'c',
      decision: 'd',
    };
    const first = await run(input);
    expect(first.summary).toBe(
      `ADR-0001 written to ${path.join(
        'docs/adr',
        '0001-introduce-the-relay-capability.md',
      )} in the new repository`,
    );
    const again = await run(input);
    expect(again.fileName).toBe('0001-introduce-the-relay-capability.md');
    expect(again.summary).toMatch(
      /^ADR-0001 was written to docs\/adr\/0001-introduce-the-relay-capability\.md by this task before it was interrupted: not written twice$/,
    );
    expect(fs.readdirSync(dir.resolve('workspace/docs/adr'))).toEqual([
      '0001-introduce-the-relay-capability.md',
    ]);
    // another decision in the same folder is numbered after it
    const second = await run({ ...input, title: 'Use one queue per tenant' });
    expect(second.fileName).toBe('0002-use-one-queue-per-tenant.md');
  });

  it('writes nothing on a dry run', async () => {
    const outputs = await run(
      { entityRef: 'system:default/smartstack', title: 'Dry' },
      { dryRun: true },
    );
    expect(outputs.id).toBe('ADR-005');
    expect(
      fs.readdirSync(dir.resolve('repo/catalog/smartstack/adr')),
    ).toHaveLength(4);
    expect(catalog.refreshEntity).not.toHaveBeenCalled();
  });

  it('refuses locations outside the local repository, absolute paths, and local writes when not configured', async () => {
    await expect(
      run({ entityRef: 'system:default/escaper', title: 'Escape' }),
    ).rejects.toThrow(
      'backstage.io/adr-location "../../../outside/adr" leaves the local repository folder',
    );
    await expect(
      run({ entityRef: 'system:default/absolute', title: 'Absolute' }),
    ).rejects.toThrow('is an absolute path');
    await expect(
      run(
        { entityRef: 'system:default/smartstack', title: 'Off' },
        { repo: '' },
      ),
    ).rejects.toThrow('set adr.scaffolder.localRepository');
    await expect(
      run({ entityRef: 'system:default/hidden', title: 'Hidden' }),
    ).rejects.toThrow('No entity system:default/hidden');
    await expect(
      run({
        entityRef: 'system:default/smartstack',
        title: 'Bad link',
        supersedes: 'ADR-012',
      }),
    ).rejects.toThrow(
      'Supersedes "ADR-012": no single decision with that number in the folder',
    );
    expect(fs.existsSync(dir.resolve('outside/adr/0001-escape.md'))).toBe(
      false,
    );
    expect(events.map(e => e.outcome)).toEqual([
      expect.stringContaining('fail: Supersedes "ADR-012"'),
    ]);
  });

  it('opens a pull request for an entity in a GitHub repository', async () => {
    const requests: Array<{ method: string; path: string; body?: any }> = [];
    const api = 'https://api.github.com/repos/acme/decisions';
    const record = async (request: Request) => {
      const body =
        request.method === 'GET' ? undefined : await request.clone().json();
      // Octokit encodes the slashes of a contents path (docs%2Fadr); GitHub accepts both.
      requests.push({
        method: request.method,
        path: decodeURIComponent(new URL(request.url).pathname),
        body,
      });
      expect(request.headers.get('authorization')).toBe('token gh-test-token');
    };
    server.use(
      http.get(`${api}/contents/:path`, async ({ request }) => {
        await record(request);
        return HttpResponse.json([
          { type: 'file', name: '0001-use-sse.md' },
          { type: 'file', name: '0002-version-api.md' },
          { type: 'file', name: 'README.md' },
        ]);
      }),
      http.get(`${api}/git/ref/:ref`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ object: { sha: 'main-sha' } });
      }),
      http.post(`${api}/git/refs`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ ref: 'x' }, { status: 201 });
      }),
      http.put(`${api}/contents/:path`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ content: {} }, { status: 201 });
      }),
      http.post(`${api}/pulls`, async ({ request }) => {
        await record(request);
        return HttpResponse.json(
          { html_url: 'https://github.com/acme/decisions/pull/7' },
          { status: 201 },
        );
      }),
    );
    const outputs = await run({
      entityRef: 'system:default/remote',
      title: 'Cache decisions',
      context: 'c',
      decision: 'd',
    });
    expect(outputs).toMatchObject({
      fileName: '0003-cache-decisions.md',
      id: 'ADR-0003',
      pullRequestUrl: 'https://github.com/acme/decisions/pull/7',
      location:
        'https://github.com/acme/decisions/blob/main/docs/adr/0003-cache-decisions.md',
    });
    expect(requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/acme/decisions/contents/docs/adr',
      'GET /repos/acme/decisions/git/ref/heads/main',
      'POST /repos/acme/decisions/git/refs',
      'PUT /repos/acme/decisions/contents/docs/adr/0003-cache-decisions.md',
      'POST /repos/acme/decisions/pulls',
    ]);
    expect(requests[2].body).toEqual({
      ref: 'refs/heads/adr/remote-0003-cache-decisions',
      sha: 'main-sha',
    });
    const content = Buffer.from(requests[3].body.content, 'base64').toString(
      'utf8',
    );
    expect(
      parseAdrFile('0003-cache-decisions.md', content).adrs[0],
    ).toMatchObject({ number: 3, status: 'proposed' });
    expect(requests[4].body).toMatchObject({
      head: 'adr/remote-0003-cache-decisions',
      base: 'main',
      title: 'ADR-0003: Cache decisions',
    });
    expect(events[0]).toMatchObject({
      outcome: 'success',
      meta: expect.objectContaining({ mode: 'github' }),
    });
  });

  it('is registered with the scaffolder by the module', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [scaffolderModuleAdr, catalogServiceMock.factory()],
    });
    expect(addActions).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'adr:create' }),
    );
  });
});
