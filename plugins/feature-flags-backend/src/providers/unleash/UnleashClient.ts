import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** Unleash did not answer, or answered with a server error: the caller sees a 503. */
export class UnleashUnavailableError extends ServiceUnavailableError {}

/**
 * Unleash answered 429 (or an earlier 429's `Retry-After` has not run out):
 * nothing was sent; `retryAt` is when Unleash said to come back.
 */
export class UnleashRateLimitedError extends ServiceUnavailableError {
  constructor(message: string, readonly retryAt: number) {
    super(message);
  }
}

/** Without a `Retry-After`, a 429 keeps the portal away this long. */
export const DEFAULT_RATE_LIMIT_BACKOFF_MS = 60_000;

/**
 * The part of Unleash's API a call belongs to: Unleash 8 limits its feature
 * search per client address (15 a minute by default), nothing else the
 * portal calls. A 429 holds back only its own bucket.
 */
export type UnleashBucket = 'admin' | 'search';

export interface UnleashClientOptions {
  url: string;
  adminToken: string;
  /** Each call gives up after this long unless the caller says otherwise. */
  timeoutMs: number;
  /** The clock (tests pass a fake one). */
  now?: () => number;
}

/** When a `Retry-After` header (seconds, or an HTTP date) says to come back. */
export function retryAtOf(header: string | null, now: number): number {
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return now + seconds * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(now, date);
  }
  return now + DEFAULT_RATE_LIMIT_BACKOFF_MS;
}

function parseJson(text: string): any {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Unleash's own error message (and its details), once each. */
function messageOf(json: any, fallback: string): string {
  const details: Array<{ message?: string }> = Array.isArray(json?.details)
    ? json.details
    : [];
  const parts = [json?.message, ...details.map(d => d.message)].filter(
    (m, i, all): m is string => Boolean(m) && all.indexOf(m) === i,
  );
  return parts.join('; ') || fallback;
}

/**
 * Unleash's Admin API over `fetch`: a time-out on every call, Unleash's error
 * messages as Backstage errors, and 429s respected: after one, calls of the
 * same bucket fail at once with `UnleashRateLimitedError` until `Retry-After`
 * has passed, so a busy portal does not hammer a limit it already hit.
 */
export class UnleashClient {
  readonly baseUrl: string;
  private readonly now: () => number;
  private readonly blockedUntil = new Map<UnleashBucket, number>();

  private constructor(private readonly options: UnleashClientOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
  }

  static create(options: UnleashClientOptions) {
    return new UnleashClient(options);
  }

  /** When a bucket may be called again (0: now). */
  retryAt(bucket: UnleashBucket): number {
    const until = this.blockedUntil.get(bucket) ?? 0;
    return until > this.now() ? until : 0;
  }

  async call<T>(
    method: string,
    path: string,
    options: {
      body?: unknown;
      timeoutMs?: number;
      bucket?: UnleashBucket;
    } = {},
  ): Promise<T> {
    const { body, bucket = 'admin' } = options;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const retryAt = this.retryAt(bucket);
    if (retryAt) {
      throw new UnleashRateLimitedError(
        `Unleash at ${
          this.baseUrl
        } limits ${bucket} calls; the portal waits until ${new Date(
          retryAt,
        ).toISOString()} as Unleash asked`,
        retryAt,
      );
    }
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          Authorization: this.options.adminToken,
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const e = error as Error & {
        cause?: { message?: string; code?: string };
      };
      const reason =
        e.name === 'TimeoutError' || e.name === 'AbortError'
          ? `did not answer within ${timeoutMs} ms`
          : `cannot be reached (${
              e.cause?.code ?? e.cause?.message ?? e.message
            })`;
      throw new UnleashUnavailableError(`Unleash at ${this.baseUrl} ${reason}`);
    }
    const json = parseJson(text);
    if (response.ok) return json as T;
    const message = messageOf(json, response.statusText);
    switch (response.status) {
      case 400:
        throw new InputError(`Unleash rejected the change: ${message}`);
      case 404:
        throw new NotFoundError(`Unleash: ${message}`);
      case 409:
        throw new ConflictError(`Unleash: ${message}`);
      case 429: {
        const until = retryAtOf(
          response.headers.get('retry-after'),
          this.now(),
        );
        this.blockedUntil.set(bucket, until);
        throw new UnleashRateLimitedError(
          `Unleash at ${
            this.baseUrl
          } answered 429 (too many ${bucket} calls); the portal waits until ${new Date(
            until,
          ).toISOString()} as Unleash asked`,
          until,
        );
      }
      default:
        if (response.status >= 500) {
          throw new UnleashUnavailableError(
            `Unleash at ${this.baseUrl} failed: ${response.status} ${message}`,
          );
        }
        throw new Error(
          `Unleash answered ${response.status} to ${method} ${path}: ${message}`,
        );
    }
  }
}
