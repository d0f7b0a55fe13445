import {
  BURN_RATE_RULES,
  HealthObjectives,
  objectivesOf,
  SLO_WINDOW_MS,
  SLO_WINDOWS,
  SloWindow,
  UptimeDay,
  decodeUptime,
  EncodedUptime,
  encodeUptime,
} from '@internal/backstage-plugin-health-common';
import {
  RESOLUTION_MS,
  HealthStore,
  Resolution,
  SloRecord,
} from '../store/HealthStore';
import {
  EMPTY_COUNTS,
  errorBudget,
  evaluateBurnRules,
  RuleVerdict,
  sloFigures,
  WindowCounts,
} from '../slo/slo';
import { maximumMatters } from '../slo/histogram';

/** Days in the uptime strip of the Health page. */
export const UPTIME_DAYS = 90;
const DAY_MS = RESOLUTION_MS.d;
const HOUR_MS = RESOLUTION_MS.h;
const P95 = 0.95;

/**
 * The resolution a window is summed at: windows up to two hours in whole
 * minutes, up to seven days in whole hours, longer ones in whole days (the
 * current, partial bucket included).
 */
export function resolutionFor(windowMs: number): Resolution {
  if (windowMs <= 2 * HOUR_MS) return 'm';
  if (windowMs <= 7 * DAY_MS) return 'h';
  return 'd';
}

/** The first bucket start a window of `windowMs` ending at `now` sums. */
export function windowStart(now: number, windowMs: number): number {
  const size = RESOLUTION_MS[resolutionFor(windowMs)];
  return Math.floor((now - windowMs) / size) * size + size;
}

export interface EntityEvaluation {
  record: SloRecord;
  verdicts: RuleVerdict[];
}

function dayString(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * SLOs, error budgets and burn rates of every probed entity, from the
 * rollups' running totals: one query per window length (two index look-ups
 * per entity, whatever the window's length), then arithmetic per entity.
 */
export class SloEvaluator {
  private constructor(
    private readonly store: HealthStore,
    private readonly defaults: HealthObjectives,
    private readonly intervalMs: number,
  ) {}

  static create(options: {
    store: HealthStore;
    defaults: HealthObjectives;
    /** Time between two probes of an endpoint: it sets the budget's size. */
    intervalMs: number;
  }) {
    return new SloEvaluator(
      options.store,
      options.defaults,
      options.intervalMs,
    );
  }

  objectivesOf(annotations: Record<string, string>): HealthObjectives {
    return objectivesOf(annotations, this.defaults).objectives;
  }

  async evaluate(
    entities: Array<{ entityRef: string; annotations: Record<string, string> }>,
    now: number,
  ): Promise<EntityEvaluation[]> {
    const counts = await this.windowCounts(now);
    const uptime = await this.uptimeStrips(
      entities.map(e => e.entityRef),
      now,
    );
    return entities.map(({ entityRef, annotations }) => {
      const objectives = this.objectivesOf(annotations);
      const over = (ms: number) =>
        counts.get(ms)?.get(entityRef) ?? EMPTY_COUNTS;
      const figures = SLO_WINDOWS.map((w: SloWindow) =>
        sloFigures(w, over(SLO_WINDOW_MS[w]), objectives),
      );
      const day = figures.find(f => f.window === '24h')!;
      const month = figures.find(f => f.window === '30d')!;
      return {
        record: {
          entityRef,
          computedAt: now,
          figures,
          budget: errorBudget(
            over(SLO_WINDOW_MS['30d']),
            objectives,
            SLO_WINDOW_MS['30d'] / this.intervalMs,
          ),
          uptime: uptime.get(entityRef) ?? emptyStrip(now),
          p95Ms24h: day.p95Ms,
          degraded24h: day.degradedRatio,
          availability30d: month.availability,
        },
        verdicts: evaluateBurnRules(over, objectives),
      };
    });
  }

  /**
   * Every window's counts by length, then entity: one read per resolution,
   * and the slowest answers of the SLO windows whose p95 needs them.
   */
  private async windowCounts(
    now: number,
  ): Promise<Map<number, Map<string, WindowCounts>>> {
    const lengths = new Set<number>([
      ...SLO_WINDOWS.map(w => SLO_WINDOW_MS[w]),
      ...BURN_RATE_RULES.flatMap(r => [r.longWindowMs, r.shortWindowMs]),
    ]);
    const sloLengths = new Set(SLO_WINDOWS.map(w => SLO_WINDOW_MS[w]));
    const byResolution = new Map<Resolution, number[]>();
    for (const ms of lengths) {
      const r = resolutionFor(ms);
      byResolution.set(r, [...(byResolution.get(r) ?? []), ms]);
    }
    const counts = new Map<number, Map<string, WindowCounts>>();
    await Promise.all(
      [...byResolution].map(async ([resolution, windows]) => {
        const sums = await this.store.windowCounts(
          resolution,
          windows.map(ms => ({
            start: windowStart(now, ms),
            // p95 is figured for the SLO windows only
            histogram: sloLengths.has(ms),
          })),
        );
        for (const ms of windows) {
          counts.set(ms, sums.get(windowStart(now, ms)) ?? new Map());
        }
      }),
    );
    await Promise.all(
      [...sloLengths].map(async ms => {
        const windowCounts = counts.get(ms)!;
        const refs = [...windowCounts]
          .filter(([, c]) => maximumMatters(c.histogram, P95))
          .map(([ref]) => ref);
        if (!refs.length) return;
        const maxima = await this.store.latencyMaxSince(
          resolutionFor(ms),
          windowStart(now, ms),
          refs,
        );
        for (const ref of refs) {
          windowCounts.get(ref)!.latencyMax = maxima.get(ref) ?? 0;
        }
      }),
    );
    return counts;
  }

  /**
   * The 90-day strips. A day's counts are final once it is over, so a strip
   * computed earlier the same day is kept and only today is read again; on
   * a new day, and for a new entity, the 90 days are read.
   */
  private async uptimeStrips(
    refs: string[],
    now: number,
  ): Promise<Map<string, EncodedUptime>> {
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const first = today - (UPTIME_DAYS - 1) * DAY_MS;
    const previous = await this.store.readUptime();
    const strips = new Map<string, UptimeDay[]>();
    const fresh: string[] = [];
    for (const ref of refs) {
      const before = previous.get(ref);
      if (
        before?.from === dayString(first) &&
        before.days.length === UPTIME_DAYS
      ) {
        strips.set(ref, decodeUptime(before));
      } else {
        strips.set(ref, emptyDays(now));
        fresh.push(ref);
      }
    }
    const rows = [
      ...(strips.size > fresh.length ? await this.store.daysSince(today) : []),
      ...(fresh.length ? await this.store.daysSince(first, fresh) : []),
    ];
    for (const d of rows) {
      const strip = strips.get(d.entityRef);
      const index = Math.round((d.day - first) / DAY_MS);
      if (!strip || index < 0 || index >= UPTIME_DAYS) continue;
      const counted = d.up + d.degraded + d.down;
      strip[index] =
        counted === 0
          ? { day: strip[index].day, degraded: false }
          : {
              day: strip[index].day,
              availability: (d.up + d.degraded) / counted,
              degraded: d.degraded > 0,
            };
    }
    return new Map([...strips].map(([ref, days]) => [ref, encodeUptime(days)]));
  }
}

function emptyDays(now: number): UptimeDay[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return Array.from({ length: UPTIME_DAYS }, (_, i) => ({
    day: dayString(today - (UPTIME_DAYS - 1 - i) * DAY_MS),
    degraded: false,
  }));
}

/** Ninety days with nothing probed, oldest first. */
export function emptyStrip(now: number): EncodedUptime {
  return encodeUptime(emptyDays(now));
}
