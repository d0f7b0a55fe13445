import {
  CloudWatchClient,
  PutDashboardCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import {
  as,
  capability,
  ENGINEER,
  lastMinutes,
  localAccount,
  permissions,
  publish,
  sdkClient,
} from './__testUtils__/fixtures';
import { motoServerPath, MotoServer } from './__testUtils__/moto';
import { cloudwatchPlugin } from './plugin';

jest.setTimeout(60_000);

const api = '/api/cloudwatch';
const MINUTES = 30;

/** Counts the requests the backend's SDK clients make, by operation. */
function countCalls() {
  const counts: Record<string, number> = {};
  const original = CloudWatchClient.prototype.send;
  const spy = jest
    .spyOn(CloudWatchClient.prototype, 'send')
    .mockImplementation(function counted(
      this: CloudWatchClient,
      ...args: any[]
    ) {
      const name = args[0].constructor.name.replace(/Command$/, '');
      counts[name] = (counts[name] ?? 0) + 1;
      return (original as any).apply(this, args);
    });
  return { counts, restore: () => spy.mockRestore() };
}

async function startBackend(options: {
  entities: Entity[];
  cloudwatch: object;
}) {
  const { server } = await startTestBackend({
    features: [
      cloudwatchPlugin,
      permissions.factory,
      catalogServiceMock.factory({ entities: options.entities }),
      mockServices.rootConfig.factory({
        data: { cloudwatch: options.cloudwatch },
      }),
    ],
  });
  return server;
}

const describeIfMoto = motoServerPath ? describe : describe.skip;

describeIfMoto('CloudWatch views on a local CloudWatch (moto_server)', () => {
  let moto: MotoServer;
  let client: CloudWatchClient;
  let server: Awaited<ReturnType<typeof startBackend>>;
  const entities = [
    capability('messaging'),
    capability('billing'),
    capability('ghost', {
      'stackportal.io/cloudwatch-dimensions':
        'capability=nobody-publishes-this',
    }),
    capability('elsewhere', {
      'stackportal.io/cloudwatch-namespace': 'no.such.namespace',
    }),
    capability('stranger', { 'stackportal.io/cloudwatch-account': 'nope' }),
  ];

  beforeAll(async () => {
    moto = await MotoServer.start();
    client = sdkClient(moto.url);
    const minutes = lastMinutes(MINUTES);
    await publish(
      client,
      'messaging',
      minutes.map((at, i) => ({
        at,
        success: 100,
        error: i % 10 === 0 ? 10 : 0,
        degraded: i % 5 === 0 ? 4 : 0,
        breakerOpen: i === MINUTES - 1 ? 1 : 0,
        latencies: [40, 60, 80, 300],
      })),
    );
    await publish(
      client,
      'billing',
      minutes.map(at => ({
        at,
        success: 10,
        error: 0,
        degraded: 0,
        breakerOpen: 0,
        latencies: [20],
      })),
    );
    server = await startBackend({
      entities,
      cloudwatch: { accounts: [localAccount(moto.url)] },
    });
  });

  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  it('draws the five metrics and what follows from them, from one GetMetricData call', async () => {
    const calls = countCalls();
    const res = await request(server)
      .get(
        `${api}/entities/component/default/stackpro-messaging/metrics?range=1h`,
      )
      .set('Authorization', as(ENGINEER));
    calls.restore();
    expect(res.status).toBe(200);
    expect(calls.counts).toEqual({ GetMetricData: 1 });
    const series = (key: string) =>
      res.body.series.find((s: { key: string }) => s.key === key);
    const total = (key: string) =>
      series(key).points.reduce((a: number, p: { v: number }) => a + p.v, 0);
    expect(res.body.window.periodSeconds).toBe(60);
    expect(total('success')).toBe(100 * MINUTES);
    expect(total('error')).toBe(10 * (MINUTES / 10));
    expect(series('latencyP95').stat).toBe('Average');
    expect(series('latencyP95').points[0].v).toBe(120);
    expect(Math.max(...series('breakerOpen').points.map((p: any) => p.v))).toBe(
      1,
    );
    // a minute with 100 successes and 10 errors: 10/110 failed
    expect(
      Math.max(...series('errorRate').points.map((p: any) => p.v)),
    ).toBeCloseTo((10 / 110) * 100);
    expect(res.body.summary.requests).toBe(100 * MINUTES + 30);
    expect(res.body.summary.availabilityPercent).toBeCloseTo(
      ((100 * MINUTES) / (100 * MINUTES + 30)) * 100,
    );
    expect(res.body.summary.degradedPercent).toBeCloseTo(
      ((4 * MINUTES) / 5 / (100 * MINUTES + 30)) * 100,
    );
    expect(res.body.partial).toBe(false);
    expect(res.body.objectives).toMatchObject({
      availabilityPercent: 99.9,
      latencyP95Ms: 200,
      degradedPercent: 1,
    });
    expect(res.body.notices.map((n: any) => n.message).join()).toMatch(
      /latencyStatistic Average/,
    );
  });

  it('makes one call when twenty people open the same tab at once', async () => {
    const calls = countCalls();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        request(server)
          .get(
            `${api}/entities/component/default/stackpro-billing/metrics?range=3h`,
          )
          .set('Authorization', as(ENGINEER)),
      ),
    );
    calls.restore();
    expect(responses.map(r => r.status)).toEqual(Array(20).fill(200));
    expect(calls.counts).toEqual({ GetMetricData: 1 });
    expect(new Set(responses.map(r => r.body.fetchedAt)).size).toBe(1);
  });

  it('says when the dimensions match nothing, and when the namespace is unknown', async () => {
    const ghost = await request(server)
      .get(`${api}/entities/component/default/stackpro-ghost/metrics`)
      .set('Authorization', as(ENGINEER));
    expect(ghost.status).toBe(200);
    expect(ghost.body.notices.map((n: any) => n.message).join()).toMatch(
      /No metric of namespace "stackpro.capability" has the dimensions capability=nobody-publishes-this.*Check stackportal.io\/cloudwatch-dimensions/,
    );
    const elsewhere = await request(server)
      .get(`${api}/entities/component/default/stackpro-elsewhere/metrics`)
      .set('Authorization', as(ENGINEER));
    expect(elsewhere.body.notices.map((n: any) => n.message).join()).toMatch(
      /knows no namespace "no.such.namespace"/,
    );
  });

  it('names an unknown account on the entity instead of reading the default one', async () => {
    const target = await request(server)
      .get(`${api}/entities/component/default/stackpro-stranger/target`)
      .set('Authorization', as(ENGINEER));
    expect(target.body.accountProblem).toMatch(
      /names the CloudWatch account "nope".*known: sandbox/,
    );
    const metrics = await request(server)
      .get(`${api}/entities/component/default/stackpro-stranger/metrics`)
      .set('Authorization', as(ENGINEER));
    expect(metrics.status).toBe(503);
    expect(metrics.body.error.message).toMatch(/"nope"/);
  });

  it("shows the entity's alarms with state, reason and since when, and says the history is unavailable", async () => {
    for (const name of [
      'StackPro-Messaging-Errors',
      'StackPro-Messaging-Latency-P95',
    ]) {
      await client.send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          Namespace: 'stackpro.capability',
          MetricName: 'error',
          Dimensions: [{ Name: 'capability', Value: 'messaging' }],
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 5,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      );
    }
    await client.send(
      new SetAlarmStateCommand({
        AlarmName: 'StackPro-Messaging-Errors',
        StateValue: 'ALARM',
        StateReason: 'Threshold crossed: 10 errors in 5 minutes',
      }),
    );
    const res = await request(server)
      .get(
        `${api}/entities/component/default/stackpro-messaging/alarms?range=24h`,
      )
      .set('Authorization', as(ENGINEER));
    expect(res.status).toBe(200);
    const errors = res.body.alarms.find(
      (a: any) => a.name === 'StackPro-Messaging-Errors',
    );
    expect(errors).toMatchObject({
      state: 'ALARM',
      stateReason: 'Threshold crossed: 10 errors in 5 minutes',
      condition: 'error Sum > 5 for 1 of 1 × 300 s',
    });
    expect(Date.parse(errors.stateSince)).toBeGreaterThan(Date.now() - 60_000);
    expect(res.body.alarms).toHaveLength(2);
    // moto has no DescribeAlarmHistory: said, not a 500
    expect(res.body.historyNotice.message).toMatch(/history could not be read/);
  });

  it('draws the dashboard natively with each widget’s own period, stat and title', async () => {
    await client.send(
      new PutDashboardCommand({
        DashboardName: 'StackPro-Messaging-Sandbox',
        DashboardBody: JSON.stringify({
          widgets: [
            {
              type: 'metric',
              properties: {
                metrics: [
                  ['stackpro.capability', 'success', 'capability', 'messaging'],
                  ['.', 'error', '.', '.'],
                ],
                period: 300,
                stat: 'Sum',
                region: 'us-west-2',
                title: 'Messaging Request Volume',
              },
            },
            {
              type: 'metric',
              properties: {
                metrics: [
                  [
                    'stackpro.capability',
                    'latency.p95',
                    'capability',
                    'messaging',
                  ],
                ],
                period: 300,
                stat: 'Average',
                region: 'us-west-2',
                title: 'Messaging P95 Latency',
              },
            },
            {
              type: 'log',
              properties: { query: 'fields @message', title: 'Logs' },
            },
          ],
        }),
      }),
    );
    const calls = countCalls();
    const res = await request(server)
      .get(
        `${api}/entities/component/default/stackpro-messaging/dashboard?range=1h`,
      )
      .set('Authorization', as(ENGINEER));
    calls.restore();
    expect(res.status).toBe(200);
    expect(calls.counts).toEqual({ GetDashboard: 1, GetMetricData: 1 });
    const [volume, latency, logs] = res.body.widgets;
    expect(volume).toMatchObject({
      kind: 'chart',
      title: 'Messaging Request Volume',
      periodSeconds: 300,
      stat: 'Sum',
    });
    expect(volume.series.map((s: any) => s.label)).toEqual([
      'success Sum',
      'error Sum',
    ]);
    const sum = (s: any) => s.points.reduce((a: number, p: any) => a + p.v, 0);
    expect(sum(volume.series[0])).toBe(100 * MINUTES);
    expect(latency.series[0].points[0].v).toBe(120);
    expect(logs).toMatchObject({ kind: 'unsupported', type: 'log' });
    expect(res.body.notices.map((n: any) => n.message).join()).toMatch(
      /1 of 3 widgets are of a kind the portal does not draw \(log\)/,
    );
  });

  it('says which dashboard does not exist', async () => {
    const res = await request(server)
      .get(`${api}/entities/component/default/stackpro-billing/dashboard`)
      .set('Authorization', as(ENGINEER));
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(
      /no dashboard "StackPro-Billing-Sandbox" in account sandbox/,
    );
  });

  it('lists every capability side by side from one call', async () => {
    const calls = countCalls();
    const res = await request(server)
      .get(`${api}/overview?range=1h`)
      .set('Authorization', as(ENGINEER));
    calls.restore();
    expect(res.status).toBe(200);
    expect(calls.counts).toEqual({ GetMetricData: 1 });
    expect(res.body.calls).toBe(1);
    const row = (name: string) =>
      res.body.rows.find(
        (r: any) => r.entityRef === `component:default/stackpro-${name}`,
      );
    expect(row('messaging').summary.requests).toBe(100 * MINUTES + 30);
    expect(row('billing').summary).toMatchObject({
      requests: 10 * MINUTES,
      errorRatePercent: 0,
    });
    expect(row('billing').summary.latencyMs).toBe(20);
    expect(row('stranger').notices[0].message).toMatch(/"nope"/);
    expect(res.body.rows).toHaveLength(entities.length);
  });

  it('assumes the configured role through STS, with its external id', async () => {
    const assumed = await startBackend({
      entities,
      cloudwatch: {
        accounts: [
          localAccount(moto.url, {
            roleArn: 'arn:aws:iam::123456789012:role/StackPortalCloudWatchRead',
            externalId: 'stack-portal',
          }),
        ],
      },
    });
    const calls = countCalls();
    const res = await request(assumed)
      .get(
        `${api}/entities/component/default/stackpro-billing/metrics?range=1h`,
      )
      .set('Authorization', as(ENGINEER));
    calls.restore();
    expect(res.status).toBe(200);
    expect(res.body.summary.requests).toBe(10 * MINUTES);
  });

  it('says when the backend has no AWS credentials', async () => {
    const saved = { ...process.env };
    for (const key of Object.keys(process.env)) {
      if (key.startsWith('AWS_')) delete process.env[key];
    }
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
    process.env.AWS_CONFIG_FILE = '/nonexistent/config';
    try {
      const bare = await startBackend({
        entities,
        cloudwatch: {
          accounts: [
            { id: 'sandbox', region: 'us-west-2', endpoint: moto.url },
          ],
        },
      });
      const res = await request(bare)
        .get(
          `${api}/entities/component/default/stackpro-billing/metrics?range=1h`,
        )
        .set('Authorization', as(ENGINEER));
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(
        /The backend has no AWS credentials for account sandbox.*default chain/,
      );
    } finally {
      process.env = saved;
    }
  });
});
