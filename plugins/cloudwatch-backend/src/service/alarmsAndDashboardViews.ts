import {
  AlarmHistoryItem,
  AlarmSelector,
  DashboardWidgetView,
  EntityAlarmsResponse,
  EntityDashboardResponse,
  QueryWindow,
  ViewNotice,
} from '@internal/backstage-plugin-cloudwatch-common';
import { NotFoundError } from '@backstage/errors';
import { CloudWatchAccount, summarizeAccount } from '../aws/CloudWatchAccounts';
import { CloudWatchReader, MetricResult } from '../aws/CloudWatchReader';
import { CloudWatchAccessError } from '../aws/errors';
import {
  drawWidget,
  planWidget,
  PlannedWidget,
  readDashboardBody,
} from '../query/dashboardWidgets';
import { GET_METRIC_DATA_LIMITS } from '../query/window';
import { alarmViewOf, historyItemOf } from './alarmViews';
import {
  alarmConsoleUrl,
  alarmsConsoleUrl,
  dashboardConsoleUrl,
} from './consoleLinks';

/** Alarms whose history is read for one view at most (one call each). */
export const MAX_ALARMS_WITH_HISTORY = 20;

/** The entity's alarms with their state changes in the window. */
export async function loadEntityAlarms(options: {
  reader: CloudWatchReader;
  entityRef: string;
  account: CloudWatchAccount;
  selector: AlarmSelector;
  window: QueryWindow;
  now: () => Date;
}): Promise<EntityAlarmsResponse> {
  const { reader, account, window } = options;
  const alarms = await reader.describeAlarms(account, options.selector);
  const notices: ViewNotice[] = [];
  if (alarms.length === 0) {
    notices.push({
      severity: 'warning',
      message: `CloudWatch has no alarm ${
        'prefix' in options.selector
          ? `whose name starts with "${options.selector.prefix}"`
          : `named ${options.selector.names.join(', ')}`
      } in account ${account.id} (${
        account.region
      }). Check stackportal.io/cloudwatch-alarms.`,
    });
  }
  const withHistory = alarms.slice(0, MAX_ALARMS_WITH_HISTORY);
  if (alarms.length > withHistory.length) {
    notices.push({
      severity: 'info',
      message: `History is shown for the first ${MAX_ALARMS_WITH_HISTORY} of ${alarms.length} alarms.`,
    });
  }
  let historyNotice: ViewNotice | undefined;
  const histories = new Map<string, AlarmHistoryItem[]>();
  try {
    for (const alarm of withHistory) {
      const records = await reader.describeAlarmHistory(
        account,
        alarm.AlarmName ?? '',
        new Date(window.start),
        new Date(window.end),
      );
      histories.set(alarm.AlarmName ?? '', records.map(historyItemOf));
    }
  } catch (error) {
    historyNotice = {
      severity: 'warning',
      message: `The alarms' history could not be read: ${
        (error as Error).message
      }`,
    };
  }
  return {
    entityRef: options.entityRef,
    account: summarizeAccount(account),
    window: { range: window.range, start: window.start, end: window.end },
    alarms: alarms.map(alarm =>
      alarmViewOf(
        alarm,
        histories.get(alarm.AlarmName ?? '') ?? [],
        alarmConsoleUrl(account, alarm.AlarmName ?? ''),
      ),
    ),
    historyNotice,
    notices,
    problems: [],
    consoleUrl: alarmsConsoleUrl(account),
    fetchedAt: options.now().toISOString(),
  };
}

/** Queries of the planned widgets grouped by region, each group one call. */
function byRegion(planned: PlannedWidget[], defaultRegion: string) {
  const groups = new Map<string, PlannedWidget[]>();
  for (const widget of planned) {
    if (widget.queries.length === 0) continue;
    const region = widget.region ?? defaultRegion;
    groups.set(region, [...(groups.get(region) ?? []), widget]);
  }
  return groups;
}

/**
 * The entity's dashboard drawn natively: its metric widgets asked for in one
 * call (per region they name), each with its own period, stat and title.
 */
export async function loadEntityDashboard(options: {
  reader: CloudWatchReader;
  entityRef: string;
  account: CloudWatchAccount;
  name: string;
  window: QueryWindow;
  now: () => Date;
}): Promise<EntityDashboardResponse> {
  const { reader, account, name, window } = options;
  const body = await reader.getDashboard(account, name);
  if (body === undefined) {
    throw new NotFoundError(
      `CloudWatch has no dashboard "${name}" in account ${account.id} (${account.region}). Check stackportal.io/cloudwatch-dashboard.`,
    );
  }
  const notices: ViewNotice[] = [];
  const read = readDashboardBody(body);
  const widgets = 'notice' in read ? [] : read.widgets;
  if ('notice' in read) notices.push(read.notice);
  const planned = widgets.map((widget, index) =>
    planWidget(widget, index, window.periodSeconds),
  );
  const results = new Map<string, MetricResult>();
  const failures = new Map<PlannedWidget, string>();
  for (const [region, group] of byRegion(planned, account.region)) {
    const queries = group.flatMap(w => w.queries);
    if (queries.length > GET_METRIC_DATA_LIMITS.queriesPerCall) {
      notices.push({
        severity: 'warning',
        message: `The dashboard asks for ${queries.length} metrics in ${region}; only the first ${GET_METRIC_DATA_LIMITS.queriesPerCall} are drawn.`,
      });
    }
    try {
      const answer = await reader.getMetricData(account, {
        queries: queries.slice(0, GET_METRIC_DATA_LIMITS.queriesPerCall),
        start: new Date(window.start),
        end: new Date(window.end),
        region: region === account.region ? undefined : region,
      });
      answer.results.forEach((result, id) => results.set(id, result));
      for (const message of answer.messages) {
        notices.push({
          severity: 'warning',
          message: `CloudWatch: ${message}`,
        });
      }
    } catch (error) {
      if (!(error instanceof CloudWatchAccessError)) throw error;
      for (const widget of group) failures.set(widget, error.message);
    }
  }
  const drawn: DashboardWidgetView[] = planned.map(widget =>
    drawWidget(widget, results, failures.get(widget)),
  );
  const unsupported = drawn.filter(w => w.kind === 'unsupported');
  if (unsupported.length > 0) {
    notices.push({
      severity: 'info',
      message: `${unsupported.length} of ${
        drawn.length
      } widgets are of a kind the portal does not draw (${[
        ...new Set(unsupported.map(w => w.type)),
      ].join(', ')}); they are shown as links to the console.`,
    });
  }
  return {
    entityRef: options.entityRef,
    account: summarizeAccount(account),
    name,
    window: { range: window.range, start: window.start, end: window.end },
    widgets: drawn,
    notices,
    problems: [],
    consoleUrl: dashboardConsoleUrl(account, name),
    fetchedAt: options.now().toISOString(),
  };
}
