import { HumanDuration } from '@backstage/types';

export interface Config {
  support?: {
    /** Days after resolving or closing in which a ticket may be reopened. Default 7. */
    reopenWindowDays?: number;
    /** The queue of tickets whose entity has no owning group. Default group:default/support. */
    defaultQueue?: string;
    sla?: {
      /** The share of a target at which a warning goes out. Default 75. */
      warnAtPercent?: number;
      /** How often the SLA job runs (one replica at a time). Default one minute. */
      checkInterval?: HumanDuration | string;
      /**
       * Business calendars by name; a policy without one runs 24x7.
       * `holidays` are dates (YYYY-MM-DD) in the calendar's time zone.
       */
      calendars?: {
        [name: string]: {
          timezone: string;
          workingHours: {
            /** mon..sun; default mon-fri */
            days?: string[];
            /** HH:MM */
            start: string;
            /** HH:MM */
            end: string;
          };
          holidays?: string[];
        };
      };
      /**
       * Targets per priority (ISO 8601 durations such as PT15M, or duration
       * objects). Absent: P1 15 min / 4 h, P2 1 h / 8 h, P3 4 h / 3 days,
       * P4 1 day / 10 days, all 24x7.
       */
      policies?: {
        [priority: string]: {
          firstResponse?: HumanDuration | string;
          resolution?: HumanDuration | string;
          calendar?: string;
        };
      };
    };
    github?: {
      /** Sync tickets with GitHub issues. Default: on when integrations.github has credentials. */
      enabled?: boolean;
      /** The integrations.github host to use. Default github.com. */
      host?: string;
      /**
       * The secret GitHub signs webhook deliveries with (X-Hub-Signature-256).
       * Without it, webhooks are refused and polling alone keeps the sync.
       * @visibility secret
       */
      webhookSecret?: string;
      /** How often linked issues are polled (with ETags). Default 5 minutes. */
      pollInterval?: HumanDuration | string;
      /** How often changes waiting for GitHub are sent. Default 30 seconds. */
      flushInterval?: HumanDuration | string;
      /** The delay before the first retry after GitHub failed; each next one doubles, up to an hour. Default 30 seconds. */
      retryBackoff?: HumanDuration | string;
    };
    search?: {
      /** How often tickets are indexed for search. Default every 10 minutes. */
      schedule?:
        | HumanDuration
        | {
            frequency: HumanDuration | string;
            timeout: HumanDuration | string;
          };
    };
  };
}
