import type { UptimeDay } from './types';

/**
 * The uptime strip as the API sends it: a few hundred bytes for ninety days
 * instead of an object per day. `decodeUptime` gives the days back.
 */
export interface EncodedUptime {
  /** The first day, YYYY-MM-DD (UTC); the strip has one day after another from it. */
  from: string;
  /**
   * One character per day, oldest first: `-` nothing probed, `u` every
   * counted probe answered, `d` every one answered and some were degraded,
   * `p` some failed, `x` some failed and some were degraded.
   */
  days: string;
  /** The availability (0..1) of each `p` and `x` day, in order, rounded down to 6 decimals. */
  partial: number[];
}

const DAY_MS = 86_400_000;
const DECIMALS = 1e6;
const NOT_PROBED = '-';
const FULL = 'u';
const FULL_DEGRADED = 'd';
const PARTIAL = 'p';
const PARTIAL_DEGRADED = 'x';

function stateOf(day: UptimeDay): string {
  if (day.availability === undefined) return NOT_PROBED;
  if (day.availability >= 1) return day.degraded ? FULL_DEGRADED : FULL;
  return day.degraded ? PARTIAL_DEGRADED : PARTIAL;
}

/** Days (one after another, oldest first) as the API sends them. */
export function encodeUptime(days: UptimeDay[]): EncodedUptime {
  const partial: number[] = [];
  let states = '';
  for (const day of days) {
    const state = stateOf(day);
    states += state;
    if (state === PARTIAL || state === PARTIAL_DEGRADED) {
      // rounded down, so that a day that lost one probe in a million is not drawn full
      partial.push(Math.floor(day.availability! * DECIMALS) / DECIMALS);
    }
  }
  return { from: days[0]?.day ?? '', days: states, partial };
}

/** The days of an encoded strip, oldest first. */
export function decodeUptime(strip: EncodedUptime): UptimeDay[] {
  const first = Date.parse(`${strip.from}T00:00:00Z`);
  let next = 0;
  return [...strip.days].map((state, i) => {
    const day = new Date(first + i * DAY_MS).toISOString().slice(0, 10);
    switch (state) {
      case FULL:
        return { day, availability: 1, degraded: false };
      case FULL_DEGRADED:
        return { day, availability: 1, degraded: true };
      case PARTIAL:
      case PARTIAL_DEGRADED:
        return {
          day,
          availability: strip.partial[next++] ?? 0,
          degraded: state === PARTIAL_DEGRADED,
        };
      default:
        return { day, degraded: false };
    }
  });
}
