import type { MetricDatum } from '@aws-sdk/client-cloudwatch';

/** Seed 002's namespace and metric names. */
export const METRIC_NAMESPACE = 'stackpro.capability';
export const METRIC_NAMES = {
  success: 'success',
  error: 'error',
  latency: 'latency.p95',
  degraded: 'degraded',
  breakerOpen: 'breaker.open',
} as const;
/** The one dimension of every metric. */
export const CAPABILITY_DIMENSION = 'capability';

/** CloudWatch takes at most this many values per datum (`Values`/`Counts`). */
export const MAX_VALUES_PER_DATUM = 150;

/** One answered request, as the observability middleware sees it. */
export interface RequestSample {
  capability: string;
  status: number;
  latencyMs: number;
  degraded: boolean;
}

interface Window {
  requests: number;
  successes: number;
  errors: number;
  degraded: number;
  /** latency in whole milliseconds -> how many requests took it */
  latencies: Map<number, number>;
  breakerOpen: boolean;
}

function emptyWindow(): Window {
  return {
    requests: 0,
    successes: 0,
    errors: 0,
    degraded: 0,
    latencies: new Map(),
    breakerOpen: false,
  };
}

/**
 * A 0/1 metric over `n` requests of which `k` were 1, as a statistic set:
 * `Sum` counts them, `SampleCount` is the number of requests and `Average`
 * the ratio (error rate, degraded ratio, availability).
 */
function ratioDatum(
  name: string,
  capability: string,
  timestamp: Date,
  k: number,
  n: number,
): MetricDatum {
  return {
    MetricName: name,
    Dimensions: [{ Name: CAPABILITY_DIMENSION, Value: capability }],
    Timestamp: timestamp,
    Unit: 'Count',
    StatisticValues: {
      SampleCount: n,
      Sum: k,
      Minimum: k === n ? 1 : 0,
      Maximum: k > 0 ? 1 : 0,
    },
  };
}

/**
 * Collects the seed's five metrics per capability between two flushes:
 * `success` (status < 400), `error` (status >= 500: what burns an error
 * budget; a 4xx is the caller's mistake and counts as neither), `degraded`
 * (the answer said `degraded: true`), `latency.p95` (every latency, as
 * values and counts, so that CloudWatch computes p95 and any other
 * percentile) and `breaker.open` (1 when a dependency's circuit breaker was
 * open during the period).
 */
export class MetricsRecorder {
  private windows = new Map<string, Window>();
  private readonly breakerProbes = new Map<string, () => boolean>();
  private windowStart: number;

  private constructor(private readonly now: () => number) {
    this.windowStart = now();
  }

  static create(options: { now?: () => number } = {}): MetricsRecorder {
    return new MetricsRecorder(options.now ?? Date.now);
  }

  private window(capability: string): Window {
    let w = this.windows.get(capability);
    if (!w) {
      w = emptyWindow();
      this.windows.set(capability, w);
    }
    return w;
  }

  /**
   * Makes `breaker.open` reported for a capability even before its first
   * request; `breakerOpen` is asked at every flush (and the middleware notes
   * an open breaker at every request).
   */
  register(capability: string, breakerOpen?: () => boolean): void {
    this.window(capability);
    if (breakerOpen) this.breakerProbes.set(capability, breakerOpen);
  }

  record(sample: RequestSample): void {
    const w = this.window(sample.capability);
    w.requests += 1;
    if (sample.status < 400) w.successes += 1;
    if (sample.status >= 500) w.errors += 1;
    if (sample.degraded) w.degraded += 1;
    const ms = Math.max(0, Math.round(sample.latencyMs));
    w.latencies.set(ms, (w.latencies.get(ms) ?? 0) + 1);
  }

  noteBreaker(capability: string, open: boolean): void {
    if (open) this.window(capability).breakerOpen = true;
  }

  /** The datums of the period since the last drain, and a new period begins. */
  drain(): MetricDatum[] {
    const timestamp = new Date(this.windowStart);
    const datums: MetricDatum[] = [];
    for (const [capability, w] of this.windows) {
      if (this.breakerProbes.get(capability)?.()) w.breakerOpen = true;
      const dimensions = [{ Name: CAPABILITY_DIMENSION, Value: capability }];
      if (w.requests > 0) {
        datums.push(
          ratioDatum(
            METRIC_NAMES.success,
            capability,
            timestamp,
            w.successes,
            w.requests,
          ),
          ratioDatum(
            METRIC_NAMES.error,
            capability,
            timestamp,
            w.errors,
            w.requests,
          ),
          ratioDatum(
            METRIC_NAMES.degraded,
            capability,
            timestamp,
            w.degraded,
            w.requests,
          ),
        );
        const entries = [...w.latencies.entries()].sort((a, b) => a[0] - b[0]);
        for (let i = 0; i < entries.length; i += MAX_VALUES_PER_DATUM) {
          const chunk = entries.slice(i, i + MAX_VALUES_PER_DATUM);
          datums.push({
            MetricName: METRIC_NAMES.latency,
            Dimensions: dimensions,
            Timestamp: timestamp,
            Unit: 'Milliseconds',
            Values: chunk.map(([ms]) => ms),
            Counts: chunk.map(([, count]) => count),
          });
        }
      }
      datums.push({
        MetricName: METRIC_NAMES.breakerOpen,
        Dimensions: dimensions,
        Timestamp: timestamp,
        Unit: 'Count',
        Value: w.breakerOpen ? 1 : 0,
      });
    }
    // keep the capabilities known, so breaker.open goes on being reported
    this.windows = new Map(
      [...this.windows.keys()].map(capability => [capability, emptyWindow()]),
    );
    this.windowStart = this.now();
    return datums;
  }
}
