import {
  CompositeAlarm,
  DescribeAlarmHistoryCommand,
  DescribeAlarmHistoryCommandOutput,
  DescribeAlarmsCommand,
  DescribeAlarmsCommandOutput,
  GetDashboardCommand,
  GetDashboardCommandOutput,
  GetMetricDataCommand,
  GetMetricDataCommandOutput,
  ListMetricsCommand,
  ListMetricsCommandOutput,
  MetricAlarm,
  MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import {
  AlarmSelector,
  CloudWatchDimension,
  SeriesStatus,
} from '@internal/backstage-plugin-cloudwatch-common';
import { CloudWatchAccount, CloudWatchAccounts } from './CloudWatchAccounts';
import { CloudWatchCaller } from './CloudWatchCaller';
import { CloudWatchAccessError } from './errors';
import { GET_METRIC_DATA_LIMITS } from '../query/window';

/** One line of a `GetMetricData` call: a metric's statistic, or an expression. */
export type MetricQuery = {
  id: string;
  label?: string;
  periodSeconds: number;
  /** Asked for but not returned (an input of an expression). */
  hidden?: boolean;
} & (
  | {
      namespace: string;
      metricName: string;
      dimensions: CloudWatchDimension[];
      stat: string;
    }
  | { expression: string }
);

export interface MetricResult {
  id: string;
  label?: string;
  /** Epoch milliseconds, oldest first. */
  timestamps: number[];
  values: number[];
  status: SeriesStatus;
  messages: string[];
}

export interface MetricDataAnswer {
  results: Map<string, MetricResult>;
  /** Pages read (each a request to CloudWatch). */
  pages: number;
  /** Messages about the whole call. */
  messages: string[];
}

export interface MetricDataRequest {
  queries: MetricQuery[];
  start: Date;
  end: Date;
  /** Another region than the account's (a dashboard widget's). */
  region?: string;
}

export interface AlarmHistoryRecord {
  timestamp: Date;
  summary: string;
  /** The `HistoryData` JSON of a state update. */
  data?: string;
}

/** Alarm as CloudWatch describes it, metric or composite. */
export type AlarmRecord =
  | ({ type: 'metric' } & MetricAlarm)
  | ({ type: 'composite' } & CompositeAlarm);

/**
 * Reads CloudWatch for the portal. One `getMetricData` is one logical call
 * (its `NextToken` pages followed); everything else is one request.
 */
export interface CloudWatchReader {
  getMetricData(
    account: CloudWatchAccount,
    request: MetricDataRequest,
  ): Promise<MetricDataAnswer>;
  /** Names of the metrics of a namespace with these dimensions (for diagnosis). */
  listMetricNames(
    account: CloudWatchAccount,
    namespace: string,
    dimensions: CloudWatchDimension[],
  ): Promise<string[]>;
  describeAlarms(
    account: CloudWatchAccount,
    selector: AlarmSelector,
  ): Promise<AlarmRecord[]>;
  describeAlarmHistory(
    account: CloudWatchAccount,
    alarmName: string,
    start: Date,
    end: Date,
  ): Promise<AlarmHistoryRecord[]>;
  /** The dashboard's JSON body, undefined when there is no such dashboard. */
  getDashboard(
    account: CloudWatchAccount,
    name: string,
  ): Promise<string | undefined>;
}

/** Pages of one `GetMetricData` call read at most (100,800 points each). */
const MAX_PAGES = 20;
const MAX_ALARM_PAGES = 10;
const ALARM_HISTORY_RECORDS = 100;
const DASHBOARD_NOT_FOUND = new Set([
  'ResourceNotFound',
  'ResourceNotFoundException',
  'DashboardNotFoundError',
]);

const STATUS_RANK: Record<SeriesStatus, number> = {
  complete: 0,
  partial: 1,
  failed: 2,
};

function statusOf(code: string | undefined): SeriesStatus {
  if (code === 'Complete' || code === undefined) return 'complete';
  if (code === 'PartialData') return 'partial';
  return 'failed';
}

function toSdkQuery(query: MetricQuery): MetricDataQuery {
  if ('expression' in query) {
    return {
      Id: query.id,
      Label: query.label,
      Expression: query.expression,
      Period: query.periodSeconds,
      ReturnData: !query.hidden,
    };
  }
  return {
    Id: query.id,
    Label: query.label,
    ReturnData: !query.hidden,
    MetricStat: {
      Metric: {
        Namespace: query.namespace,
        MetricName: query.metricName,
        Dimensions: query.dimensions.map(d => ({
          Name: d.name,
          Value: d.value,
        })),
      },
      Period: query.periodSeconds,
      Stat: query.stat,
    },
  };
}

/** The SDK behind the reader: real AWS, or a local CloudWatch. */
export class AwsCloudWatchReader implements CloudWatchReader {
  private constructor(
    private readonly accounts: CloudWatchAccounts,
    private readonly caller: CloudWatchCaller,
  ) {}

  static create(options: {
    accounts: CloudWatchAccounts;
    caller: CloudWatchCaller;
  }): AwsCloudWatchReader {
    return new AwsCloudWatchReader(options.accounts, options.caller);
  }

  async getMetricData(
    account: CloudWatchAccount,
    request: MetricDataRequest,
  ): Promise<MetricDataAnswer> {
    if (request.queries.length > GET_METRIC_DATA_LIMITS.queriesPerCall) {
      throw new Error(
        `GetMetricData takes at most ${GET_METRIC_DATA_LIMITS.queriesPerCall} queries, not ${request.queries.length}`,
      );
    }
    const client = this.accounts.client(account, request.region);
    const results = new Map<string, MetricResult>();
    const messages: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const output = await this.caller.send<GetMetricDataCommandOutput>(
        account,
        client,
        new GetMetricDataCommand({
          MetricDataQueries: request.queries.map(toSdkQuery),
          StartTime: request.start,
          EndTime: request.end,
          ScanBy: 'TimestampAscending',
          NextToken: nextToken,
        }),
      );
      pages++;
      for (const m of output?.Messages ?? []) {
        messages.push(`${m.Code ?? 'Message'}: ${m.Value ?? ''}`.trim());
      }
      for (const r of output?.MetricDataResults ?? []) {
        const id = r.Id ?? '';
        const found = results.get(id) ?? {
          id,
          label: r.Label,
          timestamps: [],
          values: [],
          status: 'complete' as SeriesStatus,
          messages: [],
        };
        const times = r.Timestamps ?? [];
        const values = r.Values ?? [];
        for (let i = 0; i < Math.min(times.length, values.length); i++) {
          found.timestamps.push(new Date(times[i]).getTime());
          found.values.push(values[i]);
        }
        const status = statusOf(r.StatusCode);
        if (STATUS_RANK[status] > STATUS_RANK[found.status]) {
          found.status = status;
        }
        for (const m of r.Messages ?? []) {
          found.messages.push(`${m.Code ?? 'Message'}: ${m.Value ?? ''}`);
        }
        results.set(id, found);
      }
      nextToken = output?.NextToken;
    } while (nextToken && pages < MAX_PAGES);

    if (nextToken) {
      messages.push(
        `CloudWatch had more than ${MAX_PAGES} pages of data; the rest was not read`,
      );
      for (const result of results.values()) {
        if (result.status === 'complete') result.status = 'partial';
      }
    }
    for (const result of results.values()) {
      if (result.status === 'partial' && result.messages.length === 0) {
        result.messages.push(
          'CloudWatch returned part of the data (PartialData)',
        );
      }
    }
    return { results, pages, messages };
  }

  async listMetricNames(
    account: CloudWatchAccount,
    namespace: string,
    dimensions: CloudWatchDimension[],
  ): Promise<string[]> {
    const output = await this.caller.send<ListMetricsCommandOutput>(
      account,
      this.accounts.client(account),
      new ListMetricsCommand({
        Namespace: namespace,
        Dimensions: dimensions.map(d => ({ Name: d.name, Value: d.value })),
      }),
    );
    return [
      ...new Set((output.Metrics ?? []).map(m => m.MetricName ?? '')),
    ].filter(Boolean);
  }

  async describeAlarms(
    account: CloudWatchAccount,
    selector: AlarmSelector,
  ): Promise<AlarmRecord[]> {
    const client = this.accounts.client(account);
    const alarms: AlarmRecord[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const output = await this.caller.send<DescribeAlarmsCommandOutput>(
        account,
        client,
        new DescribeAlarmsCommand({
          ...('prefix' in selector
            ? { AlarmNamePrefix: selector.prefix }
            : { AlarmNames: selector.names }),
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          NextToken: nextToken,
        }),
      );
      pages++;
      for (const alarm of output.MetricAlarms ?? []) {
        alarms.push({ type: 'metric', ...alarm });
      }
      for (const alarm of output.CompositeAlarms ?? []) {
        alarms.push({ type: 'composite', ...alarm });
      }
      nextToken = output.NextToken;
    } while (nextToken && pages < MAX_ALARM_PAGES);
    return alarms;
  }

  async describeAlarmHistory(
    account: CloudWatchAccount,
    alarmName: string,
    start: Date,
    end: Date,
  ): Promise<AlarmHistoryRecord[]> {
    const output = await this.caller.send<DescribeAlarmHistoryCommandOutput>(
      account,
      this.accounts.client(account),
      new DescribeAlarmHistoryCommand({
        AlarmName: alarmName,
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        HistoryItemType: 'StateUpdate',
        StartDate: start,
        EndDate: end,
        MaxRecords: ALARM_HISTORY_RECORDS,
        ScanBy: 'TimestampDescending',
      }),
    );
    return (output.AlarmHistoryItems ?? []).map(item => ({
      timestamp: new Date(item.Timestamp ?? 0),
      summary: item.HistorySummary ?? '',
      data: item.HistoryData,
    }));
  }

  async getDashboard(
    account: CloudWatchAccount,
    name: string,
  ): Promise<string | undefined> {
    try {
      const output = await this.caller.send<GetDashboardCommandOutput>(
        account,
        this.accounts.client(account),
        new GetDashboardCommand({ DashboardName: name }),
      );
      return output.DashboardBody ?? '';
    } catch (error) {
      if (
        error instanceof CloudWatchAccessError &&
        DASHBOARD_NOT_FOUND.has(error.awsErrorName ?? '')
      ) {
        return undefined;
      }
      throw error;
    }
  }
}
