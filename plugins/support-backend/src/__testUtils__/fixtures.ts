import { ConfigReader } from '@backstage/config';
import { SlaPolicies } from '../sla/SlaPolicies';
import { startClocks } from '../sla/clocks';
import { NewTicket } from '../store/TicketStore';

export const MINUTE = 60_000;
export const T0 = Date.parse('2026-12-01T09:00:00.000Z');

/** P1 15 min / 4 h and P2 1 h / 8 h around the clock; P3 in office hours. */
export const policies = SlaPolicies.fromConfig(
  new ConfigReader({
    support: {
      sla: {
        calendars: {
          office: {
            timezone: 'Europe/Berlin',
            workingHours: { start: '09:00', end: '17:00' },
            holidays: ['2026-12-25'],
          },
        },
        policies: {
          P1: { firstResponse: 'PT15M', resolution: 'PT4H' },
          P2: { firstResponse: 'PT1H', resolution: 'PT8H' },
          P3: { firstResponse: 'PT4H', resolution: 'P3D', calendar: 'office' },
          P4: { resolution: 'P10D' },
        },
      },
    },
  }),
);

export function newTicket(overrides: Partial<NewTicket> = {}): NewTicket {
  const priority = overrides.priority ?? 'P2';
  const createdAt = overrides.createdAt ?? T0;
  return {
    entityRef: 'component:default/stackpro-messaging',
    entityTitle: 'StackPro Messaging',
    queueRef: 'group:default/team-ai',
    type: 'incident',
    priority,
    title: 'Messages arrive twice',
    body: 'Since 09:00 every message is **delivered twice**.',
    labels: ['messaging', 'duplicates'],
    requesterRef: 'user:default/eli.martin',
    createdAt,
    sla: startClocks(
      policies.policyFor(priority),
      policies.warnFraction,
      createdAt,
    ),
    ...overrides,
  };
}
