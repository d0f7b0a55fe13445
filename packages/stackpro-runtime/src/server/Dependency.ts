/** Why a dependency gave no answer: it is down, its breaker is open, or degraded mode is forced. */
export class DependencyUnavailableError extends Error {
  readonly name = 'DependencyUnavailableError';
  constructor(
    readonly dependency: string,
    readonly reason: 'down' | 'breaker-open' | 'forced-degraded',
  ) {
    super(
      reason === 'forced-degraded'
        ? `${dependency} not used: degraded mode is forced`
        : `${dependency} is ${
            reason === 'down' ? 'down' : 'behind an open circuit breaker'
          }`,
    );
  }
}

/** Settings of a dependency's circuit breaker. */
export interface BreakerOptions {
  /** Consecutive failures that open the breaker. Default: 5. */
  failureThreshold?: number;
  /** Milliseconds the breaker stays open before one trial call. Default: 10000. */
  cooldownMs?: number;
  now?: () => number;
}

/**
 * Something a capability calls (its table, its query engine, its model
 * provider), behind a circuit breaker: after `failureThreshold` failures in a
 * row calls fail at once for `cooldownMs`, then one trial call decides.
 * `isDown` is where the fault knob takes it down.
 */
export class Dependency {
  private failures = 0;
  private openedAt: number | undefined;
  private lastLatencyMs = 0;
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;

  constructor(
    readonly name: string,
    private readonly isDown: () => boolean,
    options: BreakerOptions = {},
  ) {
    this.threshold = options.failureThreshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Whether the breaker is open now (calls fail fast). */
  breakerOpen(): boolean {
    return (
      this.openedAt !== undefined &&
      this.now() - this.openedAt < this.cooldownMs
    );
  }

  /** Calls `fn` through the breaker; throws `DependencyUnavailableError` when it cannot. */
  async call<T>(fn: () => T | Promise<T>): Promise<T> {
    if (this.breakerOpen()) {
      throw new DependencyUnavailableError(this.name, 'breaker-open');
    }
    const started = this.now();
    try {
      if (this.isDown()) {
        throw new DependencyUnavailableError(this.name, 'down');
      }
      const value = await fn();
      this.failures = 0;
      this.openedAt = undefined;
      return value;
    } catch (error) {
      this.failures += 1;
      if (this.failures >= this.threshold || this.openedAt !== undefined) {
        this.openedAt = this.now();
      }
      throw error;
    } finally {
      this.lastLatencyMs = Math.max(0, this.now() - started);
    }
  }

  /** The check reported by `GET /v1/health`. */
  check(): { name: string; status: 'ok' | 'down'; latencyMs: number } {
    const down = this.isDown() || this.breakerOpen();
    return {
      name: this.name,
      status: down ? 'down' : 'ok',
      latencyMs: this.lastLatencyMs,
    };
  }
}
