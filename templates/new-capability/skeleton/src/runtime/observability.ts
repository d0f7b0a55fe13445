import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Seed 002's namespace, metric names and dimension. */
export const METRIC_NAMESPACE = 'stackpro.capability';
export const METRIC_NAMES = {
  success: 'success',
  error: 'error',
  latency: 'latency.p95',
  degraded: 'degraded',
  breakerOpen: 'breaker.open',
} as const;

export interface MetricsWindow {
  success_count: number;
  error_count: number;
  p95_latency_ms: number | undefined;
  degraded_count: number;
  circuit_breaker_open: 0 | 1;
}

const P95 = 0.95;

/** The five metrics of seed 002 over one flush window. */
export class MetricsRecorder {
  private successes = 0;
  private errors = 0;
  private degraded = 0;
  private latencies: number[] = [];
  private breakerOpen = false;

  record(sample: { status: number; latencyMs: number; degraded: boolean }) {
    if (sample.status < 400) this.successes += 1;
    else this.errors += 1;
    if (sample.degraded) this.degraded += 1;
    this.latencies.push(sample.latencyMs);
  }

  noteBreaker(open: boolean) {
    this.breakerOpen = this.breakerOpen || open;
  }

  /** The window so far, without resetting it. */
  peek(): MetricsWindow {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const p95 = sorted.length
      ? sorted[Math.min(sorted.length - 1, Math.ceil(P95 * sorted.length) - 1)]
      : undefined;
    return {
      success_count: this.successes,
      error_count: this.errors,
      p95_latency_ms: p95,
      degraded_count: this.degraded,
      circuit_breaker_open: this.breakerOpen ? 1 : 0,
    };
  }

  /** The window, and a new one begins. */
  take(): MetricsWindow {
    const window = this.peek();
    this.successes = 0;
    this.errors = 0;
    this.degraded = 0;
    this.latencies = [];
    this.breakerOpen = false;
    return window;
  }
}

/** One JSON line per answered request (seed 002's structured log). */
export type LogLine = Record<string, unknown>;
export type LogWriter = (line: LogLine) => void;
export const stdoutLog: LogWriter = line => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

export function newRequestId(): string {
  return `req_${randomBytes(8).toString('hex')}`;
}

/**
 * The observability middleware: a request id on every answer, and once it
 * is sent the log line and the metrics. Handlers tell it the route and
 * whether the answer was degraded through `res.locals`-like fields.
 */
export function observe(options: {
  capability: string;
  metrics: MetricsRecorder;
  log: LogWriter;
  breakerOpen: () => boolean;
}) {
  return (req: IncomingMessage, res: ServerResponse & ObservedFields) => {
    const started = process.hrtime.bigint();
    res.requestId = newRequestId();
    res.setHeader('X-Request-Id', res.requestId);
    res.on('finish', () => {
      const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
      const degraded = Boolean(res.degraded);
      options.metrics.record({ status: res.statusCode, latencyMs, degraded });
      options.metrics.noteBreaker(options.breakerOpen());
      let level = 'info';
      if (res.statusCode >= 500) level = 'error';
      else if (res.statusCode >= 400) level = 'warn';
      options.log({
        timestamp: new Date().toISOString(),
        level,
        message: `${req.method} ${res.route ?? req.url} ${res.statusCode}`,
        capability: options.capability,
        route: res.route ?? req.url,
        method: req.method,
        status: res.statusCode,
        tenantId: req.headers['x-tenant-id'] || undefined,
        latency_ms: Math.round(latencyMs * 10) / 10,
        degraded,
        trace_id: res.requestId,
      });
    });
  };
}

export interface ObservedFields {
  requestId?: string;
  route?: string;
  degraded?: boolean;
}

/**
 * Sends each window to CloudWatch (namespace stackpro.capability, dimension
 * capability=<name>): what the portal's Metrics tab reads. Failures are
 * logged and the window is dropped; the capability never waits on it.
 */
export async function publishToCloudWatch(options: {
  capability: string;
  window: MetricsWindow;
  region: string;
  endpoint?: string;
}): Promise<void> {
  const { CloudWatchClient, PutMetricDataCommand } = await import(
    '@aws-sdk/client-cloudwatch'
  );
  const client = new CloudWatchClient({
    region: options.region,
    endpoint: options.endpoint,
    maxAttempts: 2,
  });
  const Dimensions = [{ Name: 'capability', Value: options.capability }];
  const Timestamp = new Date();
  const { window } = options;
  const data = [
    {
      MetricName: METRIC_NAMES.success,
      Value: window.success_count,
      Unit: 'Count' as const,
    },
    {
      MetricName: METRIC_NAMES.error,
      Value: window.error_count,
      Unit: 'Count' as const,
    },
    {
      MetricName: METRIC_NAMES.degraded,
      Value: window.degraded_count,
      Unit: 'Count' as const,
    },
    {
      MetricName: METRIC_NAMES.breakerOpen,
      Value: window.circuit_breaker_open,
      Unit: 'Count' as const,
    },
    ...(window.p95_latency_ms === undefined
      ? []
      : [
          {
            MetricName: METRIC_NAMES.latency,
            Value: window.p95_latency_ms,
            Unit: 'Milliseconds' as const,
          },
        ]),
  ].map(d => ({ ...d, Dimensions, Timestamp }));
  try {
    await client.send(
      new PutMetricDataCommand({
        Namespace: METRIC_NAMESPACE,
        MetricData: data,
      }),
      { abortSignal: AbortSignal.timeout(5000) },
    );
  } finally {
    client.destroy();
  }
}
