import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  PRIORITIES,
  Priority,
  SupportSettings,
} from '@internal/backstage-plugin-support-common';
import {
  AlwaysOpenCalendar,
  BusinessCalendar,
  Weekday,
  WorkingHoursCalendar,
} from './BusinessCalendar';

const MINUTE = 60_000;
const DEFAULT_WARN_PERCENT = 75;

/** A priority's targets, in business milliseconds of its calendar. */
export interface SlaPolicy {
  priority: Priority;
  firstResponseMs?: number;
  resolutionMs?: number;
  calendar: BusinessCalendar;
}

/** The defaults when `support.sla.policies` is absent (P1 15 min / 4 h ...). */
const DEFAULT_POLICIES: Record<
  Priority,
  { response: number; resolution: number }
> = {
  P1: { response: 15 * MINUTE, resolution: 4 * 60 * MINUTE },
  P2: { response: 60 * MINUTE, resolution: 8 * 60 * MINUTE },
  P3: { response: 4 * 60 * MINUTE, resolution: 3 * 24 * 60 * MINUTE },
  P4: { response: 24 * 60 * MINUTE, resolution: 10 * 24 * 60 * MINUTE },
};

function durationMs(config: Config, key: string): number | undefined {
  if (!config.has(key)) return undefined;
  const ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!(ms > 0))
    throw new Error(`support.sla.policies: ${key} must be positive`);
  return ms;
}

/** The SLA policies per priority and their calendars, from `support.sla`. */
export class SlaPolicies {
  private constructor(
    private readonly policies: Map<Priority, SlaPolicy>,
    /** The point of a target at which a warning goes out, 0..1. */
    readonly warnFraction: number,
  ) {}

  static fromConfig(config: Config): SlaPolicies {
    const sla = config.getOptionalConfig('support.sla');
    const calendars = new Map<string, BusinessCalendar>([
      ['24x7', new AlwaysOpenCalendar()],
    ]);
    const calendarsConfig = sla?.getOptionalConfig('calendars');
    for (const name of calendarsConfig?.keys() ?? []) {
      const c = calendarsConfig!.getConfig(name);
      calendars.set(
        name,
        WorkingHoursCalendar.create({
          name,
          timezone: c.getString('timezone'),
          days: (c.getOptionalStringArray('workingHours.days') ?? [
            'mon',
            'tue',
            'wed',
            'thu',
            'fri',
          ]) as Weekday[],
          start: c.getString('workingHours.start'),
          end: c.getString('workingHours.end'),
          holidays: c.getOptionalStringArray('holidays') ?? [],
        }),
      );
    }
    const policies = new Map<Priority, SlaPolicy>();
    const policiesConfig = sla?.getOptionalConfig('policies');
    for (const key of policiesConfig?.keys() ?? []) {
      if (!PRIORITIES.includes(key as Priority)) {
        throw new Error(
          `support.sla.policies.${key} is not a priority; use ${PRIORITIES.join(
            ', ',
          )}`,
        );
      }
    }
    for (const priority of PRIORITIES) {
      const p = policiesConfig?.getOptionalConfig(priority);
      const calendarName = p?.getOptionalString('calendar') ?? '24x7';
      const calendar = calendars.get(calendarName);
      if (!calendar) {
        throw new Error(
          `support.sla.policies.${priority}.calendar "${calendarName}" is not a calendar under support.sla.calendars`,
        );
      }
      policies.set(priority, {
        priority,
        calendar,
        firstResponseMs: policiesConfig
          ? p && durationMs(p, 'firstResponse')
          : DEFAULT_POLICIES[priority].response,
        resolutionMs: policiesConfig
          ? p && durationMs(p, 'resolution')
          : DEFAULT_POLICIES[priority].resolution,
      });
    }
    const percent =
      sla?.getOptionalNumber('warnAtPercent') ?? DEFAULT_WARN_PERCENT;
    if (!(percent > 0 && percent < 100)) {
      throw new Error('support.sla.warnAtPercent must be between 0 and 100');
    }
    return new SlaPolicies(policies, percent / 100);
  }

  policyFor(priority: Priority): SlaPolicy {
    return this.policies.get(priority)!;
  }

  /** The policies as the settings route shows them. */
  describe(): SupportSettings['policies'] {
    return PRIORITIES.map(priority => {
      const p = this.policyFor(priority);
      return {
        priority,
        firstResponseMinutes: p.firstResponseMs && p.firstResponseMs / MINUTE,
        resolutionMinutes: p.resolutionMs && p.resolutionMs / MINUTE,
        calendar: p.calendar.name,
      };
    });
  }
}
