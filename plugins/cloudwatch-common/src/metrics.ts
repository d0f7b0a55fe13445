const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The ranges a view can show, from 1 hour to 90 days, in seconds. */
export const METRIC_RANGES = {
  '1h': HOUR,
  '3h': 3 * HOUR,
  '12h': 12 * HOUR,
  '24h': DAY,
  '3d': 3 * DAY,
  '7d': 7 * DAY,
  '14d': 14 * DAY,
  '30d': 30 * DAY,
  '90d': 90 * DAY,
} as const;

export type MetricRange = keyof typeof METRIC_RANGES;

export const METRIC_RANGE_NAMES = Object.keys(METRIC_RANGES) as MetricRange[];

export const DEFAULT_METRIC_RANGE: MetricRange = '24h';

/** The five metrics every StackPro capability publishes (seed 002). */
export type CapabilityMetricKey =
  | 'success'
  | 'error'
  | 'latencyP95'
  | 'degraded'
  | 'breakerOpen';

/** What the portal computes from them. */
export type DerivedMetricKey = 'errorRate' | 'degradedRatio' | 'availability';

export type MetricUnit = 'count' | 'milliseconds' | 'percent' | 'state';

export interface CapabilityMetric {
  key: CapabilityMetricKey;
  /** Metric name in the capability's namespace. */
  metricName: string;
  /** CloudWatch statistic asked for (the latency's may be configured per account). */
  stat: string;
  unit: MetricUnit;
  label: string;
}

/**
 * The capability metrics of seed 002, as published by the StackPro runtime:
 * counts are summed per period, the latency's percentile is computed by
 * CloudWatch from the raw values, the breaker is 1 while open.
 */
export const CAPABILITY_METRICS: readonly CapabilityMetric[] = [
  {
    key: 'success',
    metricName: 'success',
    stat: 'Sum',
    unit: 'count',
    label: 'Successful requests',
  },
  {
    key: 'error',
    metricName: 'error',
    stat: 'Sum',
    unit: 'count',
    label: 'Failed requests',
  },
  {
    key: 'latencyP95',
    metricName: 'latency.p95',
    stat: 'p95',
    unit: 'milliseconds',
    label: 'P95 latency',
  },
  {
    key: 'degraded',
    metricName: 'degraded',
    stat: 'Sum',
    unit: 'count',
    label: 'Degraded responses',
  },
  {
    key: 'breakerOpen',
    metricName: 'breaker.open',
    stat: 'Maximum',
    unit: 'state',
    label: 'Circuit breaker open',
  },
];

export const DERIVED_METRICS: ReadonlyArray<{
  key: DerivedMetricKey;
  label: string;
}> = [
  { key: 'availability', label: 'Availability' },
  { key: 'errorRate', label: 'Error rate' },
  { key: 'degradedRatio', label: 'Degraded ratio' },
];
