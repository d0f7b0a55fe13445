import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchAccessError, isRetryable } from './errors';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_ATTEMPTS = 4;
const DEFAULT_BASE_DELAY_MS = 200;
const MAX_DELAY_MS = 5_000;

export interface CallerOptions {
  /** Each attempt gives up after this long. */
  timeoutMs?: number;
  /** Attempts of a throttled or failing call, the first included. */
  attempts?: number;
  /** First back-off; each retry waits up to twice as long as the last. */
  baseDelayMs?: number;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
  /** For tests: a number in [0, 1) (the jitter). */
  random?: () => number;
}

interface AccountLike {
  id: string;
  region: string;
  endpoint?: string;
  roleArn?: string;
}

/** Any command of the CloudWatch client. */
type CloudWatchCommand = { readonly input: object };

/**
 * Every call the portal makes to CloudWatch goes through here: a time-out on
 * each attempt, throttling and transient failures retried with exponential
 * back-off and full jitter (as AWS recommends), each attempt counted, and
 * failures said as what a person can do about them.
 */
export class CloudWatchCaller {
  private readonly counts = new Map<string, number>();

  private constructor(
    private readonly timeoutMs: number,
    private readonly attempts: number,
    private readonly baseDelayMs: number,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly random: () => number,
  ) {}

  static create(options: CallerOptions = {}): CloudWatchCaller {
    return new CloudWatchCaller(
      options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS),
      options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS,
      options.sleep ??
        (ms => new Promise(resolve => setTimeout(resolve, ms).unref?.())),
      options.random ?? Math.random,
    );
  }

  /** Attempts made so far per operation (`GetMetricData`: 3). */
  callCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  async send<T>(
    account: AccountLike,
    client: CloudWatchClient,
    command: CloudWatchCommand,
  ): Promise<T> {
    const operation = command.constructor.name.replace(/Command$/, '');
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
      try {
        return (await client.send(command as any, {
          abortSignal: AbortSignal.timeout(this.timeoutMs),
        })) as T;
      } catch (error) {
        lastError = error;
        if (!isRetryable(error) || attempt === this.attempts) {
          throw CloudWatchAccessError.fromCall(
            account,
            operation,
            error,
            attempt,
          );
        }
        const ceiling = Math.min(
          MAX_DELAY_MS,
          this.baseDelayMs * 2 ** (attempt - 1),
        );
        await this.sleep(Math.floor(this.random() * ceiling));
      }
    }
    throw CloudWatchAccessError.fromCall(
      account,
      operation,
      lastError,
      this.attempts,
    );
  }
}
