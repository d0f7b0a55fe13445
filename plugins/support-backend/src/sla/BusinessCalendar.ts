import { DateTime } from 'luxon';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** A calendar never looks further than this for the next working minute. */
const MAX_DAYS_SCANNED = 3 * 366;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** When an SLA clock runs. */
export interface BusinessCalendar {
  readonly name: string;
  /** The instant `ms` business milliseconds after `from`. */
  add(from: number, ms: number): number;
  /** Business milliseconds between two instants (0 when `to` is before `from`). */
  between(from: number, to: number): number;
}

/** Every hour of every day: the clock runs as the wall clock does. */
export class AlwaysOpenCalendar implements BusinessCalendar {
  readonly name = '24x7';

  add(from: number, ms: number): number {
    return from + ms;
  }

  between(from: number, to: number): number {
    return Math.max(0, to - from);
  }
}

export interface WorkingHoursOptions {
  name: string;
  /** An IANA time zone, e.g. `Europe/Berlin`. */
  timezone: string;
  days: Weekday[];
  /** `09:00` */
  start: string;
  /** `17:00`, after `start` */
  end: string;
  /** Days off, `YYYY-MM-DD` in the calendar's zone. */
  holidays: string[];
}

function minutesOf(time: string, what: string): number {
  const match = TIME.exec(time);
  if (!match) throw new Error(`${what} must be HH:MM (24 h), not "${time}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * Working hours in a time zone, on some weekdays, without holidays. Instants
 * are epoch milliseconds; the day's window is taken in the zone, so a
 * daylight-saving change moves it with the office's clocks.
 */
export class WorkingHoursCalendar implements BusinessCalendar {
  private constructor(
    readonly name: string,
    private readonly zone: string,
    private readonly days: Set<number>,
    private readonly startMinute: number,
    private readonly endMinute: number,
    private readonly holidays: Set<string>,
  ) {}

  static create(options: WorkingHoursOptions): WorkingHoursCalendar {
    const where = `support.sla.calendars.${options.name}`;
    if (!DateTime.now().setZone(options.timezone).isValid) {
      throw new Error(
        `${where}.timezone "${options.timezone}" is not a time zone`,
      );
    }
    const start = minutesOf(options.start, `${where}.workingHours.start`);
    const end = minutesOf(options.end, `${where}.workingHours.end`);
    if (end <= start) {
      throw new Error(`${where}.workingHours.end must be after its start`);
    }
    const days = new Set<number>();
    for (const day of options.days) {
      const index = WEEKDAYS.indexOf(day);
      if (index < 0) {
        throw new Error(
          `${where}.workingHours.days: "${day}" is not one of ${WEEKDAYS.join(
            ', ',
          )}`,
        );
      }
      days.add(index + 1); // luxon: Monday is 1
    }
    if (days.size === 0) {
      throw new Error(`${where}.workingHours.days must name at least one day`);
    }
    for (const holiday of options.holidays) {
      if (!DateTime.fromISO(holiday, { zone: options.timezone }).isValid) {
        throw new Error(`${where}.holidays: "${holiday}" is not a real date`);
      }
    }
    return new WorkingHoursCalendar(
      options.name,
      options.timezone,
      days,
      start,
      end,
      new Set(options.holidays),
    );
  }

  /** The working window of the day that contains `at`, or undefined on a day off. */
  private windowOf(day: DateTime): { open: number; close: number } | undefined {
    if (!this.days.has(day.weekday) || this.holidays.has(day.toISODate()!)) {
      return undefined;
    }
    const midnight = day.startOf('day');
    return {
      open: midnight.plus({ minutes: this.startMinute }).toMillis(),
      close: midnight.plus({ minutes: this.endMinute }).toMillis(),
    };
  }

  /** Calls `visit` with each working window from the day of `from` on, until it returns false. */
  private eachWindow(
    from: number,
    visit: (open: number, close: number) => boolean,
  ): void {
    let day = DateTime.fromMillis(from, { zone: this.zone }).startOf('day');
    for (let i = 0; i < MAX_DAYS_SCANNED; i++, day = day.plus({ days: 1 })) {
      const window = this.windowOf(day);
      if (window && !visit(window.open, window.close)) return;
    }
    throw new Error(
      `Calendar ${this.name} has no working time within ${MAX_DAYS_SCANNED} days`,
    );
  }

  add(from: number, ms: number): number {
    let left = ms;
    let result = from;
    this.eachWindow(from, (open, close) => {
      const start = Math.max(open, from);
      if (start >= close) return true;
      if (left <= close - start) {
        result = start + left;
        return false;
      }
      left -= close - start;
      return true;
    });
    return result;
  }

  between(from: number, to: number): number {
    if (to <= from) return 0;
    let total = 0;
    this.eachWindow(from, (open, close) => {
      if (open >= to) return false;
      total += Math.max(0, Math.min(close, to) - Math.max(open, from));
      return true;
    });
    return total;
  }
}
