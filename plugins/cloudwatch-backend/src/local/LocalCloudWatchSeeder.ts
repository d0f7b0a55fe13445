import {
  DescribeAlarmsCommand,
  DescribeAlarmsCommandOutput,
  GetDashboardCommand,
  PutDashboardCommand,
  PutMetricAlarmCommand,
  PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CLOUDWATCH_ANNOTATIONS,
  CloudWatchTarget,
  MetricObjectives,
  readCloudWatchAnnotations,
} from '@internal/backstage-plugin-cloudwatch-common';
import {
  CloudWatchAccount,
  CloudWatchAccounts,
} from '../aws/CloudWatchAccounts';
import { CloudWatchCaller } from '../aws/CloudWatchCaller';
import { CloudWatchAccessError } from '../aws/errors';

const SEED_PERIOD_SECONDS = 300;
const ERRORS_PER_PERIOD_THRESHOLD = 5;
const HALF = 12;
const ROW_HEIGHT = 6;

/** The seed 002 dashboard of a capability, extended with its other metrics. */
export function capabilityDashboardBody(
  title: string,
  target: CloudWatchTarget,
  region: string,
  objectives: MetricObjectives,
): string {
  const dims = target.dimensions.flatMap(d => [d.name, d.value]);
  const line = (metricName: string) => [target.namespace!, metricName, ...dims];
  const widget = (x: number, y: number, properties: object) => ({
    type: 'metric',
    x,
    y,
    width: HALF,
    height: ROW_HEIGHT,
    properties: { period: SEED_PERIOD_SECONDS, region, ...properties },
  });
  return JSON.stringify({
    widgets: [
      widget(0, 0, {
        metrics: [line('success'), line('error')],
        stat: 'Sum',
        title: `${title} Request Volume`,
      }),
      widget(HALF, 0, {
        metrics: [line('latency.p95')],
        stat: 'Average',
        title: `${title} P95 Latency`,
        annotations: {
          horizontal: [
            { label: 'P95 objective', value: objectives.latencyP95Ms },
          ],
        },
      }),
      widget(0, ROW_HEIGHT, {
        metrics: [line('degraded')],
        stat: 'Sum',
        title: `${title} Degraded Responses`,
      }),
      widget(HALF, ROW_HEIGHT, {
        metrics: [line('breaker.open')],
        stat: 'Maximum',
        title: `${title} Circuit Breaker`,
      }),
      {
        type: 'log',
        x: 0,
        y: 2 * ROW_HEIGHT,
        width: 2 * HALF,
        height: ROW_HEIGHT,
        properties: {
          query: `SOURCE '/stackpro/${title.toLowerCase()}' | fields @timestamp, message, latency_ms, degraded | sort @timestamp desc | limit 50`,
          region,
          title: `${title} Recent Requests (logs)`,
        },
      },
    ],
  });
}

/** The alarms of a capability whose annotation names a prefix. */
export function capabilityAlarms(
  prefix: string,
  title: string,
  target: CloudWatchTarget,
  objectives: MetricObjectives,
): PutMetricAlarmCommandInput[] {
  const common = {
    Namespace: target.namespace,
    Dimensions: target.dimensions.map(d => ({ Name: d.name, Value: d.value })),
    Period: SEED_PERIOD_SECONDS,
    EvaluationPeriods: 1,
    TreatMissingData: 'notBreaching',
    ActionsEnabled: false,
  } as const;
  return [
    {
      ...common,
      AlarmName: `${prefix}Errors`,
      AlarmDescription: `${title}: more than ${ERRORS_PER_PERIOD_THRESHOLD} failed requests in 5 minutes`,
      MetricName: 'error',
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: ERRORS_PER_PERIOD_THRESHOLD,
    },
    {
      ...common,
      AlarmName: `${prefix}Latency-P95`,
      AlarmDescription: `${title}: P95 latency above the ${objectives.latencyP95Ms} ms objective`,
      MetricName: 'latency.p95',
      Statistic: 'Average',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: objectives.latencyP95Ms,
    },
    {
      ...common,
      AlarmName: `${prefix}Breaker-Open`,
      AlarmDescription: `${title}: the circuit breaker opened`,
      MetricName: 'breaker.open',
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    },
  ];
}

const shortTitle = (entity: Entity) =>
  (entity.metadata.title ?? entity.metadata.name).replace(/^StackPro\s+/, '');

/**
 * On a local CloudWatch (`seedLocal: true`, which the configuration allows
 * only with an endpoint), creates the dashboards and alarms the catalog
 * names and that do not exist yet, so that `./portal start` has something
 * to show. Idempotent: what exists is left as it is.
 */
export class LocalCloudWatchSeeder {
  private constructor(
    private readonly accounts: CloudWatchAccounts,
    private readonly caller: CloudWatchCaller,
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
    private readonly objectives: MetricObjectives,
  ) {}

  static create(options: {
    accounts: CloudWatchAccounts;
    caller: CloudWatchCaller;
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    objectives: MetricObjectives;
  }): LocalCloudWatchSeeder {
    return new LocalCloudWatchSeeder(
      options.accounts,
      options.caller,
      options.catalog,
      options.auth,
      options.logger,
      options.objectives,
    );
  }

  get enabled(): boolean {
    return this.accounts.list().some(a => a.seedLocal && a.endpoint);
  }

  async seed(): Promise<{ dashboards: number; alarms: number }> {
    const created = { dashboards: 0, alarms: 0 };
    if (!this.enabled) return created;
    const { items } = await this.catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${CLOUDWATCH_ANNOTATIONS.namespace}`]:
            CATALOG_FILTER_EXISTS,
        },
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    for (const entity of items) {
      const { target, problems } = readCloudWatchAnnotations(
        entity.metadata.annotations,
      );
      if (problems.length > 0 || !target.namespace) continue;
      let account: CloudWatchAccount;
      try {
        account = this.accounts.resolve(target.account);
      } catch {
        continue;
      }
      if (!account.seedLocal || !account.endpoint) continue;
      try {
        created.dashboards += await this.seedDashboard(account, entity, target);
        created.alarms += await this.seedAlarms(account, entity, target);
      } catch (error) {
        if (!(error instanceof CloudWatchAccessError)) throw error;
        this.logger.warn(
          `Could not seed the local CloudWatch for ${stringifyEntityRef(
            entity,
          )}: ${error.message}`,
        );
        return created;
      }
    }
    if (created.dashboards + created.alarms > 0) {
      this.logger.info(
        `Local CloudWatch: created ${created.dashboards} dashboards and ${created.alarms} alarms named in the catalog`,
      );
    }
    return created;
  }

  private async seedDashboard(
    account: CloudWatchAccount,
    entity: Entity,
    target: CloudWatchTarget,
  ): Promise<number> {
    if (!target.dashboard) return 0;
    const client = this.accounts.client(account);
    try {
      await this.caller.send(
        account,
        client,
        new GetDashboardCommand({ DashboardName: target.dashboard }),
      );
      return 0;
    } catch (error) {
      if (
        !(error instanceof CloudWatchAccessError) ||
        error.kind !== 'rejected'
      ) {
        throw error;
      }
    }
    await this.caller.send(
      account,
      client,
      new PutDashboardCommand({
        DashboardName: target.dashboard,
        DashboardBody: capabilityDashboardBody(
          shortTitle(entity),
          target,
          account.region,
          this.objectives,
        ),
      }),
    );
    return 1;
  }

  private async seedAlarms(
    account: CloudWatchAccount,
    entity: Entity,
    target: CloudWatchTarget,
  ): Promise<number> {
    if (!target.alarms || !('prefix' in target.alarms)) return 0;
    const client = this.accounts.client(account);
    const existing = await this.caller.send<DescribeAlarmsCommandOutput>(
      account,
      client,
      new DescribeAlarmsCommand({ AlarmNamePrefix: target.alarms.prefix }),
    );
    const names = new Set(
      (existing.MetricAlarms ?? []).map(alarm => alarm.AlarmName),
    );
    let created = 0;
    for (const alarm of capabilityAlarms(
      target.alarms.prefix,
      shortTitle(entity),
      target,
      this.objectives,
    )) {
      if (names.has(alarm.AlarmName)) continue;
      await this.caller.send(account, client, new PutMetricAlarmCommand(alarm));
      created++;
    }
    return created;
  }
}
