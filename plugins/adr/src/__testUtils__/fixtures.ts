import { Entity } from '@backstage/catalog-model';
import { mockApis } from '@backstage/frontend-test-utils';
import {
  AdrIndexEntry,
  AdrIndexResponse,
  AdrSummary,
  EntityAdrsResponse,
} from '@internal/backstage-plugin-adr-common';
import { http, HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';
import { AdrClient } from '../api';

export const BASE = 'http://backstage.test/api/adr';

export const testAdrClient = () =>
  new AdrClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
    fetchApi: mockApis.fetch(),
  });

export const smartstack: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'smartstack',
    namespace: 'default',
    title: 'SmartStack',
    annotations: { 'backstage.io/adr-location': 'adr' },
  },
  spec: { owner: 'team-ai' },
};

const summary = (
  over: Partial<AdrSummary> & Pick<AdrSummary, 'key' | 'number' | 'title'>,
): AdrSummary => ({
  file: over.key,
  id: `ADR-00${over.number}`,
  status: 'accepted',
  date: '2025-05-11',
  deciders: ['team-ai'],
  format: 'madr',
  madrVersion: 4,
  supersedes: [],
  supersededBy: [],
  problems: [],
  ...over,
});

export const adr2 = summary({
  key: 'ADR-002-real-time-updates.md',
  number: 2,
  title: 'Push task status over raw WebSocket messages',
  status: 'superseded',
  date: '2025-05-10',
  supersededBy: [
    {
      text: 'ADR-004',
      number: 4,
      key: 'ADR-004-websocket-implementation.md',
      file: 'ADR-004-websocket-implementation.md',
      title: 'Use Socket.io',
    },
  ],
});
export const adr4 = summary({
  key: 'ADR-004-websocket-implementation.md',
  number: 4,
  title: 'Use Socket.io',
  supersedes: [
    {
      text: 'ADR-002',
      number: 2,
      key: 'ADR-002-real-time-updates.md',
      file: 'ADR-002-real-time-updates.md',
      title: 'Push task status over raw WebSocket messages',
    },
  ],
  problems: [
    {
      rule: 'unsafe-content',
      severity: 'warning',
      file: 'ADR-004-websocket-implementation.md',
      message: 'contains a <script> element, which is not rendered',
    },
  ],
});

export const entityAdrs: EntityAdrsResponse = {
  entityRef: 'system:default/smartstack',
  location: {
    annotation: 'adr',
    type: 'file',
    target: 'catalog/smartstack/adr',
  },
  adrs: [adr2, adr4],
  problems: [
    ...adr4.problems,
    {
      rule: 'parse',
      severity: 'error',
      file: 'ADR-010-draft.md',
      message: 'no title: a decision record starts with a level-1 heading',
    },
  ],
  degraded: false,
  checkedAt: '2026-11-23T10:00:00.000Z',
};

export const adr4Markdown = [
  '# ADR-004: Use Socket.io',
  '',
  'Supersedes [ADR-002](ADR-002-real-time-updates.md). See [the contract](../contracts/realtime-api.yaml),',
  '[a trap](javascript:alert(1)) and [Socket.io](https://socket.io).',
  '',
  '<script>window.hacked = true</script>',
  '<img src="x" onerror="window.hacked = true">',
  '',
  '```mermaid',
  'C4Component',
  '  title Components: real-time updates',
  '```',
  '',
  '| Option | Chosen |',
  '| --- | --- |',
  '| Socket.io | yes |',
  '',
  '![diagram](img/c4.png) ![escape](../../secret.png)',
].join('\n');

/** Answers the entity endpoints from the fixtures and records the paths asked for. */
export function serveEntity(
  server: SetupServer,
  response: EntityAdrsResponse = entityAdrs,
): string[] {
  const asked: string[] = [];
  server.use(
    http.get(`${BASE}/entities/system/default/smartstack/adrs`, () => {
      asked.push('list');
      return HttpResponse.json(response);
    }),
    http.get(
      `${BASE}/entities/system/default/smartstack/adrs/:key`,
      ({ params }) => {
        const key = decodeURIComponent(String(params.key));
        asked.push(key);
        const adr = response.adrs.find(a => a.key === key);
        if (!adr)
          return HttpResponse.json(
            { error: { name: 'NotFoundError', message: 'no' } },
            { status: 404 },
          );
        return HttpResponse.json({
          entityRef: response.entityRef,
          adr,
          markdown:
            key === adr4.key
              ? adr4Markdown
              : `# ${adr.id}: ${adr.title}\n\nThe raw WebSocket decision.`,
        });
      },
    ),
    http.get(
      `${BASE}/entities/system/default/smartstack/assets`,
      ({ request }) => {
        asked.push(`asset ${new URL(request.url).searchParams.get('path')}`);
        return new HttpResponse(new Uint8Array([137, 80, 78, 71]), {
          headers: { 'Content-Type': 'image/png' },
        });
      },
    ),
  );
  return asked;
}

const entry = (
  s: AdrSummary,
  home: string,
  title: string,
  extra: Partial<AdrIndexEntry> = {},
): AdrIndexEntry => ({
  ...s,
  entities: [{ entityRef: home, title }],
  systems: [{ entityRef: home, title }],
  stacks: [],
  ...extra,
});

export const indexEntries: AdrIndexEntry[] = [
  entry(
    summary({
      key: '0002-version-api.md',
      number: 2,
      title: 'Version the API in the path',
      status: 'proposed',
      date: '2025-08-09',
      deciders: ['team-platform'],
      format: 'template',
    }),
    'system:default/stackpro',
    'StackPro',
    {
      stacks: [
        {
          entityRef: 'system:default/communication-stack',
          title: 'Communication Stack',
        },
      ],
    },
  ),
  entry(adr4, 'system:default/smartstack', 'SmartStack'),
  entry(adr2, 'system:default/smartstack', 'SmartStack'),
];

/** Answers `GET /adrs` like the backend (status, system and date filters) and records each query. */
export function serveIndex(server: SetupServer): URLSearchParams[] {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get(`${BASE}/adrs`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      queries.push(query);
      const status = query.getAll('status');
      const system = query.getAll('system');
      const from = query.get('from');
      // the backend also reads the text; the titles are enough here
      const words = (query.get('q') ?? '').toLowerCase().split(/\s+/);
      const adrs = indexEntries.filter(
        e =>
          (!status.length || status.includes(e.status!)) &&
          (!system.length ||
            e.systems.some(s => system.includes(s.entityRef))) &&
          (!from || (e.date ?? '') >= from) &&
          words.every(w => e.title.toLowerCase().includes(w)),
      );
      const body: AdrIndexResponse = {
        adrs,
        total: indexEntries.length,
        facets: {
          statuses: { accepted: 1, superseded: 1, proposed: 1 },
          systems: [
            { entityRef: 'system:default/smartstack', title: 'SmartStack' },
            { entityRef: 'system:default/stackpro', title: 'StackPro' },
          ],
          stacks: [
            {
              entityRef: 'system:default/communication-stack',
              title: 'Communication Stack',
            },
          ],
          deciders: ['team-ai', 'team-platform'],
        },
        problems: [
          {
            entityRef: 'component:default/stackpro-ai',
            rule: 'location',
            severity: 'warning',
            message: 'catalog/stackpro/adr/ai does not exist yet',
          },
        ],
        degraded: false,
      };
      return HttpResponse.json(body);
    }),
  );
  return queries;
}
