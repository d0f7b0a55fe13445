import {
  CloudWatchClient,
  MetricDatum,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import type { RuntimeLogger } from './logging';
import { METRIC_NAMESPACE, MetricsRecorder } from './MetricsRecorder';

/** CloudWatch takes at most this many datums in one PutMetricData call. */
export const MAX_DATUMS_PER_CALL = 1000;
/** Datums kept for the next flush while CloudWatch cannot be reached, oldest dropped first. */
export const MAX_PENDING_DATUMS = 10_000;

/** Where the metrics go. */
export interface CloudWatchTarget {
  /** AWS region. Default: us-west-2. */
  region?: string;
  /** A CloudWatch-compatible endpoint (a local moto_server); AWS's own when absent. */
  endpoint?: string;
  /** Static credentials (a local moto_server takes any); the SDK's default chain when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface CloudWatchMetricsPublisherOptions {
  recorder: MetricsRecorder;
  target: CloudWatchTarget;
  logger: RuntimeLogger;
  /** Milliseconds between two flushes. Default: 60000 (CloudWatch's standard resolution). */
  flushIntervalMs?: number;
  /** Each PutMetricData call gives up after this many milliseconds. Default: 5000. */
  timeoutMs?: number;
  /** A client of one's own (tests); built from `target` otherwise. */
  client?: CloudWatchClient;
}

/** What one flush sent. */
export interface FlushResult {
  datums: number;
  calls: number;
  /** Datums kept for the next flush because a call failed. */
  pending: number;
}

/**
 * The observability middleware's output: every `flushIntervalMs` the
 * recorder's datums go to CloudWatch with `PutMetricData` in batches of at
 * most 1,000, in namespace `stackpro.capability`. When CloudWatch cannot be
 * reached the datums wait for the next flush (bounded), and the log says so
 * once per outage, and once when it is back.
 */
export class CloudWatchMetricsPublisher {
  private pending: MetricDatum[] = [];
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  private flushing: Promise<FlushResult> | undefined;

  private constructor(
    private readonly client: CloudWatchClient,
    private readonly options: CloudWatchMetricsPublisherOptions,
  ) {}

  static create(
    options: CloudWatchMetricsPublisherOptions,
  ): CloudWatchMetricsPublisher {
    const { target } = options;
    const client =
      options.client ??
      new CloudWatchClient({
        region: target.region ?? 'us-west-2',
        endpoint: target.endpoint,
        credentials: target.credentials,
        // large PutMetricData bodies are gzipped by the SDK; moto_server 5.2.1 cannot read them,
        // so a local endpoint gets them plain (AWS itself takes either)
        disableRequestCompression: target.endpoint !== undefined,
        maxAttempts: 2,
        requestHandler: {
          requestTimeout: options.timeoutMs ?? 5000,
          connectionTimeout: options.timeoutMs ?? 5000,
        },
      });
    return new CloudWatchMetricsPublisher(client, options);
  }

  /** Starts the periodic flush. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(
      () => void this.flush(),
      this.options.flushIntervalMs ?? 60_000,
    );
    this.timer.unref();
  }

  /** Sends what the recorder collected (and what earlier failures left). */
  flush(): Promise<FlushResult> {
    // one flush at a time: a slow CloudWatch never gets two overlapping batches
    if (!this.flushing) {
      this.flushing = this.send().finally(() => {
        this.flushing = undefined;
      });
    }
    return this.flushing;
  }

  private async send(): Promise<FlushResult> {
    const datums = [...this.pending, ...this.options.recorder.drain()];
    this.pending = [];
    let calls = 0;
    for (let i = 0; i < datums.length; i += MAX_DATUMS_PER_CALL) {
      const batch = datums.slice(i, i + MAX_DATUMS_PER_CALL);
      try {
        await this.client.send(
          new PutMetricDataCommand({
            Namespace: METRIC_NAMESPACE,
            MetricData: batch,
          }),
        );
        calls += 1;
        if (this.failing) {
          this.failing = false;
          this.options.logger.info(
            `CloudWatch${this.where()} reachable again: metrics published`,
          );
        }
      } catch (error) {
        this.pending = datums.slice(i).slice(-MAX_PENDING_DATUMS);
        if (!this.failing) {
          this.failing = true;
          this.options.logger.warn(
            `CloudWatch${this.where()} refused or did not answer PutMetricData: ${
              (error as Error).message
            }; ` +
              `metrics are kept (up to ${MAX_PENDING_DATUMS} datums) and sent again at the next flush`,
          );
        }
        break;
      }
    }
    return {
      datums: datums.length - this.pending.length,
      calls,
      pending: this.pending.length,
    };
  }

  private where(): string {
    return this.options.target.endpoint
      ? ` at ${this.options.target.endpoint}`
      : '';
  }

  /**
   * Stops the timer and sends what is left, unless `flush: false` (a local
   * moto that ends with us keeps nothing anyway).
   */
  async stop(options: { flush?: boolean } = {}): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (options.flush !== false) await this.flush();
    this.client.destroy();
  }
}
