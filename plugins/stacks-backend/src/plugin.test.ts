import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { stacksPlugin } from './plugin';

function stack(
  name: string,
  domain: string,
  labels: Record<string, string>,
  owner = 'team-a',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name,
      title: name.replace(/-stack$/, ' Stack'),
      labels: Object.fromEntries(
        Object.entries(labels).map(([k, v]) => [`stackportal.io/${k}`, v]),
      ),
      annotations: {
        'stackportal.io/system-features': 'One\nTwo',
        'stackportal.io/user-features': 'Three',
      },
    },
    spec: { type: 'stack', owner, domain },
  };
}

const entities: Entity[] = [
  stack('auth-stack', 'core', {
    layer: 'L5',
    priority: 'low',
    'doc-status': 'complete',
  }),
  stack('security-stack', 'core', {
    layer: 'L1',
    priority: 'critical',
    'doc-status': 'missing',
  }),
  stack('integration-stack', 'core', {
    layer: 'L4',
    priority: 'critical',
    'doc-status': 'incomplete',
  }),
  stack(
    'bi-stack',
    'business',
    { layer: 'L3', priority: 'medium', 'doc-status': 'missing' },
    'team-b',
  ),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'smartstack' },
    spec: { type: 'product', owner: 'team-a' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Domain',
    metadata: {
      name: 'core',
      title: 'Core Infrastructure',
      description: 'Base',
    },
    spec: { owner: 'team-a' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Domain',
    metadata: { name: 'business', title: 'Business & Product' },
    spec: { owner: 'team-b' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a' },
    spec: { type: 'team', profile: { displayName: 'Team A' }, children: [] },
  },
];

async function startBackend() {
  const { server } = await startTestBackend({
    features: [stacksPlugin, catalogServiceMock.factory({ entities })],
  });
  return server;
}

describe('GET /api/stacks/stacks', () => {
  it('answers every stack, grouped data and the review summary in one request', async () => {
    const server = await startBackend();
    const res = await request(server).get('/api/stacks/stacks');

    expect(res.status).toBe(200);
    expect(res.body.stacks.map((s: { name: string }) => s.name)).toEqual([
      'security-stack',
      'integration-stack',
      'bi-stack',
      'auth-stack',
    ]);
    expect(res.body.stacks[1]).toMatchObject({
      title: 'integration Stack',
      layer: 'L4',
      priority: 'critical',
      docStatus: 'incomplete',
      systemFeatures: ['One', 'Two'],
      domain: {
        entityRef: 'domain:default/core',
        title: 'Core Infrastructure',
      },
      owner: { entityRef: 'group:default/team-a', title: 'Team A' },
    });
    expect(res.body.domains.map((d: { title: string }) => d.title)).toEqual([
      'Core Infrastructure',
      'Business & Product',
    ]);
    expect(res.body.summary).toEqual({
      total: 4,
      byStatus: { complete: 1, incomplete: 1, missing: 2 },
      byPriority: {
        critical: { complete: 0, incomplete: 1, missing: 1 },
        high: { complete: 0, incomplete: 0, missing: 0 },
        medium: { complete: 0, incomplete: 0, missing: 1 },
        low: { complete: 1, incomplete: 0, missing: 0 },
      },
    });
  });

  it('filters by domain, layer, priority and status but keeps the full summary', async () => {
    const server = await startBackend();
    const res = await request(server).get(
      '/api/stacks/stacks?priority=critical,medium&status=missing&domain=core',
    );

    expect(res.status).toBe(200);
    expect(res.body.stacks.map((s: { name: string }) => s.name)).toEqual([
      'security-stack',
    ]);
    expect(res.body.summary.total).toBe(4);

    const byLayer = await request(server)
      .get('/api/stacks/stacks')
      .query({ layer: ['L3', 'L5'] });
    expect(byLayer.body.stacks.map((s: { name: string }) => s.name)).toEqual([
      'bi-stack',
      'auth-stack',
    ]);
  });

  it('refuses a malformed query with a 400 that names the problem', async () => {
    const server = await startBackend();

    const badValue = await request(server).get(
      '/api/stacks/stacks?priority=urgent',
    );
    expect(badValue.status).toBe(400);
    expect(badValue.body.error.message).toContain(
      'priority: "urgent" is not one of critical, high, medium, low',
    );

    const unknown = await request(server).get('/api/stacks/stacks?colour=red');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('unknown field colour');

    const badRef = await request(server).get(
      '/api/stacks/stacks?domain=component:default/x',
    );
    expect(badRef.status).toBe(400);
    expect(badRef.body.error.message).toContain('is not a domain reference');
  });

  it('refuses a signed-out request with 401', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/stacks/stacks')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('refuses service callers: the overview is read on behalf of a user', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/stacks/stacks')
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(403);
  });
});
