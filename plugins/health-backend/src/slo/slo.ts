import {
  AlertSeverity,
  BURN_RATE_RULES,
  BurnRateRule,
  ErrorBudget,
  HealthObjectives,
  SloFigures,
  SloWindow,
} from '@internal/backstage-plugin-health-common';
import { percentileOf } from './histogram';

const P95 = 0.95;
const PERCENT = 100;

/** Counts of one entity over one window, summed from rollups. */
export interface WindowCounts {
  up: number;
  degraded: number;
  down: number;
  disabled: number;
  latencyMax: number;
  histogram: number[];
}

export const EMPTY_COUNTS: WindowCounts = Object.freeze({
  up: 0,
  degraded: 0,
  down: 0,
  disabled: 0,
  latencyMax: 0,
  histogram: [],
}) as WindowCounts;

/** Probes counted against the SLO: disabled capabilities are not. */
export function countedOf(c: WindowCounts): number {
  return c.up + c.degraded + c.down;
}

/** The window's figures against the objectives. */
export function sloFigures(
  window: SloWindow,
  counts: WindowCounts,
  objectives: HealthObjectives,
): SloFigures {
  const samples = countedOf(counts);
  if (samples === 0) return { window, samples, meets: {} };
  const availability = (counts.up + counts.degraded) / samples;
  const degradedRatio = counts.degraded / samples;
  const p95Ms = percentileOf(counts.histogram, P95, counts.latencyMax);
  return {
    window,
    samples,
    availability,
    degradedRatio,
    p95Ms,
    meets: {
      availability: availability * PERCENT >= objectives.availabilityPercent,
      latency:
        p95Ms === undefined ? undefined : p95Ms <= objectives.latencyP95Ms,
      degraded: degradedRatio * PERCENT <= objectives.degradedPercent,
    },
  };
}

/** The share of failures the availability objective allows (0.001 for 99.9 %). */
export function allowedFailureRatio(objectives: HealthObjectives): number {
  return 1 - objectives.availabilityPercent / PERCENT;
}

/**
 * How fast a window spends the budget: its failure ratio over the allowed
 * one. 1 spends exactly the budget over 30 days; 14.4 spends 2 % in an hour.
 * Zero without samples.
 */
export function burnRate(
  counts: WindowCounts,
  objectives: HealthObjectives,
): number {
  const samples = countedOf(counts);
  if (samples === 0) return 0;
  return counts.down / samples / allowedFailureRatio(objectives);
}

/**
 * The 30-day error budget: the failures the objective allows over the whole
 * window at the probe rate (`windowSamples`, 86,400 probes at one per 30 s),
 * so a young history does not spend the budget of thirty days in minutes.
 */
export function errorBudget(
  counts: WindowCounts,
  objectives: HealthObjectives,
  windowSamples: number,
): ErrorBudget {
  const samples = countedOf(counts);
  if (samples === 0) return { failures: 0 };
  const allowedFailures =
    Math.max(samples, windowSamples) * allowedFailureRatio(objectives);
  return {
    failures: counts.down,
    allowedFailures,
    remaining: 1 - counts.down / allowedFailures,
  };
}

/** A rule's verdict: both windows burn at its factor or faster. */
export interface RuleVerdict {
  rule: BurnRateRule;
  firing: boolean;
  /** The long window's burn rate. */
  burnRate: number;
  shortBurnRate: number;
}

/**
 * Evaluates the SRE workbook's rules: `countsOver(ms)` gives the counts of
 * the last `ms` milliseconds.
 */
export function evaluateBurnRules(
  countsOver: (windowMs: number) => WindowCounts,
  objectives: HealthObjectives,
  rules: readonly BurnRateRule[] = BURN_RATE_RULES,
): RuleVerdict[] {
  return rules.map(rule => {
    const long = burnRate(countsOver(rule.longWindowMs), objectives);
    const short = burnRate(countsOver(rule.shortWindowMs), objectives);
    return {
      rule,
      firing: long >= rule.factor && short >= rule.factor,
      burnRate: long,
      shortBurnRate: short,
    };
  });
}

/** The worst severity firing among verdicts, if any. */
export function worstSeverity(
  verdicts: RuleVerdict[],
): AlertSeverity | undefined {
  if (verdicts.some(v => v.firing && v.rule.severity === 'page')) return 'page';
  if (verdicts.some(v => v.firing)) return 'ticket';
  return undefined;
}
