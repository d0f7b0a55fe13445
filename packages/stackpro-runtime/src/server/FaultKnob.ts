/** Faults a capability suffers on purpose, so that demos and tests can burn an error budget. */
export interface Faults {
  /** Milliseconds added to every answer. */
  latencyMs: number;
  /** Up to this many milliseconds more, at random. */
  latencyJitterMs: number;
  /** Share of answers (0 to 1) that fail with a 5xx, health checks included. */
  errorRate: number;
  /** Dependencies taken down (`store`): the capability answers from its fallbacks. */
  downDependencies: string[];
}

/** The largest latency the knob adds, so that a typo cannot hang a capability for hours. */
export const MAX_FAULT_LATENCY_MS = 60_000;

export const NO_FAULTS: Faults = Object.freeze({
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate: 0,
  downDependencies: [],
}) as Faults;

/** A fault setting that cannot be applied, with the field and what is expected. */
export class FaultSettingError extends Error {
  readonly name = 'FaultSettingError';
  constructor(readonly field: string, message: string) {
    super(`${field} ${message}`);
  }
}

/**
 * Checks a partial fault setting against the dependencies a capability has;
 * what is not given keeps its current value.
 */
export function mergeFaults(
  current: Faults,
  change: Record<string, unknown>,
  dependencies: string[],
): Faults {
  const known = [
    'latencyMs',
    'latencyJitterMs',
    'errorRate',
    'downDependencies',
  ];
  for (const key of Object.keys(change)) {
    if (!known.includes(key)) {
      throw new FaultSettingError(
        key,
        `is not a fault setting; the settings are ${known.join(', ')}`,
      );
    }
  }
  const next = { ...current };
  for (const key of ['latencyMs', 'latencyJitterMs'] as const) {
    if (change[key] === undefined) continue;
    const value = change[key];
    if (
      typeof value !== 'number' ||
      !Number.isInteger(value) ||
      value < 0 ||
      value > MAX_FAULT_LATENCY_MS
    ) {
      throw new FaultSettingError(
        key,
        `must be a whole number of milliseconds from 0 to ${MAX_FAULT_LATENCY_MS}`,
      );
    }
    next[key] = value;
  }
  if (change.errorRate !== undefined) {
    const value = change.errorRate;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < 0 ||
      value > 1
    ) {
      throw new FaultSettingError(
        'errorRate',
        'must be a number from 0 to 1 (0.05 is 5 % of answers)',
      );
    }
    next.errorRate = value;
  }
  if (change.downDependencies !== undefined) {
    const value = change.downDependencies;
    if (
      !Array.isArray(value) ||
      value.some(v => typeof v !== 'string' || !dependencies.includes(v))
    ) {
      throw new FaultSettingError(
        'downDependencies',
        `must be a list of this capability's dependencies (${
          dependencies.join(', ') || 'none'
        })`,
      );
    }
    next.downDependencies = [...new Set(value as string[])];
  }
  return next;
}

/** The fault settings of one capability, changed at run time by the sandbox's admin routes or by tests. */
export class FaultKnob {
  private faults: Faults;

  private constructor(
    private readonly dependencies: string[],
    initial: Faults,
    private readonly random: () => number,
  ) {
    this.faults = initial;
  }

  static create(options: {
    dependencies: string[];
    initial?: Partial<Faults>;
    random?: () => number;
  }): FaultKnob {
    const initial = mergeFaults(
      NO_FAULTS,
      options.initial ?? {},
      options.dependencies,
    );
    return new FaultKnob(
      options.dependencies,
      initial,
      options.random ?? Math.random,
    );
  }

  get(): Faults {
    return {
      ...this.faults,
      downDependencies: [...this.faults.downDependencies],
    };
  }

  /** Applies a partial change; throws a `FaultSettingError` and changes nothing when any field is wrong. */
  set(change: Record<string, unknown>): Faults {
    this.faults = mergeFaults(this.faults, change, this.dependencies);
    return this.get();
  }

  reset(): Faults {
    this.faults = NO_FAULTS;
    return this.get();
  }

  isDown(dependency: string): boolean {
    return this.faults.downDependencies.includes(dependency);
  }

  /** What this request suffers: a delay and whether it fails. */
  draw(): { delayMs: number; fail: boolean } {
    const { latencyMs, latencyJitterMs, errorRate } = this.faults;
    return {
      delayMs:
        latencyMs +
        (latencyJitterMs > 0 ? Math.round(this.random() * latencyJitterMs) : 0),
      fail: errorRate > 0 && this.random() < errorRate,
    };
  }
}
