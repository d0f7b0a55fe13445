import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import express from 'express';
import request from 'supertest';
import {
  isDatabaseUnavailableError,
  RETRY_AFTER_SECONDS,
  serviceUnavailableErrors,
} from './unavailable';

/** Errors as pg, pg-pool and knex raise them while PostgreSQL restarts. */
const outages: Array<[string, Error]> = [
  [
    'a terminated session (57P01)',
    Object.assign(
      new Error('terminating connection due to administrator command'),
      { code: '57P01' },
    ),
  ],
  [
    'a refused connection',
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    }),
  ],
  [
    'a connection lost mid-query',
    new Error('Connection terminated unexpectedly'),
  ],
  [
    'the system starting up (57P03)',
    Object.assign(new Error('the database system is starting up'), {
      code: '57P03',
    }),
  ],
  [
    "knex's pool giving up",
    Object.assign(
      new Error(
        'Knex: Timeout acquiring a connection. The pool is probably full.',
      ),
      {
        name: 'KnexTimeoutError',
      },
    ),
  ],
  [
    'a refused connection on every address',
    new AggregateError([
      Object.assign(new Error('connect ECONNREFUSED ::1:5432'), {
        code: 'ECONNREFUSED',
      }),
    ]),
  ],
  [
    'a wrapped outage',
    new Error('Failed to read entities', {
      cause: new Error('Connection terminated unexpectedly'),
    }),
  ],
];

function appThrowing(error: Error) {
  const middleware = MiddlewareFactory.create({
    config: mockServices.rootConfig(),
    logger: mockServices.logger.mock(),
  });
  const app = express();
  app.get('/api/thing', () => {
    throw error;
  });
  app.use(serviceUnavailableErrors());
  app.use(middleware.error());
  return app;
}

describe('serviceUnavailableErrors', () => {
  it.each(outages)('answers 503 with Retry-After for %s', async (_, error) => {
    expect(isDatabaseUnavailableError(error)).toBe(true);
    const res = await request(appThrowing(error)).get('/api/thing');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
    expect(res.body.error.message).toMatch(/database is not answering/);
    expect(res.body.error.message).not.toMatch(/5432/);
  });

  it('adds Retry-After to every other 503', async () => {
    const res = await request(
      appThrowing(new ServiceUnavailableError('audit log down')),
    ).get('/api/thing');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
  });

  it('leaves errors that are not outages alone', async () => {
    const error = Object.assign(
      new Error('duplicate key value violates unique constraint'),
      { code: '23505' },
    );
    expect(isDatabaseUnavailableError(error)).toBe(false);
    const res = await request(appThrowing(error)).get('/api/thing');
    expect(res.status).toBe(500);
    expect(res.headers['retry-after']).toBeUndefined();
  });
});
