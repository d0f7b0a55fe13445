import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  registerMswTestHooks,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { http as mswHttp, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import {
  FakeRepository,
  fakeRepository,
  githubHandlers,
} from './__testUtils__/github';
import { adrPlugin } from './plugin';

const madr = (title: string, status: string, date: string, extra = '') =>
  [
    '---',
    `status: ${status}`,
    `date: ${date}`,
    'decision-makers: team-ai',
    '---',
    `# ${title}`,
    extra,
    '## Context and Problem Statement',
    'Why.',
    '## Considered Options',
    '* A',
    '## Decision Outcome',
    'Chosen option: "A".',
    '',
  ].join('\n');

const localAdrs = {
  'ADR-001-queue.md': madr('ADR-001: Use a queue', 'accepted', '2025-05-10'),
  'ADR-002-raw-websocket.md': madr(
    'ADR-002: Raw WebSocket',
    'superseded by [ADR-003](ADR-003-socket-io.md)',
    '2025-05-10',
  ),
  'ADR-003-socket-io.md': madr(
    'ADR-003: Socket.io for WebSocket updates',
    'accepted',
    '2025-05-11',
    '* Supersedes [ADR-002](ADR-002-raw-websocket.md)\n\n```mermaid\nC4Component\n  title Real time\n```\n',
  ),
  'ADR-004-broken.md': 'This file has no title and no sections.',
  'README.md': '# Decisions of the app',
};

function entity(
  kind: string,
  name: string,
  annotations: Record<string, string>,
  spec: Entity['spec'] = {},
  labels: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, title: name.replace(/-/g, ' '), annotations, labels },
    spec,
  };
}

describe('adr backend', () => {
  const dir = createMockDirectory();
  const server = setupServer();
  registerMswTestHooks(server);
  let repo: FakeRepository;

  beforeEach(() => {
    dir.clear();
    dir.setContent({
      'catalog/app/catalog-info.yaml': 'x',
      ...Object.fromEntries(
        Object.entries(localAdrs).map(([f, t]) => [`catalog/app/adr/${f}`, t]),
      ),
      'catalog/stacks/docs/auth-stack.md': [
        '# Auth',
        '## System Features',
        '- a',
        '## User Features',
        '- b',
        '```mermaid',
        'flowchart LR',
        '  a-->b',
        '```',
        '## Key Decisions',
        '| Decision | Choice |',
        '| --- | --- |',
        '| x | y |',
        '```ts',
        'const a = 1;',
        '```',
        '## Trade-offs',
        'Some.',
      ].join('\n'),
      'catalog/stacks/docs/integration-stack.md':
        '# Integration\n## System Features\n- a\n',
      'outside/adr/ADR-001-x.md': madr(
        'ADR-001: Outside',
        'accepted',
        '2025-01-01',
      ),
    });
    repo = fakeRepository({
      'docs/adr/0001-use-sse.md': [
        '# 1. Use server-sent events',
        '',
        'Date: 2025-06-01',
        '',
        '## Status',
        '',
        'Accepted',
        '',
        '## Context',
        'WebSocket is heavy.',
        '## Decision',
        'SSE.',
        '## Consequences',
        'One-way only.',
      ].join('\n'),
      'docs/adr/0002-version-api.md': [
        '# ADR-0002: Version the API in the path',
        '',
        '- Status: proposed',
        '- Date: 2025-06-02',
        '- Deciders: Jamie Lee',
        '',
        '## Context',
        'c',
        '## Decision',
        'd',
        '## Rationale',
        '- r',
        '## Alternatives Considered',
        '- a',
        '## Outcome',
        'o',
      ].join('\n'),
      'docs/other.txt': 'not markdown',
    });
    server.use(
      ...githubHandlers(repo),
      // supertest's own requests to the test backend
      mswHttp.all(/^http:\/\/(127\.0\.0\.1|localhost):\d+\//, () =>
        passthrough(),
      ),
    );
  });

  const file = (p: string) => `file:${dir.resolve(p)}`;
  const app = (name: string, annotations: Record<string, string>, spec = {}) =>
    entity(
      'Component',
      name,
      {
        'backstage.io/managed-by-location': file(
          'catalog/app/catalog-info.yaml',
        ),
        ...annotations,
      },
      spec,
    );
  const stack = (
    name: string,
    docs?: string,
    status = 'complete',
    priority = 'low',
    rank?: string,
  ) =>
    entity(
      'System',
      name,
      {
        'backstage.io/managed-by-location': file(`catalog/stacks/${name}.yaml`),
        ...(docs ? { 'stackportal.io/docs-location': docs } : {}),
        ...(rank ? { 'stackportal.io/review-rank': rank } : {}),
      },
      { type: 'stack', owner: 'team-a', domain: 'core' },
      {
        'stackportal.io/doc-status': status,
        'stackportal.io/priority': priority,
        'stackportal.io/layer': 'L1',
      },
    );

  const entities = (): Entity[] => [
    entity(
      'System',
      'app',
      {
        'backstage.io/managed-by-location': file(
          'catalog/app/catalog-info.yaml',
        ),
        'backstage.io/adr-location': 'adr',
      },
      { owner: 'team-a' },
    ),
    app(
      'app-api',
      { 'backstage.io/adr-location': 'adr' },
      { system: 'app', type: 'service' },
    ),
    app('escaper', { 'backstage.io/adr-location': '../../outside/adr' }),
    app('absolute', { 'backstage.io/adr-location': '/etc' }),
    app('no-folder-yet', { 'backstage.io/adr-location': 'adr/billing' }),
    entity(
      'Component',
      'remote',
      {
        'backstage.io/managed-by-location':
          'url:https://github.com/acme/decisions/blob/main/catalog-info.yaml',
        'backstage.io/adr-location': 'docs/adr',
      },
      { system: 'remote-system' },
      { 'stackportal.io/stack': 'communication-stack' },
    ),
    stack('auth-stack', 'docs/auth-stack.md'),
    stack(
      'integration-stack',
      'docs/integration-stack.md',
      'incomplete',
      'critical',
      '1',
    ),
    stack('bi-stack', undefined, 'missing', 'medium'),
    stack('data-stack', '../../outside/adr/ADR-001-x.md', 'complete'),
    stack('communication-stack'),
  ];

  async function startBackend(
    options: { ttlSeconds?: number; deny?: boolean } = {},
  ) {
    const decide = async (reqs: unknown[]) =>
      reqs.map(() => ({
        result: options.deny ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
      }));
    const permissions = mockServices.permissions.mock({
      authorize: decide as any,
      authorizeConditional: decide as any,
    });
    const { server: http } = await startTestBackend({
      features: [
        adrPlugin,
        catalogServiceMock.factory({ entities: entities() }),
        permissions.factory,
        mockServices.rootConfig.factory({
          data: {
            adr: {
              localRoots: [dir.resolve('catalog')],
              cache: { ttlSeconds: options.ttlSeconds ?? 0 },
            },
            integrations: {
              github: [{ host: 'github.com', token: 'gh-test-token' }],
            },
          },
        }),
      ],
    });
    return http;
  }

  describe('GET /entities/:kind/:namespace/:name/adrs', () => {
    it('lists a local entity’s decisions with status, date and supersession both ways', async () => {
      const http = await startBackend();
      const res = await request(http).get(
        '/api/adr/entities/component/default/app-api/adrs',
      );
      expect(res.status).toBe(200);
      expect(res.body.location).toEqual({
        annotation: 'adr',
        type: 'file',
        target: 'catalog/app/adr',
      });
      expect(
        res.body.adrs.map((a: any) => [
          a.id,
          a.title,
          a.status,
          a.date,
          a.deciders,
        ]),
      ).toEqual([
        ['ADR-001', 'Use a queue', 'accepted', '2025-05-10', ['team-ai']],
        ['ADR-002', 'Raw WebSocket', 'superseded', '2025-05-10', ['team-ai']],
        [
          'ADR-003',
          'Socket.io for WebSocket updates',
          'accepted',
          '2025-05-11',
          ['team-ai'],
        ],
      ]);
      expect(res.body.adrs[1].supersededBy).toEqual([
        expect.objectContaining({
          text: 'ADR-003',
          key: 'ADR-003-socket-io.md',
        }),
      ]);
      expect(res.body.adrs[2].supersedes).toEqual([
        expect.objectContaining({
          text: 'ADR-002',
          key: 'ADR-002-raw-websocket.md',
          title: 'Raw WebSocket',
        }),
      ]);
      // The unparseable file is listed with its error; it hides nothing else.
      expect(res.body.problems).toEqual([
        expect.objectContaining({
          rule: 'parse',
          file: 'ADR-004-broken.md',
          message: expect.stringContaining('no title'),
        }),
      ]);
      expect(res.body.degraded).toBe(false);
    });

    it('refuses a location that escapes its root or is absolute, and says why', async () => {
      const http = await startBackend();
      const escaper = await request(http).get(
        '/api/adr/entities/component/default/escaper/adrs',
      );
      expect(escaper.status).toBe(200);
      expect(escaper.body.adrs).toEqual([]);
      expect(escaper.body.error).toEqual({
        rule: 'location',
        severity: 'error',
        message:
          'backstage.io/adr-location "../../outside/adr" leaves the folders the portal may read (catalog)',
      });
      const absolute = await request(http).get(
        '/api/adr/entities/component/default/absolute/adrs',
      );
      expect(absolute.body.error.message).toContain(
        '"/etc" is an absolute path',
      );
      const missing = await request(http).get(
        '/api/adr/entities/component/default/no-folder-yet/adrs',
      );
      expect(missing.body.error).toEqual({
        rule: 'location',
        severity: 'warning',
        message: 'catalog/app/adr/billing does not exist yet',
      });
    });

    it('reads a GitHub repository through the integration, revalidating by ETag', async () => {
      const http = await startBackend({ ttlSeconds: 0 });
      const first = await request(http).get(
        '/api/adr/entities/component/default/remote/adrs',
      );
      expect(first.status).toBe(200);
      expect(first.body.location).toEqual({
        annotation: 'docs/adr',
        type: 'url',
        target: 'https://github.com/acme/decisions/tree/main/docs/adr',
      });
      expect(
        first.body.adrs.map((a: any) => [
          a.id,
          a.title,
          a.format,
          a.status,
          a.deciders,
        ]),
      ).toEqual([
        ['ADR-0001', 'Use server-sent events', 'nygard', 'accepted', []],
        [
          'ADR-0002',
          'Version the API in the path',
          'template',
          'proposed',
          ['Jamie Lee'],
        ],
      ]);
      expect(first.body.problems).toEqual([]);
      expect(repo.calls).toEqual([
        'status',
        'tree commit-1',
        'contents docs/adr/0001-use-sse.md',
        'contents docs/adr/0002-version-api.md',
      ]);

      // Same commit: one status call, nothing re-read.
      repo.calls.length = 0;
      await request(http).get(
        '/api/adr/entities/component/default/remote/adrs',
      );
      expect(repo.calls).toEqual(['status']);

      // New commit changing one file: the other answers 304.
      repo.calls.length = 0;
      repo.sha = 'commit-2';
      repo.files['docs/adr/0002-version-api.md'] = {
        content: repo.files['docs/adr/0002-version-api.md'].content.replace(
          'proposed',
          'accepted',
        ),
        etag: '"etag-changed"',
      };
      const third = await request(http).get(
        '/api/adr/entities/component/default/remote/adrs',
      );
      expect(repo.calls).toEqual([
        'status',
        'tree commit-2',
        'contents docs/adr/0001-use-sse.md if-none-match "etag-0"',
        'contents docs/adr/0002-version-api.md if-none-match "etag-1"',
      ]);
      expect(third.body.adrs[1].status).toBe('accepted');

      // GitHub fails: the last good decisions, marked degraded.
      repo.failing = true;
      const fourth = await request(http).get(
        '/api/adr/entities/component/default/remote/adrs',
      );
      expect(fourth.status).toBe(200);
      expect(fourth.body.degraded).toBe(true);
      expect(fourth.body.adrs).toHaveLength(2);
    });

    it('serves a repository from the cache within the time to live', async () => {
      const http = await startBackend({ ttlSeconds: 300 });
      await request(http).get(
        '/api/adr/entities/component/default/remote/adrs',
      );
      repo.calls.length = 0;
      const again = await request(http).get(
        '/api/adr/entities/component/default/remote/adrs',
      );
      expect(again.body.adrs).toHaveLength(2);
      expect(repo.calls).toEqual([]);
    });

    it('answers 404 for an unknown entity and 400 for a malformed one', async () => {
      const http = await startBackend();
      expect(
        (
          await request(http).get(
            '/api/adr/entities/component/default/nope/adrs',
          )
        ).status,
      ).toBe(404);
      const bad = await request(http).get(
        '/api/adr/entities/component/default/a%20b/adrs',
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('name: is not an entity name');
    });
  });

  describe('GET /entities/:kind/:namespace/:name/adrs/:key', () => {
    it('returns the record’s markdown, and 404 for a key that is not there', async () => {
      const http = await startBackend();
      const res = await request(http).get(
        '/api/adr/entities/system/default/app/adrs/ADR-003-socket-io.md',
      );
      expect(res.status).toBe(200);
      expect(res.body.adr.id).toBe('ADR-003');
      expect(res.body.markdown).toContain('```mermaid\nC4Component');
      expect(res.body.markdown).not.toContain('decision-makers');
      const missing = await request(http).get(
        '/api/adr/entities/system/default/app/adrs/..%2F..%2Fsecret.md',
      );
      expect(missing.status).toBe(404);
    });
  });

  describe('GET /entities/:kind/:namespace/:name/assets', () => {
    it('serves images next to the records only', async () => {
      dir.addContent({
        'catalog/app/adr/img/c4.png': 'png-bytes',
        'catalog/app/secret.png': 'secret',
      });
      const http = await startBackend();
      const ok = await request(http).get(
        '/api/adr/entities/system/default/app/assets?path=img/c4.png',
      );
      expect(ok.status).toBe(200);
      expect(ok.headers['content-type']).toBe('image/png');
      expect(ok.headers['content-security-policy']).toContain('sandbox');
      const escape = await request(http).get(
        '/api/adr/entities/system/default/app/assets?path=../secret.png',
      );
      expect(escape.status).toBe(403);
      const notImage = await request(http).get(
        '/api/adr/entities/system/default/app/assets?path=ADR-001-queue.md',
      );
      expect(notImage.status).toBe(403);
    });
  });

  describe('GET /adrs', () => {
    it('lists every decision once, newest first, with its entities, systems and stacks', async () => {
      const http = await startBackend();
      const res = await request(http).get('/api/adr/adrs');
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(5);
      expect(
        res.body.adrs.map(
          (a: any) =>
            `${a.date} ${a.id} ${a.entities
              .map((e: any) => e.entityRef)
              .join('+')}`,
        ),
      ).toEqual([
        '2025-06-02 ADR-0002 component:default/remote',
        '2025-06-01 ADR-0001 component:default/remote',
        '2025-05-11 ADR-003 system:default/app+component:default/app-api',
        '2025-05-10 ADR-001 system:default/app+component:default/app-api',
        '2025-05-10 ADR-002 system:default/app+component:default/app-api',
      ]);
      expect(res.body.adrs[0].stacks).toEqual([
        {
          entityRef: 'system:default/communication-stack',
          title: 'communication stack',
        },
      ]);
      expect(res.body.adrs[2].systems).toEqual([
        { entityRef: 'system:default/app', title: 'app' },
      ]);
      expect(res.body.facets).toEqual({
        statuses: { accepted: 3, superseded: 1, proposed: 1 },
        systems: [
          { entityRef: 'system:default/app', title: 'app' },
          { entityRef: 'system:default/remote-system', title: 'remote-system' },
        ],
        stacks: [
          {
            entityRef: 'system:default/communication-stack',
            title: 'communication stack',
          },
        ],
        deciders: ['Jamie Lee', 'team-ai'],
      });
      expect(
        res.body.problems.map(
          (p: any) => `${p.entityRef} ${p.rule} ${p.file ?? ''}`,
        ),
      ).toEqual([
        'component:default/escaper location ',
        'component:default/absolute location ',
        'system:default/app parse ADR-004-broken.md',
        'component:default/no-folder-yet location ',
      ]);
    });

    it('filters by status, system, stack, decider and date range', async () => {
      const http = await startBackend();
      const ids = async (query: string) =>
        (await request(http).get(`/api/adr/adrs?${query}`)).body.adrs.map(
          (a: any) => a.id,
        );
      expect(await ids('status=accepted')).toEqual([
        'ADR-0001',
        'ADR-003',
        'ADR-001',
      ]);
      expect(await ids('status=superseded,proposed')).toEqual([
        'ADR-0002',
        'ADR-002',
      ]);
      expect(await ids('system=system:default/app')).toEqual([
        'ADR-003',
        'ADR-001',
        'ADR-002',
      ]);
      expect(await ids('stack=system:default/communication-stack')).toEqual([
        'ADR-0002',
        'ADR-0001',
      ]);
      // a bare name, as people type it in the address bar, is the system's
      expect(await ids('system=app')).toEqual([
        'ADR-003',
        'ADR-001',
        'ADR-002',
      ]);
      expect(await ids('stack=default/communication-stack')).toEqual([
        'ADR-0002',
        'ADR-0001',
      ]);
      expect(await ids('decider=jamie%20lee')).toEqual(['ADR-0002']);
      expect(await ids('from=2025-05-11&to=2025-06-01')).toEqual([
        'ADR-0001',
        'ADR-003',
      ]);
    });

    it('finds the words of a text search in the title, number or text, with the other filters', async () => {
      const http = await startBackend();
      const ids = async (query: string) => {
        const res = await request(http).get(`/api/adr/adrs?${query}`);
        expect(res.status).toBe(200);
        // the counts and facets stay those of every decision
        expect(res.body.total).toBe(5);
        return res.body.adrs.map((a: any) => a.id);
      };
      // titles (Raw WebSocket, Socket.io for WebSocket updates) and a text ("WebSocket is heavy.")
      expect(await ids('q=websocket')).toEqual([
        'ADR-0001',
        'ADR-003',
        'ADR-002',
      ]);
      // every word, in any case
      expect(await ids('q=WebSocket%20%20HEAVY')).toEqual(['ADR-0001']);
      expect(await ids('q=websocket&status=accepted')).toEqual([
        'ADR-0001',
        'ADR-003',
      ]);
      // a number, and a decision that names it (ADR-003 supersedes ADR-002)
      expect(await ids('q=adr-002')).toEqual(['ADR-003', 'ADR-002']);
      expect(await ids('q=kubernetes')).toEqual([]);
      // blank is no search
      expect(await ids('q=%20%20')).toHaveLength(5);
    });

    it('refuses a malformed query with a 400 that names the problem', async () => {
      const http = await startBackend();
      const long = await request(http).get(
        `/api/adr/adrs?q=${'a'.repeat(201)}`,
      );
      expect(long.status).toBe(400);
      expect(long.body.error.message).toContain(
        'q: must be at most 200 characters',
      );
      const twice = await request(http).get('/api/adr/adrs?q=a&q=b');
      expect(twice.status).toBe(400);
      const bad = await request(http).get(
        '/api/adr/adrs?status=draft&from=2025-13-01&colour=red',
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain(
        'status: "draft" is not one of proposed, accepted, rejected, deprecated, superseded',
      );
      expect(bad.body.error.message).toContain('unknown field colour');
      // a date Date.parse would roll over to March 2nd
      const impossible = await request(http).get('/api/adr/adrs?to=2026-02-30');
      expect(impossible.status).toBe(400);
      expect(impossible.body.error.message).toContain(
        'to: "2026-02-30" is not a real date',
      );
      const order = await request(http).get(
        '/api/adr/adrs?from=2025-06-01&to=2025-05-01',
      );
      expect(order.body.error.message).toContain('from must not be after to');
    });
  });

  describe('GET /coverage', () => {
    it('measures each stack’s documentation and says where the catalog disagrees', async () => {
      const http = await startBackend();
      const res = await request(http).get('/api/adr/coverage');
      expect(res.status).toBe(200);
      expect(
        res.body.stacks.map((s: any) => [
          s.name,
          s.declaredStatus,
          s.measuredStatus,
          s.parts.filter((p: any) => p.present).length,
          s.error,
        ]),
      ).toEqual([
        ['integration-stack', 'incomplete', 'incomplete', 1, undefined],
        [
          'bi-stack',
          'missing',
          'missing',
          0,
          'no documentation location (stackportal.io/docs-location)',
        ],
        ['auth-stack', 'complete', 'complete', 6, undefined],
        [
          'communication-stack',
          'complete',
          'missing',
          0,
          'no documentation location (stackportal.io/docs-location)',
        ],
        [
          'data-stack',
          'complete',
          'missing',
          0,
          'stackportal.io/docs-location "../../outside/adr/ADR-001-x.md" leaves the folders the portal may read (catalog)',
        ],
      ]);
      expect(res.body.measured).toEqual({
        complete: 1,
        incomplete: 1,
        missing: 3,
      });
      expect(res.body.mismatches).toBe(2);
    });
  });

  describe('GET /entities/system/:namespace/:name/documentation', () => {
    it('gives a stack’s document with its measured parts, and a 404 that says why when there is none', async () => {
      const http = await startBackend();
      const res = await request(http).get(
        '/api/adr/entities/system/default/auth-stack/documentation',
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        entityRef: 'system:default/auth-stack',
        measuredStatus: 'complete',
      });
      expect(res.body.markdown.length).toBeGreaterThan(0);
      expect(res.body.parts).toHaveLength(6);

      const none = await request(http).get(
        '/api/adr/entities/system/default/communication-stack/documentation',
      );
      expect(none.status).toBe(404);
      expect(none.body.error.message).toContain(
        'no documentation location (stackportal.io/docs-location)',
      );
      const escape = await request(http).get(
        '/api/adr/entities/system/default/data-stack/documentation',
      );
      expect(escape.status).toBe(404);
      expect(escape.body.error.message).toContain(
        'leaves the folders the portal may read',
      );
      const notStack = await request(http).get(
        '/api/adr/entities/system/default/app/documentation',
      );
      expect(notStack.status).toBe(404);
      expect(notStack.body.error.message).toBe(
        'system:default/app is not a stack in the catalog',
      );
    });
  });

  describe('access', () => {
    it('needs a signed-in user, and the read permission', async () => {
      const http = await startBackend();
      const none = await request(http)
        .get('/api/adr/adrs')
        .set('Authorization', mockCredentials.none.header());
      expect(none.status).toBe(401);
      const service = await request(http)
        .get('/api/adr/adrs')
        .set('Authorization', mockCredentials.service.header());
      expect(service.status).toBe(403);

      const denied = await startBackend({ deny: true });
      const res = await request(denied).get(
        '/api/adr/entities/system/default/app/adrs',
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe('You may not read decision records');
    });

    it('gives the search collator every decision with its text, to services only', async () => {
      const http = await startBackend();
      const user = await request(http).get('/api/adr/search-documents');
      expect(user.status).toBe(403);
      const res = await request(http)
        .get('/api/adr/search-documents')
        .set('Authorization', mockCredentials.service.header());
      expect(res.status).toBe(200);
      const ws = res.body.documents.find((d: any) => d.id === 'ADR-003');
      expect(ws).toMatchObject({
        title: 'ADR-003: Socket.io for WebSocket updates',
        location:
          '/catalog/default/system/app/decisions?record=ADR-003-socket-io.md',
        entityRef: 'system:default/app',
        entityTitle: 'app',
        status: 'accepted',
        date: '2025-05-11',
        stackRefs: [],
        stacks: [],
      });
      // a decision of a stack: the stack by reference and title, for the
      // search page's Decisions result, and its title among the words
      const sse = res.body.documents.find((d: any) => d.id === 'ADR-0001');
      expect(sse).toMatchObject({
        entityRef: 'component:default/remote',
        stackRefs: ['system:default/communication-stack'],
        stacks: ['communication stack'],
      });
      expect(sse.text).toMatch(
        /^remote, communication stack, accepted, 2025-06-01\. /,
      );
      // Plain text: the words, the diagram's words, no markdown syntax.
      expect(ws.text).toContain('Context and Problem Statement Why.');
      expect(ws.text).toContain('C4Component title Real time');
      expect(ws.text).not.toMatch(/##|```|\]\(/);
    });
  });
});
