import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { unavailableAsServiceUnavailableHttpRouterServiceFactory } from './httpRouterServiceFactory';

/** A plugin whose routes fail the way they do while PostgreSQL restarts. */
const failing = createBackendPlugin({
  pluginId: 'failing',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        const router = express.Router();
        router.get('/restarting', () => {
          throw Object.assign(
            new Error('terminating connection due to administrator command'),
            { code: '57P01' },
          );
        });
        router.get('/broken', () => {
          throw new Error('a bug');
        });
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
      },
    });
  },
});

describe('unavailableAsServiceUnavailableHttpRouterServiceFactory', () => {
  it("answers a plugin route's database outage with 503 and Retry-After, other errors as before", async () => {
    const { server } = await startTestBackend({
      features: [
        failing,
        unavailableAsServiceUnavailableHttpRouterServiceFactory,
      ],
    });
    const outage = await request(server).get('/api/failing/restarting');
    expect(outage.status).toBe(503);
    expect(outage.headers['retry-after']).toBe('5');
    expect(outage.body.error.name).toBe('ServiceUnavailableError');

    const bug = await request(server).get('/api/failing/broken');
    expect(bug.status).toBe(500);
    expect(bug.headers['retry-after']).toBeUndefined();
  });
});
