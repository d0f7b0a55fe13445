/**
 * What a local CloudWatch cannot show: percentiles, metric math, pages,
 * partial data, throttling, alarm history and refused credentials, with
 * aws-sdk-client-mock answering in the shapes of AWS's API reference.
 */
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetDashboardCommand,
  GetMetricDataCommand,
  GetMetricDataCommandInput,
} from '@aws-sdk/client-cloudwatch';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import request from 'supertest';
import {
  as,
  capability,
  ENGINEER,
  OUTSIDER,
  permissions,
} from './__testUtils__/fixtures';
import { cloudwatchPlugin } from './plugin';

const api = '/api/cloudwatch';
const metricsOf = (name: string, query = 'range=1h') =>
  `${api}/entities/component/default/stackpro-${name}/metrics?${query}`;
const cloudwatch = mockClient(CloudWatchClient);

const AWS_ACCOUNT = {
  id: 'production',
  region: 'eu-west-1',
  // static keys are refused without an endpoint: the default chain is used,
  // which the mock never asks
};

/** An AWS error as the SDK throws it. */
function awsError(name: string, message: string, status = 400) {
  return Object.assign(new Error(message), {
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
  });
}

/** A GetMetricData answer with one value per query, shaped as AWS documents it. */
function answerEach(
  input: GetMetricDataCommandInput,
  value: (id: string) => number,
  extra: object = {},
) {
  const start = input.StartTime as Date;
  return {
    MetricDataResults: (input.MetricDataQueries ?? []).map(q => ({
      Id: q.Id,
      Label: q.Label ?? q.Id,
      Timestamps: [new Date(start.getTime() + 60_000), start],
      Values: [value(q.Id!), value(q.Id!)],
      StatusCode: 'Complete' as const,
    })),
    Messages: [],
    ...extra,
  };
}

async function startBackend(cloudwatchConfig: object = {}) {
  const { server } = await startTestBackend({
    features: [
      cloudwatchPlugin,
      permissions.factory,
      catalogServiceMock.factory({
        entities: [
          capability('messaging'),
          capability('ai', {
            'stackportal.io/cloudwatch-dimensions': 'capability',
          }),
        ],
      }),
      mockServices.rootConfig.factory({
        data: {
          cloudwatch: {
            accounts: [AWS_ACCOUNT],
            retry: { baseDelayMs: 1 },
            cache: { ttlSeconds: 0 },
            ...cloudwatchConfig,
          },
        },
      }),
    ],
  });
  return server;
}

describe('CloudWatch views against AWS responses', () => {
  let server: Awaited<ReturnType<typeof startBackend>>;

  beforeAll(async () => {
    server = await startBackend();
  });

  beforeEach(() => cloudwatch.reset());

  it('asks AWS for the p95 of the latency, per period and over the window', async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .callsFake(input =>
        answerEach(input, id => (id.includes('latency') ? 180 : 5)),
      );
    const res = await request(server)
      .get(metricsOf('messaging'))
      .set('Authorization', as(ENGINEER));
    expect(res.status).toBe(200);
    const input =
      cloudwatch.commandCalls(GetMetricDataCommand)[0].args[0].input;
    const stats = Object.fromEntries(
      input.MetricDataQueries!.map(q => [
        q.Id,
        [q.MetricStat!.Stat, q.MetricStat!.Period],
      ]),
    );
    expect(stats).toMatchObject({
      m_latencyP95: ['p95', 60],
      m_success: ['Sum', 60],
      m_window_latency: ['p95', 3600],
    });
    expect(res.body.summary).toMatchObject({
      latencyMs: 180,
      latencyStat: 'p95',
    });
    expect(res.body.notices).toEqual([]);
    expect(res.body.consoleUrl).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#metricsV2:graph=~();search=stackpro.capability%20messaging',
    );
  });

  it('follows NextToken and joins the pages of each series', async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .callsFakeOnce(input =>
        answerEach(input, () => 1, { NextToken: 'page-2' }),
      )
      .callsFakeOnce(input => answerEach(input, () => 2));
    const res = await request(server)
      .get(metricsOf('messaging'))
      .set('Authorization', as(ENGINEER));
    expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 2);
    expect(cloudwatch).toHaveReceivedNthCommandWith(2, GetMetricDataCommand, {
      NextToken: 'page-2',
    });
    const success = res.body.series.find((s: any) => s.key === 'success');
    expect(success.points.map((p: any) => p.v)).toEqual([1, 1, 2, 2].sort());
    expect(res.body.partial).toBe(false);
  });

  it('shows partial data as partial', async () => {
    cloudwatch.on(GetMetricDataCommand).callsFake(input => {
      const answer = answerEach(input, () => 3);
      answer.MetricDataResults[0].StatusCode = 'PartialData' as any;
      return answer;
    });
    const res = await request(server)
      .get(metricsOf('messaging'))
      .set('Authorization', as(ENGINEER));
    expect(res.status).toBe(200);
    expect(res.body.partial).toBe(true);
    const success = res.body.series.find((s: any) => s.key === 'success');
    expect(success.status).toBe('partial');
    expect(
      res.body.series.find((s: any) => s.key === 'availability').status,
    ).toBe('partial');
    expect(res.body.notices.map((n: any) => n.message).join()).toMatch(
      /Some series are partial/,
    );
  });

  it('retries throttling with back-off, then answers', async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .rejectsOnce(awsError('Throttling', 'Rate exceeded'))
      .rejectsOnce(awsError('Throttling', 'Rate exceeded'))
      .callsFake(input => answerEach(input, () => 7));
    const res = await request(server)
      .get(metricsOf('messaging'))
      .set('Authorization', as(ENGINEER));
    expect(res.status).toBe(200);
    expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 3);
  });

  it('says that CloudWatch is throttling when it keeps doing so', async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .rejects(awsError('Throttling', 'Rate exceeded'));
    const res = await request(server)
      .get(metricsOf('messaging'))
      .set('Authorization', as(ENGINEER));
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /CloudWatch is throttling GetMetricData for account production \(eu-west-1\); the portal tried 4 times/,
    );
    expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 4);
  });

  it.each([
    [
      'ExpiredToken',
      /credentials of account production \(eu-west-1\) have expired/,
    ],
    [
      'InvalidClientTokenId',
      /AWS refused the credentials of account production/,
    ],
    ['AccessDenied', /may not call cloudwatch:GetMetricData/],
  ])('says what %s means and what to do', async (name, message) => {
    cloudwatch.on(GetMetricDataCommand).rejects(awsError(name, 'denied', 403));
    const res = await request(server)
      .get(metricsOf('messaging'))
      .set('Authorization', as(ENGINEER));
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(message);
    expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 1);
  });

  it("draws each alarm's state changes from DescribeAlarmHistory as a timeline", async () => {
    const changedAt = new Date(Date.now() - 20 * 60_000);
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'StackPro-Messaging-Latency-P95',
          AlarmArn:
            'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:StackPro-Messaging-Latency-P95',
          StateValue: 'ALARM',
          StateReason:
            'Threshold Crossed: 1 datapoint [250.0] was greater than the threshold (200.0).',
          StateUpdatedTimestamp: changedAt,
          MetricName: 'latency.p95',
          ExtendedStatistic: 'p95',
          Period: 300,
          EvaluationPeriods: 3,
          DatapointsToAlarm: 2,
          Threshold: 200,
          ComparisonOperator: 'GreaterThanThreshold',
          ActionsEnabled: true,
        },
      ],
      CompositeAlarms: [],
    });
    cloudwatch.on(DescribeAlarmHistoryCommand).resolves({
      AlarmHistoryItems: [
        {
          AlarmName: 'StackPro-Messaging-Latency-P95',
          AlarmType: 'MetricAlarm',
          Timestamp: changedAt,
          HistoryItemType: 'StateUpdate',
          HistorySummary: 'Alarm updated from OK to ALARM',
          HistoryData: JSON.stringify({
            version: '1.0',
            oldState: { stateValue: 'OK', stateReason: 'Threshold Crossed' },
            newState: { stateValue: 'ALARM', stateReason: 'Threshold Crossed' },
          }),
        },
      ],
    });
    const res = await request(server)
      .get(
        `${api}/entities/component/default/stackpro-messaging/alarms?range=1h`,
      )
      .set('Authorization', as(ENGINEER));
    expect(res.status).toBe(200);
    expect(cloudwatch).toHaveReceivedCommandWith(DescribeAlarmsCommand, {
      AlarmNamePrefix: 'StackPro-Messaging-',
    });
    expect(cloudwatch).toHaveReceivedCommandWith(DescribeAlarmHistoryCommand, {
      AlarmName: 'StackPro-Messaging-Latency-P95',
      HistoryItemType: 'StateUpdate',
    });
    expect(res.body.alarms[0]).toMatchObject({
      state: 'ALARM',
      condition: 'latency.p95 p95 > 200 for 2 of 3 × 300 s',
      history: [
        { from: 'OK', to: 'ALARM', summary: 'Alarm updated from OK to ALARM' },
      ],
      consoleUrl:
        'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/StackPro-Messaging-Latency-P95',
    });
    expect(res.body.historyNotice).toBeUndefined();
  });

  it("asks a widget's metric math in the dashboard's one call, with the widget's ids", async () => {
    cloudwatch.on(GetDashboardCommand).resolves({
      DashboardName: 'StackPro-Messaging-Sandbox',
      DashboardBody: JSON.stringify({
        widgets: [
          {
            type: 'metric',
            properties: {
              metrics: [
                [
                  {
                    expression: '100 * e1 / (s1 + e1)',
                    label: 'Error rate',
                    id: 'rate',
                  },
                ],
                [
                  'stackpro.capability',
                  'error',
                  'capability',
                  'messaging',
                  { id: 'e1', visible: false },
                ],
                ['.', 'success', '.', '.', { id: 's1', visible: false }],
              ],
              view: 'timeSeries',
              stat: 'Sum',
              period: 60,
              title: 'Messaging Error Rate',
              annotations: { horizontal: [{ label: 'budget', value: 1 }] },
            },
          },
          { type: 'text', properties: { markdown: '# Runbook' } },
          { type: 'alarm', properties: { alarms: ['arn:…'], title: 'Alarms' } },
        ],
      }),
    });
    cloudwatch
      .on(GetMetricDataCommand)
      .callsFake(input => answerEach(input, () => 2));
    const res = await request(server)
      .get(
        `${api}/entities/component/default/stackpro-messaging/dashboard?range=3h`,
      )
      .set('Authorization', as(ENGINEER));
    expect(res.status).toBe(200);
    const queries =
      cloudwatch.commandCalls(GetMetricDataCommand)[0].args[0].input
        .MetricDataQueries!;
    expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 1);
    expect(queries.find(q => q.Expression)).toMatchObject({
      Id: 'w0_e0',
      Expression: '100 * w0_m1 / (w0_m2 + w0_m1)',
      ReturnData: true,
    });
    expect(queries.filter(q => q.ReturnData === false)).toHaveLength(2);
    const [chart, text, alarm] = res.body.widgets;
    expect(chart).toMatchObject({
      kind: 'chart',
      title: 'Messaging Error Rate',
      stat: 'Sum',
      // a 3-hour window is drawn at 1-minute points at the finest
      periodSeconds: 60,
      thresholds: [{ label: 'budget', value: 1 }],
    });
    expect(chart.series.map((s: any) => s.label)).toEqual(['Error rate']);
    expect(text).toMatchObject({ kind: 'text', markdown: '# Runbook' });
    expect(alarm.unsupportedReason).toMatch(
      /Widgets of type "alarm" are not drawn/,
    );
  });

  it('says when a dashboard body is not JSON', async () => {
    cloudwatch.on(GetDashboardCommand).resolves({ DashboardBody: '{not json' });
    const res = await request(server)
      .get(`${api}/entities/component/default/stackpro-messaging/dashboard`)
      .set('Authorization', as(ENGINEER));
    expect(res.status).toBe(200);
    expect(res.body.widgets).toEqual([]);
    expect(res.body.notices[0].message).toMatch(/not JSON/);
  });

  describe('bad input', () => {
    it.each([
      [
        'range=2y',
        /Invalid view: range: "2y" is not one of 1h, 3h, 12h, 24h, 3d, 7d, 14d, 30d, 90d/,
      ],
      [
        'end=2026-02-30T10:00:00Z',
        /end: "2026-02-30T10:00:00Z" is not a real date and time/,
      ],
      ['end=2999-01-01T00:00:00Z', /is in the future/],
      [
        'end=2020-01-01T00:00:00Z&range=90d',
        /CloudWatch keeps data for 455 days at most/,
      ],
      ['colour=blue', /unknown field colour/],
    ])('refuses %s with what is wrong', async (query, message) => {
      const res = await request(server)
        .get(metricsOf('messaging', query))
        .set('Authorization', as(ENGINEER));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 0);
    });

    it('refuses to read metrics through a wrong annotation, and says which', async () => {
      const res = await request(server)
        .get(metricsOf('ai'))
        .set('Authorization', as(ENGINEER));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /stackportal.io\/cloudwatch-dimensions "capability" .*is not a Name=Value dimension/,
      );
      const target = await request(server)
        .get(`${api}/entities/component/default/stackpro-ai/target`)
        .set('Authorization', as(ENGINEER));
      expect(target.body.problems).toHaveLength(1);
      expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 0);
    });

    it('404s an entity that does not exist or cannot be seen', async () => {
      const res = await request(server)
        .get(`${api}/entities/component/default/stackpro-nope/metrics`)
        .set('Authorization', as(ENGINEER));
      expect(res.status).toBe(404);
    });

    it('refuses the unauthenticated and those without the permission', async () => {
      const anonymous = await request(server)
        .get(metricsOf('messaging'))
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
      const service = await request(server)
        .get(metricsOf('messaging'))
        .set('Authorization', mockCredentials.service.header());
      expect(service.status).toBe(403);
      const denied = await request(server)
        .get(metricsOf('messaging'))
        .set('Authorization', as(OUTSIDER));
      expect(denied.status).toBe(403);
      const overview = await request(server)
        .get(`${api}/overview`)
        .set('Authorization', as(OUTSIDER));
      expect(overview.status).toBe(403);
    });
  });

  it('says that CloudWatch is not configured, and how to configure it', async () => {
    const bare = await startBackend({ accounts: [] });
    const target = await request(bare)
      .get(`${api}/entities/component/default/stackpro-messaging/target`)
      .set('Authorization', as(ENGINEER));
    expect(target.body).toMatchObject({ configured: false });
    expect(target.body.howToConfigure).toMatch(/cloudwatch:\n {2}accounts:/);
    const res = await request(bare)
      .get(metricsOf('messaging'))
      .set('Authorization', as(ENGINEER));
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /CloudWatch is not configured in this portal/,
    );
  });
});
