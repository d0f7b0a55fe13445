import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { healthPlugin } from './plugin';

jest.setTimeout(60_000);

const ENGINEER = 'user:default/eli.martin';
const BLOCKED = 'user:default/jamie.lee';

async function start() {
  const { server } = await startTestBackend({
    features: [
      healthPlugin,
      mockServices.rootConfig.factory({
        data: { health: { probes: { interval: 'PT1H' } } },
      }),
      mockServices.permissions.mock({
        authorize: async (requests, options) =>
          requests.map(() => ({
            result:
              (options.credentials.principal as { userEntityRef?: string })
                .userEntityRef === BLOCKED
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
      }).factory,
      catalogServiceMock.factory({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'stackpro-messaging',
              annotations: {
                'stackportal.io/capability': 'messaging',
                'stackportal.io/health-endpoint': '/v1/health',
              },
            },
            spec: { owner: 'team-platform' },
          },
        ],
      }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send: async () => {} }),
      }),
    ],
  });
  return server;
}

const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});

describe('health routes', () => {
  it('need a signed-in user holding health.read, and say what is wrong with bad input', async () => {
    const server = await start();
    await request(server)
      .get('/api/health/entities')
      .set('Authorization', mockCredentials.none.header())
      .expect(401);
    await request(server)
      .get('/api/health/entities')
      .set(as(BLOCKED))
      .expect(403);
    const list = await request(server)
      .get('/api/health/entities')
      .set(as(ENGINEER))
      .expect(200);
    expect(list.body).toMatchObject({ intervalSeconds: 3600 });
    const bad = await request(server)
      .get('/api/health/entities?colour=blue')
      .set(as(ENGINEER))
      .expect(400);
    expect(bad.body.error.message).toMatch(
      /^Invalid query: unknown field colour \(allowed: [a-z, ]+\)$/,
    );
    const badRes = await request(server)
      .get(
        '/api/health/entities/component/default/stackpro-messaging?resolution=second',
      )
      .set(as(ENGINEER))
      .expect(400);
    expect(badRes.body.error.message).toMatch(
      /^Invalid query: resolution: "second" is not one of minute, hour/,
    );
    const missing = await request(server)
      .get('/api/health/entities/component/default/nothing-here')
      .set(as(ENGINEER))
      .expect(404);
    expect(missing.body.error.message).toMatch(/is not probed/);
  });

  it('answers discovery with every capability the configuration knows', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/health/capabilities')
      .set(as(ENGINEER))
      .expect(200);
    expect(res.body).toMatchObject({ environment: 'local' });
  });
});
