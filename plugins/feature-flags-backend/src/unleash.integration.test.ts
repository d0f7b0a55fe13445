import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  auditorServiceFactory,
  auditStoreServiceRef,
  DatabaseAuditStore,
} from '@internal/backstage-plugin-audit-log-node';
import request from 'supertest';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { featureFlagsPlugin } from './plugin';
import {
  ADMIN,
  ADMIN2,
  ENGINEER,
  as,
  notificationsRecorder,
  permissions,
  stackproEntities,
  userInfo,
} from './__testUtils__/fixtures';
import { CLIENT_TOKEN, UnleashTestServer } from './testUtils';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_16'] });
const api = '/api/feature-flags';
const FLAGS = [
  'CAP_MESSAGING_ENABLED',
  'CAP_MESSAGING_VERSION',
  'CAP_MESSAGING_DEGRADED',
];

describe('feature flags on a real Unleash server', () => {
  let unleash: UnleashTestServer;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let auditStore: DatabaseAuditStore;

  beforeAll(async () => {
    // Unleash's search limit (15 a minute) is tested in providers/; here the
    // portal searches with every read (searchIntervalMs: 0) and so does the test
    unleash = await UnleashTestServer.create({
      env: { SEARCH_FEATURES_RATE_LIMIT_PER_MINUTE: '1000' },
    });
    for (const name of FLAGS) {
      await unleash.admin('POST', '/api/admin/projects/default/features', {
        name,
        type: 'release',
        description: name,
      });
    }
    const knex = await databases.init('POSTGRES_16');
    const database = mockServices.database({
      knex,
      migrations: { skip: false },
    });
    auditStore = await DatabaseAuditStore.create({ database });
    ({ server } = await startTestBackend({
      features: [
        featureFlagsPlugin,
        auditorServiceFactory,
        permissions.factory,
        userInfo,
        notificationsRecorder().factory,
        createServiceFactory({
          service: auditStoreServiceRef,
          deps: {},
          factory: () => auditStore,
        }),
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: stackproEntities() }),
        mockServices.rootConfig.factory({
          data: {
            unleash: {
              url: unleash.url,
              adminToken: '*:*.portal-test-admin-token',
              timeoutMs: 3000,
              cacheTtlMs: 0,
              searchIntervalMs: 0,
            },
            featureFlags: { protectedEnvironments: ['production'] },
          },
        }),
      ],
    }));
  });

  afterAll(async () => {
    await unleash?.destroy();
  });

  it("lists Unleash's flags with the catalog entities that name them", async () => {
    const res = await request(server)
      .get(`${api}/flags`)
      .set('Authorization', as(ENGINEER));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ provider: 'unleash', degraded: false });
    expect(
      res.body.environments.map((e: any) => [e.name, e.protected]),
    ).toEqual([
      ['development', false],
      ['production', true],
    ]);
    const flag = res.body.flags.find(
      (f: any) => f.name === 'CAP_MESSAGING_ENABLED',
    );
    // the annotation names project stackpro; Unleash OSS has only `default`: matched by name
    expect(flag).toMatchObject({
      project: 'default',
      entities: [{ entityRef: 'component:default/stackpro-messaging' }],
    });
  });

  it('marks the flags Unleash calls potentially stale or completed', async () => {
    await unleash.admin('POST', '/api/admin/projects/default/features', {
      name: 'OLD_RELEASE',
      type: 'release',
      description: 'old',
    });
    await unleash.admin('POST', '/api/admin/projects/default/features', {
      name: 'DONE_FLAG',
      type: 'release',
      description: 'done',
    });
    // Unleash's scheduler marks flags past their type's lifetime; a 41-day-old
    // release flag is written the way that job leaves it
    const { knex } = require('knex');
    const db = knex({
      client: 'pg',
      connection: {
        host: '127.0.0.1',
        port: 5432,
        user: 'postgres',
        database: unleash.database,
      },
    });
    try {
      await db('features')
        .where({ name: 'OLD_RELEASE' })
        .update({ potentially_stale: true });
    } finally {
      await db.destroy();
    }
    await unleash.admin(
      'POST',
      '/api/admin/projects/default/features/DONE_FLAG/lifecycle/complete',
      { status: 'kept' },
    );
    // Unleash's search may list a completed lifecycle, or a flag its job
    // marked, a moment after the change: a fresh read (which searches again)
    // is repeated briefly until both show
    let res = await request(server)
      .get(`${api}/flags?fresh=true`)
      .set('Authorization', as(ENGINEER));
    const flag = (name: string) =>
      res.body.flags.find((f: any) => f.name === name);
    const done = () =>
      flag('DONE_FLAG')?.lifecycle === 'completed' &&
      flag('OLD_RELEASE')?.potentiallyStale === true;
    for (let i = 0; i < 40 && !done(); i++) {
      await new Promise(r => setTimeout(r, 250));
      res = await request(server)
        .get(`${api}/flags?fresh=true`)
        .set('Authorization', as(ENGINEER));
    }
    const byName = new Map(res.body.flags.map((f: any) => [f.name, f]));
    expect(byName.get('OLD_RELEASE')).toMatchObject({
      potentiallyStale: true,
      stale: false,
    });
    expect(byName.get('DONE_FLAG')).toMatchObject({ lifecycle: 'completed' });
    expect(byName.get('CAP_MESSAGING_ENABLED')).not.toHaveProperty(
      'potentiallyStale',
    );
    expect(byName.get('CAP_MESSAGING_ENABLED')).not.toHaveProperty('lifecycle');
    for (const name of ['OLD_RELEASE', 'DONE_FLAG']) {
      await unleash.admin(
        'DELETE',
        `/api/admin/projects/default/features/${name}`,
      );
    }
  });

  it("toggles through the portal: Unleash's Admin API and a polling unleash-client see it, attributed to the person", async () => {
    const client = new Unleash({
      appName: 'stackpro-messaging',
      url: `${unleash.url}/api/`,
      customHeaders: { Authorization: CLIENT_TOKEN },
      refreshInterval: 500,
      disableMetrics: true,
      skipInstanceCountWarning: true,
      storageProvider: new InMemStorageProvider(),
    });
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('synchronized', () => resolve());
        client.once('error', reject);
        client.on('warn', (m: unknown) =>
          reject(new Error(`unleash-client: ${String(m)}`)),
        );
      });
      expect(client.isEnabled('CAP_MESSAGING_ENABLED')).toBe(false);

      const res = await request(server)
        .put(
          `${api}/flags/default/CAP_MESSAGING_ENABLED/environments/development`,
        )
        .set('Authorization', as(ADMIN))
        .send({ enabled: true });
      expect(res.body).toEqual({ outcome: 'applied' });

      const feature = await unleash.admin(
        'GET',
        '/api/admin/projects/default/features/CAP_MESSAGING_ENABLED',
      );
      expect(
        feature.environments.find((e: any) => e.name === 'development').enabled,
      ).toBe(true);
      const tags = await unleash.admin(
        'GET',
        '/api/admin/features/CAP_MESSAGING_ENABLED/tags',
      );
      expect(tags.tags).toEqual([
        expect.objectContaining({ type: 'changed-by', value: 'amara.okafor' }),
      ]);

      await new Promise<void>(resolve => {
        const check = () =>
          client.isEnabled('CAP_MESSAGING_ENABLED')
            ? resolve()
            : setTimeout(check, 100);
        check();
      });
      expect(client.isEnabled('CAP_MESSAGING_ENABLED')).toBe(true);

      const again = await request(server)
        .put(
          `${api}/flags/default/CAP_MESSAGING_ENABLED/environments/development`,
        )
        .set('Authorization', as(ADMIN))
        .send({ enabled: true });
      expect(again.body).toEqual({ outcome: 'unchanged' });

      const listed = await request(server)
        .get(`${api}/flags/default/CAP_MESSAGING_ENABLED`)
        .set('Authorization', as(ENGINEER));
      expect(listed.body.flag.lastChange).toMatchObject({
        actor: ADMIN,
        action: 'enabled',
      });
    } finally {
      client.destroy();
    }
  });

  it('needs a second admin for production, and applies the approval in Unleash', async () => {
    const asked = await request(server)
      .put(`${api}/flags/default/CAP_MESSAGING_ENABLED/environments/production`)
      .set('Authorization', as(ADMIN))
      .send({ enabled: true, reason: 'GA of messaging' });
    expect(asked.status).toBe(202);
    let feature = await unleash.admin(
      'GET',
      '/api/admin/projects/default/features/CAP_MESSAGING_ENABLED',
    );
    expect(
      feature.environments.find((e: any) => e.name === 'production').enabled,
    ).toBe(false);

    const approved = await request(server)
      .post(`${api}/change-requests/${asked.body.changeRequest.id}/approve`)
      .set('Authorization', as(ADMIN2))
      .send({});
    expect(approved.body).toMatchObject({
      status: 'applied',
      decidedBy: ADMIN2,
    });
    feature = await unleash.admin(
      'GET',
      '/api/admin/projects/default/features/CAP_MESSAGING_ENABLED',
    );
    expect(
      feature.environments.find((e: any) => e.name === 'production').enabled,
    ).toBe(true);
    const tags = await unleash.admin(
      'GET',
      '/api/admin/features/CAP_MESSAGING_ENABLED/tags',
    );
    expect(tags.tags).toEqual([
      expect.objectContaining({ type: 'changed-by', value: 'chen.wei' }),
    ]);
  });

  it('targets a tenant in Unleash and previews it with unleash-client', async () => {
    const added = await request(server)
      .post(
        `${api}/flags/default/CAP_MESSAGING_DEGRADED/environments/development/strategies`,
      )
      .set('Authorization', as(ADMIN))
      .send({
        parameters: {
          rollout: '100',
          stickiness: 'default',
          groupId: 'CAP_MESSAGING_DEGRADED',
        },
        constraints: [
          { contextName: 'tenantId', operator: 'IN', values: ['acme'] },
        ],
      });
    expect(added.status).toBe(201);
    const strategies = await unleash.admin(
      'GET',
      '/api/admin/projects/default/features/CAP_MESSAGING_DEGRADED/environments/development/strategies',
    );
    expect(strategies).toEqual([
      expect.objectContaining({
        id: added.body.id,
        constraints: [
          expect.objectContaining({
            contextName: 'tenantId',
            operator: 'IN',
            values: ['acme'],
          }),
        ],
      }),
    ]);
    await request(server)
      .put(
        `${api}/flags/default/CAP_MESSAGING_DEGRADED/environments/development`,
      )
      .set('Authorization', as(ADMIN))
      .send({ enabled: true });
    const preview = async (tenantId: string) =>
      (
        await request(server)
          .post(`${api}/flags/default/CAP_MESSAGING_DEGRADED/evaluate`)
          .set('Authorization', as(ENGINEER))
          .send({ environment: 'development', context: { tenantId } })
      ).body.isEnabled;
    expect(await preview('acme')).toBe(true);
    expect(await preview('globex')).toBe(false);
  });

  it('refuses bad input before anything reaches Unleash', async () => {
    const badName = await request(server)
      .post(`${api}/flags`)
      .set('Authorization', as(ADMIN))
      .send({ name: 'bad name', project: 'default' });
    expect(badName.status).toBe(400);
    const unknown = await request(server)
      .put(`${api}/flags/default/NOPE/environments/development`)
      .set('Authorization', as(ADMIN))
      .send({ enabled: true });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('Flag NOPE not found');
    const badOp = await request(server)
      .post(
        `${api}/flags/default/CAP_MESSAGING_VERSION/environments/development/strategies`,
      )
      .set('Authorization', as(ADMIN))
      .send({
        parameters: { rollout: '50' },
        constraints: [
          { contextName: 'tenantId', operator: 'ANY', values: ['x'] },
        ],
      });
    expect(badOp.status).toBe(400);
    const strategies = await unleash.admin(
      'GET',
      '/api/admin/projects/default/features/CAP_MESSAGING_VERSION/environments/development/strategies',
    );
    expect(strategies).toEqual([]);
  });

  it("creates and archives a flag in Unleash, each on a second admin's approval", async () => {
    const asked = await request(server)
      .post(`${api}/flags`)
      .set('Authorization', as(ADMIN))
      .send({
        name: 'CAP_SEARCH_ENABLED',
        project: 'default',
        type: 'release',
        tags: [{ type: 'capability', value: 'search' }],
        reason: 'new capability',
      });
    expect(asked.status).toBe(202);
    expect(asked.body.changeRequest.diff).toContainEqual({
      field: 'type',
      after: 'release',
    });
    expect(
      (
        await unleash.admin('GET', '/api/admin/projects/default/features')
      ).features.map((f: any) => f.name),
    ).not.toContain('CAP_SEARCH_ENABLED');
    const created = await request(server)
      .post(`${api}/change-requests/${asked.body.changeRequest.id}/approve`)
      .set('Authorization', as(ADMIN2))
      .send({});
    expect(created.body).toMatchObject({ status: 'applied', kind: 'create' });
    const feature = await unleash.admin(
      'GET',
      '/api/admin/projects/default/features/CAP_SEARCH_ENABLED',
    );
    expect(feature.type).toBe('release');

    // Unleash 5+ keeps a new flag's variants on its strategies: the environment variants route says so
    const variants = await request(server)
      .put(
        `${api}/flags/default/CAP_SEARCH_ENABLED/environments/development/variants`,
      )
      .set('Authorization', as(ADMIN))
      .send({
        variants: [
          { name: 'a', weight: 0 },
          { name: 'b', weight: 0 },
        ],
      });
    expect(variants.status).toBe(400);
    expect(variants.body.error.message).toContain('on its strategies');

    const archive = await request(server)
      .delete(`${api}/flags/default/CAP_SEARCH_ENABLED`)
      .set('Authorization', as(ADMIN))
      .send({ reason: 'search is done' });
    expect(archive.status).toBe(202);
    const archived = await request(server)
      .post(`${api}/change-requests/${archive.body.changeRequest.id}/approve`)
      .set('Authorization', as(ADMIN2))
      .send({});
    expect(archived.body).toMatchObject({ status: 'applied', kind: 'archive' });
    const live = await unleash.admin(
      'GET',
      '/api/admin/projects/default/features',
    );
    expect(live.features.map((f: any) => f.name)).not.toContain(
      'CAP_SEARCH_ENABLED',
    );
    const gone = await unleash.admin(
      'GET',
      '/api/admin/search/features?project=IS:default&archived=IS:true',
    );
    expect(gone.features.map((f: any) => f.name)).toContain(
      'CAP_SEARCH_ENABLED',
    );
  });

  it('answers from the last good data while Unleash is down, refuses writes with a 503, and recovers without a restart', async () => {
    await unleash.stop();
    const read = await request(server)
      .get(`${api}/flags`)
      .set('Authorization', as(ENGINEER));
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      degraded: true,
      reason: expect.stringContaining('cannot be reached'),
    });
    expect(read.body.ageMs).toBeGreaterThanOrEqual(0);
    expect(
      read.body.flags.find((f: any) => f.name === 'CAP_MESSAGING_ENABLED')
        .environments[0].enabled,
    ).toBe(true);

    const write = await request(server)
      .put(
        `${api}/flags/default/CAP_MESSAGING_VERSION/environments/development`,
      )
      .set('Authorization', as(ADMIN))
      .send({ enabled: true });
    expect(write.status).toBe(503);
    expect(write.body.error.message).toContain('Nothing was changed');
    const failed = await auditStore.query(
      {
        plugin: ['feature-flags'],
        action: ['flag-toggle'],
        outcome: ['failed'],
      },
      { limit: 5 },
    );
    expect(failed[0]).toMatchObject({
      actor: { ref: ADMIN },
      target: 'feature-flag:default/CAP_MESSAGING_VERSION',
    });

    // a create refused because the copy is not current is audited too
    const create = await request(server)
      .post(`${api}/flags`)
      .set('Authorization', as(ADMIN))
      .send({
        name: 'CAP_OFFLINE_ENABLED',
        project: 'default',
        reason: 'during the outage',
      });
    expect(create.status).toBe(503);
    const refused = await auditStore.query(
      {
        plugin: ['feature-flags'],
        action: ['change-request-create'],
        outcome: ['failed'],
      },
      { limit: 5 },
    );
    expect(refused[0]).toMatchObject({
      actor: { ref: ADMIN },
      target: 'feature-flag:default/CAP_OFFLINE_ENABLED',
    });

    await unleash.start();
    // the next reads refresh in the background; within a few seconds the data is fresh again
    let back = await request(server)
      .get(`${api}/flags`)
      .set('Authorization', as(ENGINEER));
    for (let i = 0; i < 50 && back.body.degraded; i++) {
      await new Promise(r => setTimeout(r, 200));
      back = await request(server)
        .get(`${api}/flags`)
        .set('Authorization', as(ENGINEER));
    }
    expect(back.body).toMatchObject({ degraded: false, provider: 'unleash' });
    expect(back.body.reason).toBeUndefined();
    const retry = await request(server)
      .put(
        `${api}/flags/default/CAP_MESSAGING_VERSION/environments/development`,
      )
      .set('Authorization', as(ADMIN))
      .send({ enabled: true });
    expect(retry.body).toEqual({ outcome: 'applied' });
  });
});
