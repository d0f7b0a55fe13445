import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { ErrorRequestHandler } from 'express';

/** What a 503 tells the client to wait before trying again, in seconds. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Error codes of a database that is not there right now: the socket's
 * (refused, reset, timed out), PostgreSQL's class 08 (connection exception),
 * 57P01-57P03 (shutting down, crashed, starting up) and 53300 (too many
 * connections).
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** What pg, pg-pool and knex say when the connection is gone (no code given). */
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /Connection ended unexpectedly/i,
  /connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /Timeout acquiring a connection/i,
  /timeout exceeded when trying to connect/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

/**
 * Whether an error (or what it wraps: `cause`, AggregateError's `errors`)
 * says the database could not be reached, as opposed to refusing a query.
 */
export function isDatabaseUnavailableError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (e.name === 'KnexTimeoutError') return true;
  if (
    typeof e.message === 'string' &&
    UNAVAILABLE_MESSAGES.some(m => m.test(e.message as string))
  ) {
    return true;
  }
  if (Array.isArray(e.errors)) {
    return e.errors.some(inner => isDatabaseUnavailableError(inner, depth + 1));
  }
  return isDatabaseUnavailableError(e.cause, depth + 1);
}

/** A 503 of ours, or one a plugin passes on from another plugin it called. */
function isUnavailableAnswer(error: unknown): boolean {
  const e = error as { name?: unknown; statusCode?: unknown; status?: unknown };
  return (
    e?.name === ServiceUnavailableError.name ||
    e?.statusCode === 503 ||
    e?.status === 503
  );
}

/**
 * Express error middleware for the root router, after the plugins' routes:
 * a database outage answers 503 "try again" with `Retry-After` instead of
 * 500 "An internal error occurred", and every other 503 carries
 * `Retry-After` too. Backstage's error handler after it writes the body.
 *
 * @public
 */
export function serviceUnavailableErrors(
  options: { retryAfterSeconds?: number; logger?: LoggerService } = {},
): ErrorRequestHandler {
  const retryAfter = String(options.retryAfterSeconds ?? RETRY_AFTER_SECONDS);
  return (error, req, res, next) => {
    let forwarded = error;
    if (isDatabaseUnavailableError(error)) {
      // the cause stays in the log, not in the answer (it names hosts)
      options.logger?.warn(
        `${req.method} ${req.originalUrl}: database unavailable, answered 503: ${error}`,
      );
      forwarded = new ServiceUnavailableError(
        'The database is not answering right now; try again shortly',
      );
    }
    if (isUnavailableAnswer(forwarded) && !res.headersSent) {
      res.setHeader('Retry-After', retryAfter);
    }
    next(forwarded);
  };
}
