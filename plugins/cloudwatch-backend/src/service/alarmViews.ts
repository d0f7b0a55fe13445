import {
  AlarmHistoryItem,
  AlarmState,
  AlarmView,
} from '@internal/backstage-plugin-cloudwatch-common';
import type { AlarmHistoryRecord, AlarmRecord } from '../aws/CloudWatchReader';

const STATES = new Set<AlarmState>(['OK', 'ALARM', 'INSUFFICIENT_DATA']);
const asState = (value: unknown): AlarmState | undefined =>
  STATES.has(value as AlarmState) ? (value as AlarmState) : undefined;

const OPERATORS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '>=',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside the band',
  LessThanLowerThreshold: 'below the band',
  GreaterThanUpperThreshold: 'above the band',
};

/** What a metric alarm watches, said shortly: `error Sum > 5 for 1 × 300 s`. */
function conditionOf(alarm: AlarmRecord): string | undefined {
  if (alarm.type === 'composite') return alarm.AlarmRule;
  const stat = alarm.ExtendedStatistic ?? alarm.Statistic ?? '';
  const metric =
    alarm.MetricName ?? (alarm.Metrics?.length ? 'metric math' : '');
  const operator =
    OPERATORS[alarm.ComparisonOperator ?? ''] ?? alarm.ComparisonOperator;
  const threshold =
    alarm.Threshold !== undefined
      ? String(alarm.Threshold)
      : alarm.ThresholdMetricId ?? '';
  const periods =
    alarm.EvaluationPeriods !== undefined && alarm.Period !== undefined
      ? ` for ${alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods} of ${
          alarm.EvaluationPeriods
        } × ${alarm.Period} s`
      : '';
  return `${metric} ${stat} ${operator} ${threshold}${periods}`
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A state-update history item: its `HistoryData` JSON carries the old and
 * new state; the summary says it in words.
 */
export function historyItemOf(record: AlarmHistoryRecord): AlarmHistoryItem {
  let from: AlarmState | undefined;
  let to: AlarmState | undefined;
  if (record.data) {
    try {
      const data = JSON.parse(record.data);
      from = asState(data?.oldState?.stateValue);
      to = asState(data?.newState?.stateValue);
    } catch {
      // a summary without data is still worth showing
    }
  }
  return {
    timestamp: record.timestamp.toISOString(),
    summary: record.summary,
    from,
    to,
  };
}

export function alarmViewOf(
  alarm: AlarmRecord,
  history: AlarmHistoryItem[],
  consoleUrl: string | undefined,
): AlarmView {
  return {
    name: alarm.AlarmName ?? '',
    type: alarm.type,
    description: alarm.AlarmDescription,
    state: asState(alarm.StateValue) ?? 'INSUFFICIENT_DATA',
    stateReason: alarm.StateReason ?? '',
    stateSince: alarm.StateUpdatedTimestamp
      ? new Date(alarm.StateUpdatedTimestamp).toISOString()
      : undefined,
    condition: conditionOf(alarm),
    actionsEnabled: alarm.ActionsEnabled ?? false,
    consoleUrl,
    history: [...history].sort((a, b) =>
      a.timestamp.localeCompare(b.timestamp),
    ),
  };
}
