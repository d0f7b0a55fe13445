import {
  AuditEvent,
  AuditEventFilter,
} from '@internal/backstage-plugin-audit-log-common';
import { AuditStore } from '@internal/backstage-plugin-audit-log-node';
import { metaString, Pairs, personOf } from './collect';

/** The audit store's reads a report needs. */
export type AuditEventSource = Pick<
  AuditStore,
  'iterate' | 'count' | 'query' | 'verify'
>;

export const IMPERSONATION_ACTIONS = [
  'impersonation-start',
  'impersonation-stop',
  'impersonation-expire',
];
const SESSION_TRAFFIC = ['impersonation-request', 'impersonation-write'];
const SESSION_REFUSALS = [
  'impersonation-write-refused',
  'impersonation-token-refused',
];
export const CHANGE_ACTIONS = [
  'change-request-create',
  'change-request-approve',
  'change-request-reject',
  'change-request-cancel',
  'flag-toggle',
  'flag-create',
  'flag-archive',
  'flag-strategy-update',
];
const DSR_ACTIONS = ['subject-export', 'subject-erase'];
const LOG_ACTIONS = [
  'retention-checkpoint',
  'events-export',
  'report-produce',
  'report-download',
];
/** Every action a report section reads, fetched in one pass through the action index. */
export const REPORT_ACTIONS = [
  ...IMPERSONATION_ACTIONS,
  ...SESSION_TRAFFIC,
  ...SESSION_REFUSALS,
  'maintenance-update',
  ...CHANGE_ACTIONS,
  'task',
  ...DSR_ACTIONS,
  ...LOG_ACTIONS,
];

/** Requests made in one impersonation session. */
export interface SessionTraffic {
  requests: number;
  writes: number;
  refusals: number;
}

/** A group of refused or failed events. */
export interface SecurityGroup {
  category: string;
  action: string;
  actor: string;
  ip: string;
  error: string;
  count: number;
  first: string;
  last: string;
}

/** Everything the sections are written from, gathered in three indexed passes over the period. */
export interface ReportData {
  /** Pairs (initiated + outcome) by action. */
  pairs: Map<string, Pairs>;
  sessionTraffic: Map<string, SessionTraffic>;
  /** Refusals of impersonation tokens and writes, as events (few). */
  sessionRefusals: AuditEvent[];
  checkpoints: AuditEvent[];
  /** High and critical events per person. */
  privileged: Map<
    string,
    { high: number; critical: number; actions: Map<string, number> }
  >;
  security: Map<string, SecurityGroup>;
  eventCount: number;
  first?: AuditEvent;
  last?: AuditEvent;
}

const ERROR_CHARS = 160;

/** What kind of refusal a failed event is. */
export function securityCategory(event: AuditEvent): string {
  const error = event.error ?? '';
  if (/token-refused$/.test(event.action) || /^AuthenticationError/.test(error))
    return 'refused token';
  if (event.plugin === 'auth' || /sign-in|login/.test(event.action))
    return 'failed sign-in';
  if (/^NotAllowedError/.test(error) || /-refused$/.test(event.action))
    return 'permission denial';
  return 'other failure';
}

export async function gatherReportData(
  source: AuditEventSource,
  period: { from: Date; to: Date },
): Promise<ReportData> {
  const range: AuditEventFilter = {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
  };
  const data: ReportData = {
    pairs: new Map(),
    sessionTraffic: new Map(),
    sessionRefusals: [],
    checkpoints: [],
    privileged: new Map(),
    security: new Map(),
    eventCount: 0,
  };
  const traffic = (id: string) => {
    const t = data.sessionTraffic.get(id) ?? {
      requests: 0,
      writes: 0,
      refusals: 0,
    };
    data.sessionTraffic.set(id, t);
    return t;
  };

  for await (const page of source.iterate({
    ...range,
    action: REPORT_ACTIONS,
  })) {
    for (const event of page) {
      const sessionId = metaString(event, 'sessionId');
      if (SESSION_TRAFFIC.includes(event.action)) {
        if (sessionId && event.outcome === 'initiated') {
          traffic(sessionId)[
            event.action === 'impersonation-write' ? 'writes' : 'requests'
          ] += 1;
        }
        continue;
      }
      if (SESSION_REFUSALS.includes(event.action)) {
        if (sessionId) traffic(sessionId).refusals += 1;
        data.sessionRefusals.push(event);
        continue;
      }
      if (event.action === 'retention-checkpoint') {
        data.checkpoints.push(event);
        continue;
      }
      if (
        event.action === 'task' &&
        event.plugin === 'scaffolder' &&
        metaString(event, 'actionType') !== 'create'
      ) {
        continue;
      }
      const pairs = data.pairs.get(event.action) ?? new Pairs();
      pairs.add(event);
      data.pairs.set(event.action, pairs);
    }
  }

  for await (const page of source.iterate({
    ...range,
    severity: ['high', 'critical'],
  })) {
    for (const event of page) {
      // one count per action: its first event (initiated, or a refusal recorded alone)
      if (event.correlationId !== event.id) continue;
      const person = personOf(event);
      const entry = data.privileged.get(person) ?? {
        high: 0,
        critical: 0,
        actions: new Map(),
      };
      entry[event.severity === 'critical' ? 'critical' : 'high'] += 1;
      entry.actions.set(
        event.action,
        (entry.actions.get(event.action) ?? 0) + 1,
      );
      data.privileged.set(person, entry);
    }
  }

  for await (const page of source.iterate({ ...range, outcome: ['failed'] })) {
    for (const event of page) {
      const group: Omit<SecurityGroup, 'count' | 'first' | 'last'> = {
        category: securityCategory(event),
        action: event.action,
        actor: personOf(event),
        ip: event.ip ?? '',
        error: (event.error ?? '').slice(0, ERROR_CHARS),
      };
      const key = JSON.stringify(group);
      const entry = data.security.get(key) ?? {
        ...group,
        count: 0,
        first: event.timestamp,
        last: event.timestamp,
      };
      entry.count += 1;
      entry.last = event.timestamp;
      data.security.set(key, entry);
    }
  }

  data.eventCount = await source.count(range);
  if (data.eventCount) {
    [data.last] = await source.query(range, { limit: 1 });
    for await (const page of source.iterate(range, 1)) {
      data.first = page[0];
      break;
    }
  }
  return data;
}
