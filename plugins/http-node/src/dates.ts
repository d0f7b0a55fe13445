import { z } from 'zod/v3';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?([Zz]|[+-](\d{2}):?(\d{2}))$/;
const HOURS_PER_DAY = 24;
const MINUTES_PER_HOUR = 60;
const SECONDS_PER_MINUTE = 60;
const MONTHS_PER_YEAR = 12;

function daysInMonth(year: number, month: number): number {
  // day 0 of the next month is the last day of this one
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isRealDay(year: string, month: string, day: string): boolean {
  const m = Number(month);
  const d = Number(day);
  return (
    m >= 1 &&
    m <= MONTHS_PER_YEAR &&
    d >= 1 &&
    d <= daysInMonth(Number(year), m)
  );
}

/**
 * Whether a string is a calendar date (`2026-11-22`) that exists. `Date.parse`
 * rolls `2026-02-30` over to March 2nd; this refuses it.
 */
export function isRealDate(value: string): boolean {
  const match = DATE.exec(value);
  return !!match && isRealDay(match[1], match[2], match[3]);
}

/**
 * Whether a string is an ISO 8601 date and time with a zone
 * (`2026-11-22T10:00:00Z`, `2026-11-22T10:00+01:00`) whose every part exists.
 */
export function isRealDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [, year, month, day, hour, minute, second, , offH, offM] = match;
  return (
    isRealDay(year, month, day) &&
    Number(hour) < HOURS_PER_DAY &&
    Number(minute) < MINUTES_PER_HOUR &&
    Number(second ?? 0) < SECONDS_PER_MINUTE &&
    (offH === undefined ||
      (Number(offH) < HOURS_PER_DAY && Number(offM) < MINUTES_PER_HOUR))
  );
}

/** Whether a string is a real date or a real date and time (see above). */
export function isRealDateOrDateTime(value: string): boolean {
  return isRealDate(value) || isRealDateTime(value);
}

/**
 * A date (`2026-11-22`) or date and time (`2026-11-22T10:00:00Z`) that exists,
 * as the string given. Impossible dates such as `2026-02-30` are refused with
 * a message that shows the expected form.
 */
export const isoDateOrDateTime = z.string().refine(isRealDateOrDateTime, v => ({
  message: `"${v}" is not a real date or date and time; use ISO 8601 such as 2026-11-22 or 2026-11-22T10:00:00Z`,
}));

/** A date and time with a zone (`2026-11-22T10:00:00Z`) that exists. */
export const isoDateTime = z.string().refine(isRealDateTime, v => ({
  message: `"${v}" is not a real date and time; use ISO 8601 such as 2026-11-22T10:00:00Z`,
}));

/** A calendar date (`2026-11-22`) that exists. */
export const isoDate = z.string().refine(isRealDate, v => ({
  message: `"${v}" is not a real date; use YYYY-MM-DD such as 2026-11-22`,
}));
