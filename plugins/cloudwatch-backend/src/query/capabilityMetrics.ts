import {
  CAPABILITY_METRICS,
  CapabilityMetric,
  CapabilityMetricKey,
  CloudWatchDimension,
  MetricPoint,
  MetricSeries,
  MetricsSummary,
  SeriesStatus,
} from '@internal/backstage-plugin-cloudwatch-common';
import type { MetricQuery, MetricResult } from '../aws/CloudWatchReader';

const PERCENT = 100;

/** Where a capability's metrics are: namespace and dimensions. */
export interface MetricSource {
  namespace: string;
  dimensions: CloudWatchDimension[];
}

/** The statistic asked of a metric; the latency's is the account's. */
export function statOf(metric: CapabilityMetric, latencyStatistic: string) {
  return metric.key === 'latencyP95' ? latencyStatistic : metric.stat;
}

/** Query ids are `<prefix><key>`; CloudWatch wants them to start lowercase. */
const idOf = (prefix: string, key: string) => `${prefix}${key}`;

/**
 * The queries of one capability: the five metrics at the view's period, and
 * the latency over the whole window (a percentile of the window is not
 * computable from per-period percentiles). All in the view's one call.
 */
export function capabilityQueries(options: {
  prefix: string;
  source: MetricSource;
  periodSeconds: number;
  windowSeconds: number;
  latencyStatistic: string;
  /** Only the whole-window figures (the Metrics page). */
  summaryOnly?: boolean;
}): MetricQuery[] {
  const { prefix, source, latencyStatistic } = options;
  const metric = (m: CapabilityMetric, id: string, periodSeconds: number) => ({
    id,
    periodSeconds,
    namespace: source.namespace,
    dimensions: source.dimensions,
    metricName: m.metricName,
    stat: statOf(m, latencyStatistic),
  });
  if (options.summaryOnly) {
    return CAPABILITY_METRICS.map(m =>
      metric(m, idOf(prefix, m.key), options.windowSeconds),
    );
  }
  const latency = CAPABILITY_METRICS.find(m => m.key === 'latencyP95')!;
  return [
    ...CAPABILITY_METRICS.map(m =>
      metric(m, idOf(prefix, m.key), options.periodSeconds),
    ),
    metric(latency, idOf(prefix, 'window_latency'), options.windowSeconds),
  ];
}

function worst(statuses: SeriesStatus[]): SeriesStatus {
  if (statuses.includes('failed')) return 'failed';
  return statuses.includes('partial') ? 'partial' : 'complete';
}

const pointsOf = (result: MetricResult | undefined): MetricPoint[] =>
  (result?.timestamps ?? []).map((t, i) => ({ t, v: result!.values[i] }));

const sum = (result: MetricResult | undefined) =>
  result && result.values.length > 0
    ? result.values.reduce((a, b) => a + b, 0)
    : undefined;

const ratio = (part: number | undefined, whole: number | undefined) =>
  part !== undefined && whole !== undefined && whole > 0
    ? (part / whole) * PERCENT
    : undefined;

/**
 * A ratio per period: `part / (success + error)` in percent, over the
 * periods that saw requests (a period without any has no ratio, not 0 %).
 */
function ratioSeries(
  part: MetricResult | undefined,
  success: MetricResult | undefined,
  error: MetricResult | undefined,
  complement = false,
): MetricPoint[] {
  const byTime = new Map<number, { part: number; requests: number }>();
  const add = (r: MetricResult | undefined, field: 'part' | 'requests') =>
    r?.timestamps.forEach((t, i) => {
      const at = byTime.get(t) ?? { part: 0, requests: 0 };
      at[field] += r.values[i];
      byTime.set(t, at);
    });
  add(success, 'requests');
  add(error, 'requests');
  add(part, 'part');
  return [...byTime.entries()]
    .filter(([, at]) => at.requests > 0)
    .sort(([a], [b]) => a - b)
    .map(([t, at]) => {
      const share = (at.part / at.requests) * PERCENT;
      return { t, v: complement ? PERCENT - share : share };
    });
}

/** The series of a capability's view: the five metrics and what follows from them. */
export function capabilitySeries(
  prefix: string,
  results: Map<string, MetricResult>,
  latencyStatistic: string,
): MetricSeries[] {
  const get = (key: string) => results.get(idOf(prefix, key));
  const raw: MetricSeries[] = CAPABILITY_METRICS.map(m => {
    const result = get(m.key);
    return {
      key: m.key,
      label: m.label,
      unit: m.unit,
      stat: statOf(m, latencyStatistic),
      points: pointsOf(result),
      status: result?.status ?? 'failed',
      messages: result?.messages ?? [
        'CloudWatch returned nothing for this query',
      ],
    };
  });
  const success = get('success');
  const error = get('error');
  const inputs = (...keys: CapabilityMetricKey[]) =>
    worst(keys.map(k => raw.find(s => s.key === k)!.status));
  const derivedMessages = (status: SeriesStatus) =>
    status === 'complete'
      ? []
      : ['computed from series CloudWatch did not return in full'];
  const errorStatus = inputs('success', 'error');
  const degradedStatus = inputs('success', 'error', 'degraded');
  return [
    ...raw,
    {
      key: 'availability',
      label: 'Availability',
      unit: 'percent',
      points: ratioSeries(success, success, error),
      status: errorStatus,
      messages: derivedMessages(errorStatus),
    },
    {
      key: 'errorRate',
      label: 'Error rate',
      unit: 'percent',
      points: ratioSeries(error, success, error),
      status: errorStatus,
      messages: derivedMessages(errorStatus),
    },
    {
      key: 'degradedRatio',
      label: 'Degraded ratio',
      unit: 'percent',
      points: ratioSeries(get('degraded'), success, error),
      status: degradedStatus,
      messages: derivedMessages(degradedStatus),
    },
  ];
}

/** The window's totals of a capability (view or Metrics page row). */
export function capabilitySummary(
  prefix: string,
  results: Map<string, MetricResult>,
  latencyStatistic: string,
  options: { summaryOnly?: boolean } = {},
): { summary: MetricsSummary; status: SeriesStatus } {
  const get = (key: string) => results.get(idOf(prefix, key));
  const success = sum(get('success'));
  const errors = sum(get('error'));
  const degraded = sum(get('degraded'));
  const requests =
    success === undefined && errors === undefined
      ? undefined
      : (success ?? 0) + (errors ?? 0);
  const latency = get(options.summaryOnly ? 'latencyP95' : 'window_latency');
  const breaker = get('breakerOpen');
  const summary: MetricsSummary = {
    requests,
    errors,
    degraded,
    availabilityPercent: ratio(success ?? 0, requests),
    errorRatePercent: ratio(errors ?? 0, requests),
    degradedPercent: ratio(degraded ?? 0, requests),
    latencyMs: latency?.values.length ? Math.max(...latency.values) : undefined,
    latencyStat: latencyStatistic,
    breakerOpenPeriods: breaker ? breaker.values.filter(v => v > 0).length : 0,
  };
  const statuses = CAPABILITY_METRICS.map(m => get(m.key)?.status ?? 'failed');
  return { summary, status: worst(statuses) };
}
