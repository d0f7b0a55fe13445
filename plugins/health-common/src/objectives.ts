/** Annotation overriding the availability objective, in percent (`99.5`). */
export const AVAILABILITY_OBJECTIVE_ANNOTATION =
  'stackportal.io/slo-availability';
/** Annotation overriding the p95 latency objective, in milliseconds (`300`). */
export const LATENCY_OBJECTIVE_ANNOTATION = 'stackportal.io/slo-latency-p95-ms';
/** Annotation overriding the degraded-ratio objective, in percent (`2`). */
export const DEGRADED_OBJECTIVE_ANNOTATION = 'stackportal.io/slo-degraded';

/** What an entity promises. */
export interface HealthObjectives {
  /** Share of probes that must answer (up or degraded), in percent: 99.9. */
  availabilityPercent: number;
  /** The p95 latency must stay under this many milliseconds: 200. */
  latencyP95Ms: number;
  /** The share of degraded answers must stay under this, in percent: 1. */
  degradedPercent: number;
}

/**
 * StackPro's success metrics (seed 002): 99.9 % uptime, P95 < 200 ms, < 1 %
 * degraded. The portal's defaults when `health.objectives` does not set others.
 */
export const DEFAULT_HEALTH_OBJECTIVES: HealthObjectives = Object.freeze({
  availabilityPercent: 99.9,
  latencyP95Ms: 200,
  degradedPercent: 1,
});

/** The windows SLOs are computed over. */
export const SLO_WINDOWS = ['1h', '24h', '7d', '30d'] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Each window's length in milliseconds. */
export const SLO_WINDOW_MS: Record<SloWindow, number> = {
  '1h': HOUR_MS,
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
};

/** The period the error budget is counted over (the SRE workbook's 30 days). */
export const BUDGET_WINDOW: SloWindow = '30d';

/** An alert's severity: a page wakes someone, a ticket waits for working hours. */
export type AlertSeverity = 'page' | 'ticket';

/** A multi-window burn-rate rule: both windows burn at `factor` or faster. */
export interface BurnRateRule {
  id: string;
  severity: AlertSeverity;
  factor: number;
  longWindowMs: number;
  shortWindowMs: number;
}

/**
 * The SRE workbook's multi-window, multi-burn-rate alerts for a 30-day
 * objective (chapter 5, table 5-8): 2 % of the budget in an hour and 5 % in
 * six hours page; 10 % in a day and 10 % in three days open a ticket.
 */
export const BURN_RATE_RULES: readonly BurnRateRule[] = Object.freeze([
  {
    id: 'page-1h',
    severity: 'page',
    factor: 14.4,
    longWindowMs: HOUR_MS,
    shortWindowMs: 5 * MINUTE_MS,
  },
  {
    id: 'page-6h',
    severity: 'page',
    factor: 6,
    longWindowMs: 6 * HOUR_MS,
    shortWindowMs: 30 * MINUTE_MS,
  },
  {
    id: 'ticket-1d',
    severity: 'ticket',
    factor: 3,
    longWindowMs: DAY_MS,
    shortWindowMs: 2 * HOUR_MS,
  },
  {
    id: 'ticket-3d',
    severity: 'ticket',
    factor: 1,
    longWindowMs: 3 * DAY_MS,
    shortWindowMs: 6 * HOUR_MS,
  },
]);

/** A problem with an objective annotation, shown on the entity. */
export interface ObjectiveProblem {
  annotation: string;
  message: string;
}

function readPercent(
  value: string | undefined,
  annotation: string,
  problems: ObjectiveProblem[],
  range: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim().replace(/%$/, '');
  const n = Number(trimmed);
  if (
    trimmed === '' ||
    !Number.isFinite(n) ||
    n <= range.min ||
    n > range.max
  ) {
    problems.push({
      annotation,
      message: `"${value}" is not a number above ${range.min} and at most ${range.max}`,
    });
    return undefined;
  }
  return n;
}

/**
 * An entity's objectives: its annotations over the defaults. A bad
 * annotation is reported and its default kept, never an error.
 */
export function objectivesOf(
  annotations: Record<string, string> | undefined,
  defaults: HealthObjectives = DEFAULT_HEALTH_OBJECTIVES,
): { objectives: HealthObjectives; problems: ObjectiveProblem[] } {
  const problems: ObjectiveProblem[] = [];
  const a = annotations ?? {};
  const availability = readPercent(
    a[AVAILABILITY_OBJECTIVE_ANNOTATION],
    AVAILABILITY_OBJECTIVE_ANNOTATION,
    problems,
    { min: 0, max: 99.9999 },
  );
  const latency = readPercent(
    a[LATENCY_OBJECTIVE_ANNOTATION],
    LATENCY_OBJECTIVE_ANNOTATION,
    problems,
    { min: 0, max: 600_000 },
  );
  const degraded = readPercent(
    a[DEGRADED_OBJECTIVE_ANNOTATION],
    DEGRADED_OBJECTIVE_ANNOTATION,
    problems,
    { min: 0, max: 100 },
  );
  return {
    objectives: {
      availabilityPercent: availability ?? defaults.availabilityPercent,
      latencyP95Ms: latency ?? defaults.latencyP95Ms,
      degradedPercent: degraded ?? defaults.degradedPercent,
    },
    problems,
  };
}
