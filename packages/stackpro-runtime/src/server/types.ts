import type { CapabilityFlags } from '../flags/FlagSource';

/** A request as a capability's handler sees it: validated against the contract, typed, defaults applied. */
export interface CapabilityRequest<TBody = any> {
  /** Also the log line's `trace_id` and the `X-Request-Id` header. */
  requestId: string;
  /** `X-Tenant-Id`, on every operation but health. */
  tenantId: string;
  params: Record<string, any>;
  query: Record<string, any>;
  headers: Record<string, any>;
  body: TBody;
  flags: CapabilityFlags;
  /**
   * Calls a dependency through its circuit breaker. Throws a
   * `DependencyUnavailableError` when the dependency is down, its breaker is
   * open, or `CAP_<X>_DEGRADED` forces degraded mode: the handler catches it
   * to answer from its fallback (with `degraded: true`), or lets it through,
   * and the runtime answers a read from its last good copy, else 503.
   */
  use<T>(dependency: string, fn: () => T | Promise<T>): Promise<T>;
  /** The last good answers of this capability, per key (for fallbacks a handler manages itself). */
  lastGood: {
    remember(key: string, body: Record<string, unknown>): void;
    recall(
      key: string,
    ): { body: Record<string, unknown>; storedAt: Date } | undefined;
  };
}

/** A handler's answer; `degraded` in the body is set by the runtime when the handler leaves it out. */
export interface CapabilityResponse {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** One operation of a contract, served. */
export type CapabilityHandler = (
  request: CapabilityRequest,
) => Promise<CapabilityResponse>;

/**
 * An answer in the contract's error shape:
 * `{ error: { code, message, details, requestId }, degraded }`.
 */
export class CapabilityError extends Error {
  readonly name = 'CapabilityError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (
  message: string,
  details?: Record<string, unknown>,
) => new CapabilityError(400, 'VALIDATION_FAILED', message, details);
export const notFound = (message: string) =>
  new CapabilityError(404, 'NOT_FOUND', message);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new CapabilityError(409, 'CONFLICT', message, details);
export const unavailable = (message: string, retryAfterSeconds = 30) =>
  new CapabilityError(503, 'SERVICE_UNAVAILABLE', message, undefined, {
    'Retry-After': String(retryAfterSeconds),
  });
