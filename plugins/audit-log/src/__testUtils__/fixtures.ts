import { mockApis, MockWithApiFactory } from '@backstage/frontend-test-utils';
import type { PermissionApi } from '@backstage/plugin-permission-react';
// A type only: this package does not depend on permission-common at run time.
import type { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  auditLogEventReadPermission,
  AuditEvent,
  AuditSigningKey,
  ChainVerification,
  DailyActivity,
  ExportManifest,
} from '@internal/backstage-plugin-audit-log-common';
import { http, HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';
import { AuditLogClient } from '../api';

/** Where the test client finds the audit log backend. */
export const AUDIT_URL = 'http://backstage.test/api/audit-log';

/** A real client pointed at {@link AUDIT_URL}. */
export const testAuditLogClient = () =>
  new AuditLogClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
    fetchApi: mockApis.fetch(),
  });

const hash = (n: number) => n.toString(16).padStart(64, '0');

const event = (
  seq: number,
  fields: Partial<AuditEvent> & Pick<AuditEvent, 'action' | 'plugin'>,
): AuditEvent => ({
  id: `01JEVENT${String(seq).padStart(4, '0')}`,
  seq,
  timestamp: `2026-11-22T1${seq % 10}:00:00.000Z`,
  actor: { type: 'user', ref: 'user:default/priya.nair' },
  severity: 'medium',
  outcome: 'succeeded',
  metaTruncated: false,
  correlationId: `01JEVENT${String(seq).padStart(4, '0')}`,
  prevHash: hash(seq - 1),
  hash: hash(seq),
  ...fields,
});

/** An admin deleting an entity while impersonating Eli. */
export const impersonatedDelete = event(5, {
  action: 'entity-delete',
  plugin: 'catalog',
  severity: 'high',
  actor: { type: 'user', ref: 'user:default/eli.martin' },
  realActor: { type: 'user', ref: 'user:default/amara.okafor' },
  ip: '10.20.30.40',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
  request: { method: 'DELETE', path: '/api/catalog/entities/by-uid/42' },
  target: 'component:default/payments-api',
  correlationId: '01JEVENT0004',
  meta: { reason: 'decommissioned' },
});

export const failedFlagToggle = event(4, {
  action: 'flag-toggle',
  plugin: 'flags',
  severity: 'critical',
  outcome: 'failed',
  error: 'Unleash answered 503',
  actor: { type: 'user', ref: 'user:default/chen.wei' },
  target: 'flag:checkout-v2',
});

export const serviceRefresh = event(3, {
  action: 'entity-refresh',
  plugin: 'catalog',
  severity: 'low',
  actor: { type: 'service', ref: 'plugin:scaffolder' },
  target: 'component:default/payments-api',
});

export const erasedLogin = event(2, {
  action: 'permission-change',
  plugin: 'permission',
  severity: 'high',
  actor: { type: 'user', subjectId: 'subj-7f3a', erased: true },
  target: 'group:default/compliance',
});

export const firstEvent = event(1, {
  action: 'config-read',
  plugin: 'app',
  severity: 'low',
  outcome: 'initiated',
  actor: { type: 'none' },
});

/** Newest first, as the backend answers. */
export const allEvents = [
  impersonatedDelete,
  failedFlagToggle,
  serviceRefresh,
  erasedLogin,
  firstEvent,
];

const listOf = (query: URLSearchParams, key: string) =>
  query
    .getAll(key)
    .flatMap(v => v.split(','))
    .filter(Boolean);

/** The backend's filtering, enough for the tests. */
export function matches(e: AuditEvent, query: URLSearchParams): boolean {
  const actor = query.get('actor');
  if (actor && e.actor.ref !== actor && e.realActor?.ref !== actor) {
    return false;
  }
  for (const key of ['action', 'plugin', 'severity', 'outcome'] as const) {
    const wanted = listOf(query, key);
    if (wanted.length && !wanted.includes(e[key])) return false;
  }
  const target = query.get('target');
  if (target && e.target !== target) return false;
  const q = query.get('q')?.toLowerCase();
  if (
    q &&
    ![e.action, e.target, e.error, JSON.stringify(e.meta ?? {})].some(v =>
      v?.toLowerCase().includes(q),
    )
  ) {
    return false;
  }
  const from = query.get('from');
  if (from && e.timestamp < from) return false;
  const to = query.get('to');
  if (to && e.timestamp >= to) return false;
  return true;
}

export function dailyActivity(events: AuditEvent[]): DailyActivity {
  const days = new Map<string, DailyActivity['days'][number]>();
  for (const e of events) {
    const day = e.timestamp.slice(0, 10);
    const entry = days.get(day) ?? {
      day,
      low: 0,
      medium: 0,
      high: 0,
      critical: 0,
    };
    entry[e.severity]++;
    days.set(day, entry);
  }
  return { days: [...days.values()] };
}

export const verifiedChain: ChainVerification = {
  ok: true,
  checked: 5,
  fromSeq: 1,
  toSeq: 5,
  verifiedUpTo: { seq: 5, timestamp: '2026-11-22T15:00:00.000Z' },
  checkedAt: '2026-11-23T08:00:00.000Z',
  durationMs: 12,
};

export const brokenChain: ChainVerification = {
  ok: false,
  checked: 4,
  fromSeq: 1,
  toSeq: 5,
  verifiedUpTo: { seq: 3, timestamp: '2026-11-22T13:00:00.000Z' },
  brokenAt: {
    seq: 4,
    id: failedFlagToggle.id,
    reason: 'hash does not match the event',
  },
  checkedAt: '2026-11-23T08:00:00.000Z',
  durationMs: 9,
};

export const signingKey: AuditSigningKey = {
  algorithm: 'Ed25519',
  publicKeyPem:
    '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n',
  fingerprint:
    '5f2b8e0c0a6d4e1f9b3c7a2d8e4f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f',
};

interface Recorded {
  /** Queries of `GET /events`, in order. */
  events: URLSearchParams[];
  stats: URLSearchParams[];
  counts: URLSearchParams[];
  exports: URLSearchParams[];
  verifications: number;
}

/**
 * Answers the audit log backend's routes from the fixtures, like the backend
 * does (filters, `limit` and `cursor`), and records what was asked.
 */
export function serveAuditLog(
  server: SetupServer,
  options: {
    events?: AuditEvent[];
    verification?: ChainVerification;
  } = {},
): Recorded {
  const events = options.events ?? allEvents;
  const recorded: Recorded = {
    events: [],
    stats: [],
    counts: [],
    exports: [],
    verifications: 0,
  };
  const queryOf = (request: Request) => new URL(request.url).searchParams;
  server.use(
    http.get(`${AUDIT_URL}/events/count`, ({ request }) => {
      const query = queryOf(request);
      recorded.counts.push(query);
      return HttpResponse.json({
        count: events.filter(e => matches(e, query)).length,
      });
    }),
    http.get(`${AUDIT_URL}/events/:id`, ({ params }) => {
      const found = events.find(e => e.id === params.id);
      return found
        ? HttpResponse.json(found)
        : HttpResponse.json(
            { error: { name: 'NotFoundError', message: 'No such event' } },
            { status: 404 },
          );
    }),
    http.get(`${AUDIT_URL}/events`, ({ request }) => {
      const query = queryOf(request);
      recorded.events.push(query);
      const matching = events.filter(e => matches(e, query));
      const start = Number(query.get('cursor') ?? 0);
      const limit = Number(query.get('limit') ?? 50);
      const items = matching.slice(start, start + limit);
      const next = start + limit;
      return HttpResponse.json({
        items,
        nextCursor: next < matching.length ? String(next) : undefined,
      });
    }),
    http.get(`${AUDIT_URL}/stats/daily`, ({ request }) => {
      const query = queryOf(request);
      recorded.stats.push(query);
      return HttpResponse.json(
        dailyActivity(events.filter(e => matches(e, query))),
      );
    }),
    http.get(`${AUDIT_URL}/verify`, () => {
      recorded.verifications++;
      return HttpResponse.json(options.verification ?? verifiedChain);
    }),
    http.get(`${AUDIT_URL}/public-key`, () => HttpResponse.json(signingKey)),
  );
  return recorded;
}

/** A CSV body as the backend streams it: header, then one line per event. */
export function csvOf(events: AuditEvent[]): string {
  const lines = events.map(
    e =>
      `${e.seq},${e.timestamp},${e.actor.ref ?? ''},${e.action},"${(
        e.error ?? ''
      ).replace(/"/g, '""')}"`,
  );
  return `seq,timestamp,actor,action,error\n${lines.join('\n')}\n`;
}

export function manifestOf(
  events: AuditEvent[],
  sha256: string,
  fileName: string,
): ExportManifest {
  return {
    exportId: 'exp-1',
    format: 'csv',
    fileName,
    filters: {},
    rowCount: events.length,
    firstSeq: Math.min(...events.map(e => e.seq)),
    lastSeq: Math.max(...events.map(e => e.seq)),
    sha256,
    createdAt: '2026-11-23T09:00:00.000Z',
    createdBy: 'user:default/priya.nair',
    algorithm: 'Ed25519',
    publicKeyPem: signingKey.publicKeyPem,
    publicKeyFingerprint: signingKey.fingerprint,
    signature: 'c2lnbmF0dXJl',
  };
}

/** A body that arrives in pieces, as a long export does. */
export function streamOf(text: string, pieces = 3): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const size = Math.ceil(bytes.length / pieces);
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += size) {
        controller.enqueue(bytes.slice(i, i + size));
      }
      controller.close();
    },
  });
}

// The permission API's answers (AuthorizeResult's values).
const ALLOW = 'ALLOW' as AuthorizeResult.ALLOW;
const DENY = 'DENY' as AuthorizeResult.DENY;

/** Who is looking: the roles' permissions as the policy grants them. */
export const permissionsOf = (
  role: 'compliance' | 'admin' | 'engineer',
): MockWithApiFactory<PermissionApi> =>
  mockApis.permission({
    authorize: ({ permission }) => {
      if (role === 'compliance') return ALLOW;
      if (role === 'admin') {
        return permission.name === auditLogEventReadPermission.name
          ? ALLOW
          : DENY;
      }
      return DENY;
    },
  });
