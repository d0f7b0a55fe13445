import { InputError } from '@backstage/errors';
import { ReportPeriodPreset } from '@internal/backstage-plugin-audit-log-common';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Clocks of replicas and browsers differ a little: a period may end this far ahead. */
const CLOCK_SKEW_MS = 60_000;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export interface ReportPeriod {
  from: Date;
  /** Exclusive. */
  to: Date;
  label: string;
}

const monthStart = (year: number, month: number) =>
  new Date(Date.UTC(year, month, 1));
const day = (d: Date) => d.toISOString().slice(0, 10);

/** A month (0-11) of a year, or a quarter when `months` is 3; cut at `now` when it has not ended. */
function calendarPeriod(
  year: number,
  month: number,
  months: 1 | 3,
  now: Date,
): ReportPeriod {
  const from = monthStart(year, month);
  const end = monthStart(year, month + months);
  const name =
    months === 3
      ? `Q${Math.floor(month / 3) + 1} ${year}`
      : `${MONTHS[month]} ${year}`;
  if (end.getTime() <= now.getTime()) return { from, to: end, label: name };
  return {
    from,
    to: now,
    label: `${name}, to ${now
      .toISOString()
      .slice(0, 16)
      .replace('T', ' ')} UTC`,
  };
}

/** The period a preset names at `now` (UTC calendar months and quarters). */
export function presetPeriod(
  preset: ReportPeriodPreset,
  now: Date,
): ReportPeriod {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const quarterMonth = month - (month % 3);
  switch (preset) {
    case 'this-month':
      return calendarPeriod(year, month, 1, now);
    case 'last-month':
      return calendarPeriod(
        month === 0 ? year - 1 : year,
        (month + 11) % 12,
        1,
        now,
      );
    case 'this-quarter':
      return calendarPeriod(year, quarterMonth, 3, now);
    case 'last-quarter':
      return calendarPeriod(
        quarterMonth === 0 ? year - 1 : year,
        (quarterMonth + 9) % 12,
        3,
        now,
      );
    default:
      throw new InputError(`Unknown period "${preset}"`);
  }
}

/** The last whole month or quarter before `now`: what a scheduled report covers. */
export function previousPeriod(
  every: 'month' | 'quarter',
  now: Date,
): ReportPeriod {
  return presetPeriod(every === 'month' ? 'last-month' : 'last-quarter', now);
}

/** `2026-10-01` or a full ISO time, checked to be a real date (not 2026-02-30). */
export function parseDate(value: string, name: string): Date {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(
      value,
    );
  const date = new Date(m && !m[4] ? `${value}T00:00:00Z` : value);
  if (!m || Number.isNaN(date.getTime())) {
    throw new InputError(
      `${name} must be a date (2026-10-01) or an ISO time, not "${value}"`,
    );
  }
  const [, y, mo, d] = m.map(Number);
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new InputError(
      `${name}: ${value.slice(0, 10)} is not a day of the calendar`,
    );
  }
  return date;
}

/** A period given by dates, checked: not empty, not reversed, not in the future, within retention. */
export function checkedPeriod(
  from: Date,
  to: Date,
  now: Date,
  retentionDays: number,
): ReportPeriod {
  if (to.getTime() === from.getTime()) {
    throw new InputError(
      `The period is empty: it starts and ends at ${from.toISOString()}; "to" is exclusive, so end it a day later at least`,
    );
  }
  if (to.getTime() < from.getTime()) {
    throw new InputError(
      `The period is reversed: from ${from.toISOString()} is after to ${to.toISOString()}`,
    );
  }
  if (from.getTime() > now.getTime()) {
    throw new InputError(
      `The period starts in the future (${from.toISOString()}); a report can only cover what has happened`,
    );
  }
  if (to.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw new InputError(
      `The period ends in the future (${to.toISOString()}); end it now or earlier, or use "this month" / "this quarter" for a period to date`,
    );
  }
  const days = (to.getTime() - from.getTime()) / DAY_MS;
  if (days > retentionDays) {
    throw new InputError(
      `The period is ${Math.ceil(
        days,
      )} days long, longer than the ${retentionDays} days the audit log keeps (auditLog.retentionDays); choose a shorter period`,
    );
  }
  const label =
    from.getTime() % DAY_MS === 0 && to.getTime() % DAY_MS === 0
      ? `${day(from)} to ${day(new Date(to.getTime() - DAY_MS))}`
      : `${from.toISOString()} to ${to.toISOString()}`;
  return { from, to: new Date(Math.min(to.getTime(), now.getTime())), label };
}
