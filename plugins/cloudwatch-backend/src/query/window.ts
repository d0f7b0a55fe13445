import { InputError } from '@backstage/errors';
import {
  METRIC_RANGES,
  MetricRange,
  QueryWindow,
} from '@internal/backstage-plugin-cloudwatch-common';

const SECOND_MS = 1000;
const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * CloudWatch's retention of standard-resolution data: 1-minute points for
 * 15 days, 5-minute points for 63 days, 1-hour points for 455 days.
 */
export const RETENTION = [
  { maxAgeSeconds: 15 * DAY, minPeriodSeconds: MINUTE, keptAs: '1-minute' },
  { maxAgeSeconds: 63 * DAY, minPeriodSeconds: 5 * MINUTE, keptAs: '5-minute' },
  { maxAgeSeconds: 455 * DAY, minPeriodSeconds: HOUR, keptAs: '1-hour' },
] as const;

/** What one `GetMetricData` call may ask for. */
export const GET_METRIC_DATA_LIMITS = {
  queriesPerCall: 500,
  dataPointsPerCall: 100_800,
} as const;

/** Points per series a chart is drawn with at most. */
export const MAX_POINTS_PER_SERIES = 1440;

/** Periods a view is drawn with (multiples of 60 s, as standard resolution needs). */
const PERIODS = [
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
];

const describePeriod = (seconds: number) =>
  seconds % HOUR === 0
    ? `${seconds / HOUR}-hour`
    : `${seconds / MINUTE}-minute`;

function retentionReason(retention: (typeof RETENTION)[number]): string {
  const index = RETENTION.indexOf(retention);
  if (index === 0) return 'the finest standard resolution';
  const youngerThan = RETENTION[index - 1].maxAgeSeconds / DAY;
  return `CloudWatch keeps data older than ${youngerThan} days as ${retention.keptAs} points`;
}

export interface WindowRequest {
  range: MetricRange;
  /** End of the window; default now. */
  end?: Date;
  now: Date;
  /** Series the view asks for at this period (for the data-point limit). */
  seriesCount: number;
}

/**
 * The window and period of a view: the finest period that draws the range in
 * at most 1,440 points, no finer than CloudWatch still keeps for the oldest
 * point of the window, and coarse enough that all series fit in one call's
 * 100,800 data points. Start and end are aligned to the period, so that two
 * people opening the same view within a period ask the same question (and
 * share the cache).
 */
export function planWindow(request: WindowRequest): QueryWindow {
  const rangeSeconds = METRIC_RANGES[request.range];
  const nowMs = request.now.getTime();
  const endMs = request.end?.getTime() ?? nowMs;
  if (endMs > nowMs + MINUTE * SECOND_MS) {
    throw new InputError(
      `end ${new Date(
        endMs,
      ).toISOString()} is in the future; CloudWatch has no data there yet`,
    );
  }
  const startMs = endMs - rangeSeconds * SECOND_MS;
  // the oldest point asked for, once aligned, may be up to a period older
  const oldestAgeSeconds = (nowMs - startMs) / SECOND_MS + MINUTE;
  const retention = RETENTION.find(r => oldestAgeSeconds <= r.maxAgeSeconds);
  if (!retention) {
    throw new InputError(
      `the window starts ${Math.ceil(
        oldestAgeSeconds / DAY,
      )} days ago; CloudWatch keeps data for 455 days at most`,
    );
  }

  const candidates: Array<{ seconds: number; reason: string }> = [
    {
      seconds: retention.minPeriodSeconds,
      reason: retentionReason(retention),
    },
    {
      seconds: Math.ceil(rangeSeconds / MAX_POINTS_PER_SERIES),
      reason: `${request.range} drawn in at most ${MAX_POINTS_PER_SERIES} points`,
    },
    {
      seconds: Math.ceil(
        (rangeSeconds * Math.max(1, request.seriesCount)) /
          GET_METRIC_DATA_LIMITS.dataPointsPerCall,
      ),
      reason: `${request.seriesCount} series fit in one call's ${GET_METRIC_DATA_LIMITS.dataPointsPerCall} data points`,
    },
  ];
  const binding = candidates.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const periodSeconds =
    PERIODS.find(p => p >= binding.seconds) ?? PERIODS[PERIODS.length - 1];
  const periodMs = periodSeconds * SECOND_MS;
  // every period divides every range: the aligned window is the range long
  const alignedEnd = Math.ceil(endMs / periodMs) * periodMs;
  const alignedStart = alignedEnd - rangeSeconds * SECOND_MS;
  return {
    range: request.range,
    start: new Date(alignedStart).toISOString(),
    end: new Date(alignedEnd).toISOString(),
    periodSeconds,
    periodReason: `${describePeriod(periodSeconds)} points: ${binding.reason}`,
  };
}

/** The length of a window in whole minutes, as a period covering all of it. */
export function wholeWindowPeriod(window: QueryWindow): number {
  const seconds =
    (Date.parse(window.end) - Date.parse(window.start)) / SECOND_MS;
  return Math.max(MINUTE, Math.ceil(seconds / MINUTE) * MINUTE);
}
