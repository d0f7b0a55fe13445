import {
  BURN_RATE_RULES,
  DEFAULT_HEALTH_OBJECTIVES,
} from '@internal/backstage-plugin-health-common';
import { percentileOf, bucketOf, HISTOGRAM_BUCKETS } from './histogram';
import {
  burnRate,
  errorBudget,
  evaluateBurnRules,
  sloFigures,
  WindowCounts,
  worstSeverity,
} from './slo';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const objectives = DEFAULT_HEALTH_OBJECTIVES;

function counts(
  up: number,
  down: number,
  degraded = 0,
  latencyMs = 50,
): WindowCounts {
  const histogram = new Array(HISTOGRAM_BUCKETS).fill(0);
  histogram[bucketOf(latencyMs)] = up + degraded;
  return { up, degraded, down, disabled: 0, latencyMax: latencyMs, histogram };
}

describe('SLO figures', () => {
  it('computes availability, degraded ratio and p95 against the objectives', () => {
    const f = sloFigures('24h', counts(9_980, 10, 10, 120), objectives);
    expect(f.samples).toBe(10_000);
    expect(f.availability).toBeCloseTo(0.999);
    expect(f.degradedRatio).toBeCloseTo(0.001);
    expect(f.p95Ms).toBeGreaterThan(100);
    expect(f.p95Ms).toBeLessThanOrEqual(120);
    expect(f.meets).toEqual({
      availability: true,
      latency: true,
      degraded: true,
    });
    const bad = sloFigures('1h', counts(90, 5, 5, 400), objectives);
    expect(bad.meets).toEqual({
      availability: false,
      latency: false,
      degraded: false,
    });
  });

  it('does not count disabled probes, and says nothing without samples', () => {
    expect(
      sloFigures('1h', { ...counts(0, 0), disabled: 100 }, objectives),
    ).toEqual({ window: '1h', samples: 0, meets: {} });
  });

  it('estimates p95 inside the bucket and up to the slowest answer in the open bucket', () => {
    const h = new Array(HISTOGRAM_BUCKETS).fill(0);
    h[bucketOf(40)] = 100; // 25..50 ms
    expect(percentileOf(h, 0.95, 40)).toBe(39);
    const slow = new Array(HISTOGRAM_BUCKETS).fill(0);
    slow[HISTOGRAM_BUCKETS - 1] = 10;
    expect(percentileOf(slow, 0.95, 9_000)).toBeGreaterThan(5_000);
    expect(
      percentileOf(new Array(HISTOGRAM_BUCKETS).fill(0), 0.95, 0),
    ).toBeUndefined();
  });
});

describe('error budget and burn rates (99.9 % over 30 days)', () => {
  it('has the whole budget without failures, half after half of the allowed failures, less than none past them', () => {
    const month = 10_000;
    const left = (up: number, down: number) =>
      errorBudget(counts(up, down), objectives, month).remaining;
    expect(left(10_000, 0)).toBe(1);
    expect(left(9_995, 5)).toBeCloseTo(0.5);
    expect(left(9_980, 20)).toBeCloseTo(-1);
    // a young history: 5 failures in 100 probes spend half a month's budget, not 50 times it
    expect(left(95, 5)).toBeCloseTo(0.5);
  });

  it('burns at 1x when failing exactly at the allowed rate and 14.4x at 1.44 % failures', () => {
    expect(burnRate(counts(999, 1), objectives)).toBeCloseTo(1);
    expect(burnRate(counts(9_856, 144), objectives)).toBeCloseTo(14.4);
  });

  it('pages when both the hour and the five minutes burn at 14.4x, not on the hour alone', () => {
    // a 2 % outage rate for the last hour, and still failing in the last 5 minutes
    const burning = (ms: number) =>
      ms <= HOUR ? counts(98, 2) : counts(9_990, 10);
    const verdicts = evaluateBurnRules(burning, objectives);
    const page1h = verdicts.find(v => v.rule.id === 'page-1h')!;
    expect(page1h.firing).toBe(true);
    expect(page1h.burnRate).toBeCloseTo(20);
    expect(worstSeverity(verdicts)).toBe('page');
    // the hour burned but the last 5 minutes are clean: the outage is over, no page
    const recovered = (ms: number) => {
      if (ms <= 5 * MINUTE) return counts(10, 0);
      if (ms <= HOUR) return counts(98, 2);
      return counts(9_990, 10);
    };
    expect(
      evaluateBurnRules(recovered, objectives).find(
        v => v.rule.id === 'page-1h',
      )!.firing,
    ).toBe(false);
  });

  it('pages at 6x over 6 hours confirmed over 30 minutes, and opens tickets at 3x a day and 1x over 3 days', () => {
    const rate = (failures: number) => counts(10_000 - failures, failures);
    const at = (f6h: number, f1d: number, f3d: number) => (ms: number) => {
      if (ms <= 6 * HOUR) return rate(f6h);
      if (ms <= 24 * HOUR) return rate(f1d);
      return rate(f3d);
    };
    const fire = (v: ReturnType<typeof evaluateBurnRules>) =>
      v.filter(x => x.firing).map(x => x.rule.id);
    // 0.7 % failing everywhere: 7x, above 6, 3 and 1, below 14.4
    expect(fire(evaluateBurnRules(at(70, 70, 70), objectives))).toEqual([
      'page-6h',
      'ticket-1d',
      'ticket-3d',
    ]);
    // 0.4 % in the last day (4x), 0.15 % over 3 days: tickets only
    expect(fire(evaluateBurnRules(at(40, 40, 15), objectives))).toEqual([
      'ticket-1d',
      'ticket-3d',
    ]);
    // 0.12 % over 3 days but clean for 6 hours: the short window does not confirm
    expect(fire(evaluateBurnRules(at(0, 12, 12), objectives))).toEqual([]);
  });

  it("uses the workbook's factors and windows", () => {
    expect(
      BURN_RATE_RULES.map(r => [
        r.id,
        r.factor,
        r.longWindowMs / MINUTE,
        r.shortWindowMs / MINUTE,
      ]),
    ).toEqual([
      ['page-1h', 14.4, 60, 5],
      ['page-6h', 6, 360, 30],
      ['ticket-1d', 3, 1440, 120],
      ['ticket-3d', 1, 4320, 360],
    ]);
  });
});
