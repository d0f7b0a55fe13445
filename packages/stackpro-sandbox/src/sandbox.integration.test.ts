/*
 * The sandbox as `./portal start` runs it, from configuration: its
 * unleash-client reads the portal's own Unleash client API (the
 * feature-flags backend, started here), and it publishes its metrics to a
 * real moto_server it starts itself, read back with the AWS SDK.
 */
import {
  createServiceFactory,
  coreServices,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CloudWatchClient,
  GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
// the portal's flags backend is the sandbox's flag server here, as it is on ./portal start
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import featureFlagsPlugin from '@internal/backstage-plugin-feature-flags-backend';
import { JsonLineLogger } from '@internal/stackpro-runtime';
import { readFileSync } from 'node:fs';
import { createServer, AddressInfo } from 'node:net';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import { answers, findMotoServer } from './localMoto';
import { ConfiguredSandbox, startSandboxFromConfig } from './sandboxFromConfig';

jest.setTimeout(60_000);

const ADMIN = 'user:default/amara.okafor';
const CLIENT_TOKEN = 'stackpro:development.sandbox-test-client-token';
const TENANT = { 'X-Tenant-Id': 'acme' };

const moto = findMotoServer();
if (!moto) {
  // eslint-disable-next-line no-console
  console.warn(
    '\n################################################################\n' +
      "moto_server is NOT on the PATH: the sandbox's CloudWatch metrics test is SKIPPED\n" +
      '(pip install "moto[server]==5.2.1" to run it)\n' +
      '################################################################\n',
  );
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

function stackproEntities(): Entity[] {
  const file = resolvePackagePath(
    '@internal/stackpro-sandbox',
    '../../catalog/stackpro/catalog-info.yaml',
  );
  return parseAllDocuments(readFileSync(file, 'utf8')).map(
    d => d.toJS() as Entity,
  );
}

/** The portal's feature-flags backend on the embedded provider: admins may toggle, everyone read. */
async function startFlagsBackend() {
  const { server } = await startTestBackend({
    features: [
      featureFlagsPlugin,
      catalogServiceMock.factory({ entities: stackproEntities() }),
      mockServices.permissions.mock({
        authorize: async (requests, options) =>
          requests.map(() => ({
            result:
              (options.credentials.principal as { userEntityRef?: string })
                .userEntityRef === ADMIN
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          })),
      }).factory,
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () => ({
          async getUserInfo(credentials: any) {
            const ref = credentials.principal.userEntityRef;
            return {
              userEntityRef: ref,
              ownershipEntityRefs: [ref, 'group:default/platform-admins'],
            };
          },
        }),
      }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send: async () => {} }),
      }),
      mockServices.rootConfig.factory({
        data: {
          stackPortal: { roles: { admin: ['group:default/platform-admins'] } },
          featureFlags: {
            clientTokens: [{ token: CLIENT_TOKEN, environment: 'development' }],
          },
        },
      }),
    ],
  });
  const { port } = server.address() as AddressInfo;
  return { server, baseUrl: `http://127.0.0.1:${port}` };
}

async function eventually<T>(
  fn: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await fn();
  while (!accept(last) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 100));
    last = await fn();
  }
  return last;
}

describe('the sandbox from configuration, beside the portal', () => {
  let flags: Awaited<ReturnType<typeof startFlagsBackend>>;
  let started: ConfiguredSandbox;
  let motoEndpoint: string;
  const logged: string[] = [];

  beforeAll(async () => {
    flags = await startFlagsBackend();
    motoEndpoint = `http://127.0.0.1:${await freePort()}`;
    const config = new ConfigReader({
      backend: { baseUrl: flags.baseUrl },
      featureFlags: {
        clientTokens: [{ token: CLIENT_TOKEN, environment: 'development' }],
      },
      stackpro: {
        sandbox: {
          enabled: true,
          port: 0,
          adminToken: 'admin',
          flags: { environment: 'development', refreshIntervalMs: 200 },
          metrics: moto
            ? {
                flushIntervalSeconds: 3600,
                cloudwatch: { endpoint: motoEndpoint, startMoto: true },
              }
            : undefined,
        },
      },
    });
    const logger = JsonLineLogger.create({ write: line => logged.push(line) });
    const requestLog = JsonLineLogger.create({ write: () => {} });
    started = (await startSandboxFromConfig(config, logger, { requestLog }))!;
  });

  afterAll(async () => {
    await started?.stop();
  });

  const http = () => request(started.sandbox.baseUrl);
  const toggle = (flag: string, enabled: boolean) =>
    request(flags.server)
      .put(`/api/feature-flags/flags/stackpro/${flag}/environments/development`)
      .set('Authorization', mockCredentials.user.header(ADMIN))
      .send({ enabled });

  it("reads its flags with unleash-client from the portal's client API, and follows a toggle", async () => {
    // seed 002: CAP_<X>_ENABLED on in development, _DEGRADED off
    const healthy = await eventually(
      () => http().get('/messaging/v1/health'),
      r => r.status === 200,
    );
    expect(healthy.body).toMatchObject({
      status: 'ok',
      degraded: false,
      flags: { enabled: true, version: 'v1', forcedDegraded: false },
    });

    expect((await toggle('CAP_MESSAGING_DEGRADED', true)).status).toBe(200);
    const degraded = await eventually(
      () => http().get('/messaging/v1/health'),
      r => r.body.degraded === true,
    );
    expect(degraded.body).toMatchObject({
      status: 'degraded',
      flags: { forcedDegraded: true },
    });
    const answer = await http()
      .post('/messaging/v1/threads')
      .set(TENANT)
      .send({ subject: 's', participantIds: ['u'] });
    expect(answer.body.degraded).toBe(true);

    expect((await toggle('CAP_AI_ENABLED', false)).status).toBe(200);
    const disabled = await eventually(
      () => http().get('/ai/v1/models').set(TENANT),
      r => r.status === 503,
    );
    expect(disabled.body).toMatchObject({
      error: { code: 'CAPABILITY_DISABLED' },
      degraded: true,
    });

    await toggle('CAP_MESSAGING_DEGRADED', false);
    await toggle('CAP_AI_ENABLED', true);
    await eventually(
      () => http().get('/ai/v1/health'),
      r => r.status === 200,
    );
  });

  (moto ? describe : describe.skip)(
    'with moto_server as the local CloudWatch',
    () => {
      it('publishes the five metrics to the CloudWatch it started (moto), batched, latency as values', async () => {
        expect(started.metrics).toEqual({
          endpoint: motoEndpoint,
          region: 'us-west-2',
        });
        const since = new Date(Date.now() - 60_000);
        for (let i = 0; i < 8; i++)
          await http().get('/billing/v1/customers').set(TENANT);
        started.sandbox.setFaults('billing', { errorRate: 1 });
        for (let i = 0; i < 2; i++)
          await http().get('/billing/v1/customers').set(TENANT);
        started.sandbox.resetFaults('billing');
        await started.flushMetrics();

        const cloudwatch = new CloudWatchClient({
          region: 'us-west-2',
          endpoint: motoEndpoint,
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        });
        const query = (id: string, metric: string, stat: string) => ({
          Id: id,
          MetricStat: {
            Metric: {
              Namespace: 'stackpro.capability',
              MetricName: metric,
              Dimensions: [{ Name: 'capability', Value: 'billing' }],
            },
            Period: 3600,
            Stat: stat,
          },
        });
        const data = await cloudwatch.send(
          new GetMetricDataCommand({
            StartTime: since,
            EndTime: new Date(Date.now() + 60_000),
            MetricDataQueries: [
              query('success', 'success', 'Sum'),
              query('requests', 'success', 'SampleCount'),
              query('errors', 'error', 'Sum'),
              query('errorRate', 'error', 'Average'),
              query('degraded', 'degraded', 'Sum'),
              query('latencySamples', 'latency.p95', 'SampleCount'),
              query('latencyMax', 'latency.p95', 'Maximum'),
              query('breaker', 'breaker.open', 'Maximum'),
            ],
          }),
        );
        cloudwatch.destroy();
        const value = (id: string) =>
          data
            .MetricDataResults!.find(r => r.Id === id)!
            .Values!.reduce((a, b) => a + b, 0);
        expect(value('success')).toBe(8);
        expect(value('requests')).toBe(10);
        expect(value('errors')).toBe(2);
        expect(value('errorRate')).toBeCloseTo(0.2);
        expect(value('degraded')).toBe(0);
        expect(value('latencySamples')).toBe(10);
        expect(value('latencyMax')).toBeGreaterThan(0);
        expect(value('breaker')).toBe(0);
      });

      it('stops the moto_server it started when it stops', async () => {
        await started.stop();
        expect(await answers(motoEndpoint)).toBe(false);
        started = undefined as any;
      });
    },
  );
});
