import {
  AuditEvent,
  ChainVerification,
  ReportKind,
  ReportSection,
} from '@internal/backstage-plugin-audit-log-common';
import {
  ActionPair,
  between,
  duration,
  metaString,
  pairMeta,
  pairTime,
  personOf,
} from './collect';
import { ReportData } from './ReportData';

/** A person holding a portal role through a catalog group. */
export interface RoleHolder {
  role: string;
  group: string;
  person: string;
  name: string;
}

/** What the section builders read besides the events. */
export interface SectionInput {
  data: ReportData;
  holders: RoleHolder[];
  /** The role holders of the previous report, when there is one to compare with. */
  previous?: { reportId: string; periodLabel: string; holders: RoleHolder[] };
  verification: ChainVerification;
  retentionDays: number;
}

export type SectionBody = Omit<ReportSection, 'kind' | 'title' | 'controls'>;

/** Bars drawn from at most this many rows of a ranked table. */
const RANKED_ROWS = 100;

const pairsOf = (data: ReportData, action: string) =>
  data.pairs.get(action)?.all() ?? [];
const succeededOf = (data: ReportData, action: string) =>
  data.pairs.get(action)?.succeeded() ?? [];
const count = (n: number, one: string, many = `${one}s`) =>
  `${n} ${n === 1 ? one : many}`;

function accessReview({ data, holders, previous }: SectionInput): SectionBody {
  const key = (h: RoleHolder) => `${h.role}|${h.group}|${h.person}`;
  const changes: Array<[string, string, string, string]> = [];
  if (previous) {
    const before = new Set(previous.holders.map(key));
    const now = new Set(holders.map(key));
    for (const h of holders)
      if (!before.has(key(h)))
        changes.push(['granted', h.role, h.group, h.person]);
    for (const h of previous.holders)
      if (!now.has(key(h)))
        changes.push(['removed', h.role, h.group, h.person]);
  }
  const privileged = [...data.privileged.entries()]
    .map(([person, e]) => {
      const roles = [
        ...new Set(holders.filter(h => h.person === person).map(h => h.role)),
      ].join(', ');
      const top = [...e.actions.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([a, n]) => `${a} (${n})`);
      return [
        person,
        roles || 'none',
        e.high + e.critical,
        e.critical,
        top.join(', '),
      ];
    })
    .sort((a, b) => Number(b[2]) - Number(a[2]));
  return {
    summary: [
      `${count(holders.length, 'role assignment')} for ${count(
        new Set(holders.map(h => h.person)).size,
        'person',
        'people',
      )} (admin, compliance, support) at the time of the report`,
      previous
        ? `${count(changes.length, 'change')} since the previous report ${
            previous.reportId
          } (${previous.periodLabel})`
        : 'No earlier report of this framework to compare role holders with: this is the first access review',
      `${count(
        privileged.length,
        'person',
        'people',
      )} or services took high or critical actions in the period`,
    ],
    tables: [
      {
        id: 'access-role-holders',
        title: 'Who holds a privileged role, and through which group',
        columns: ['role', 'group', 'person', 'name'],
        rows: holders.map(h => [h.role, h.group, h.person, h.name]),
        emptyText: 'Nobody holds the admin, compliance or support role.',
      },
      {
        id: 'access-changes',
        title: 'Role changes since the previous report',
        columns: ['change', 'role', 'group', 'person'],
        rows: changes,
        emptyText: previous
          ? 'No role was granted or removed.'
          : 'No earlier report to compare with.',
      },
      {
        id: 'access-privileged-actions',
        title: 'Privileged (high and critical) actions per person',
        columns: [
          'person',
          'roles',
          'privileged actions',
          'critical',
          'most frequent',
        ],
        rows: privileged,
        emptyText: 'No high or critical action was taken in the period.',
      },
    ],
    charts: [
      {
        title: 'Privileged actions per person',
        tableId: 'access-privileged-actions',
        valueColumn: 'privileged actions',
      },
    ],
  };
}

function privilegedActivity({ data }: SectionInput): SectionBody {
  const ends = new Map<string, AuditEvent>();
  for (const action of ['impersonation-stop', 'impersonation-expire']) {
    for (const p of succeededOf(data, action)) {
      const id = pairMeta(p, 'sessionId');
      if (id) ends.set(id, p.outcome);
    }
  }
  const sessions = succeededOf(data, 'impersonation-start').map(p => {
    const id = pairMeta(p, 'sessionId') ?? '';
    const end = ends.get(id);
    const traffic = data.sessionTraffic.get(id) ?? {
      requests: 0,
      writes: 0,
      refusals: 0,
    };
    return [
      pairTime(p),
      personOf(p.outcome),
      pairMeta(p, 'targetRef') ?? '',
      pairMeta(p, 'reason') ?? '',
      pairMeta(p, 'ticket') ?? '',
      end
        ? `${end.action === 'impersonation-expire' ? 'expired' : 'stopped'} ${
            end.timestamp
          }`
        : 'open at period end',
      duration(between(pairTime(p), end?.timestamp)),
      traffic.requests + traffic.writes,
      traffic.refusals,
      id,
    ];
  });
  const maintenance = succeededOf(data, 'maintenance-update').map(p => [
    p.outcome.timestamp,
    personOf(p.outcome),
    String(p.outcome.meta?.enabled ?? ''),
    metaString(p.outcome, 'message') ?? '',
  ]);
  const windows = maintenanceWindows(
    succeededOf(data, 'maintenance-update').map(p => p.outcome),
  );
  const erasures = pairsOf(data, 'subject-erase').map(p => [
    pairTime(p),
    personOf((p.initiated ?? p.outcome)!),
    (p.initiated ?? p.outcome)!.target ?? '',
    pairMeta(p, 'reason') ?? '',
    p.outcome?.outcome ?? 'no outcome recorded',
  ]);
  return {
    summary: [
      `${count(sessions.length, 'impersonation session')}, ${count(
        sessions.reduce((n, s) => n + Number(s[7]), 0),
        'request',
      )} made in them, ${count(data.sessionRefusals.length, 'refusal')}`,
      `${count(windows.length, 'maintenance window')}`,
      `${count(erasures.length, 'erasure')} of a person's identity`,
    ],
    tables: [
      {
        id: 'privileged-impersonations',
        title: 'Impersonation sessions',
        columns: [
          'started',
          'admin',
          'user',
          'reason',
          'ticket',
          'ended',
          'duration',
          'requests',
          'refusals',
          'session',
        ],
        rows: sessions,
        emptyText: 'Nobody was impersonated in the period.',
      },
      {
        id: 'privileged-maintenance-windows',
        title: 'Maintenance windows',
        columns: ['from', 'to', 'switched on by', 'message', 'duration'],
        rows: windows,
        emptyText: 'Maintenance mode was not switched on in the period.',
      },
      {
        id: 'privileged-maintenance-changes',
        title: 'Maintenance mode changes',
        columns: ['time', 'by', 'enabled', 'message'],
        rows: maintenance,
        emptyText: 'Maintenance mode was not changed in the period.',
      },
      {
        id: 'privileged-erasures',
        title: 'Erasures of personal data',
        columns: ['time', 'by', 'subject', 'reason', 'outcome'],
        rows: erasures,
        emptyText: 'No identity was erased in the period.',
      },
    ],
    charts: [],
  };
}

/** Maintenance switched on, then off: the windows (one still open at the period's end says so). */
function maintenanceWindows(changes: AuditEvent[]): Array<Array<string>> {
  const windows: string[][] = [];
  let open: AuditEvent | undefined;
  for (const e of changes) {
    const on = e.meta?.enabled === true;
    if (on && !open) open = e;
    if (!on && open) {
      windows.push([
        open.timestamp,
        e.timestamp,
        personOf(open),
        metaString(open, 'message') ?? '',
        duration(between(open.timestamp, e.timestamp)),
      ]);
      open = undefined;
    }
  }
  if (open)
    windows.push([
      open.timestamp,
      'still on at period end',
      personOf(open),
      metaString(open, 'message') ?? '',
      '',
    ]);
  return windows;
}

const DECISION_STATES: Record<string, string> = {
  'change-request-approve': 'approved',
  'change-request-reject': 'rejected',
  'change-request-cancel': 'cancelled',
};

function changeOf(enabled: unknown): string {
  if (enabled === true) return 'enable';
  if (enabled === false) return 'disable';
  return '';
}

function changeManagement({ data }: SectionInput): SectionBody {
  const decisions = new Map<string, { action: string; pair: ActionPair }>();
  for (const action of [
    'change-request-approve',
    'change-request-reject',
    'change-request-cancel',
  ]) {
    for (const pair of pairsOf(data, action)) {
      const id = pairMeta(pair, 'changeRequestId');
      if (id && pair.outcome?.outcome === 'succeeded')
        decisions.set(id, { action, pair });
    }
  }
  const requests = succeededOf(data, 'change-request-create').map(p => {
    const id = pairMeta(p, 'changeRequestId') ?? pairMeta(p, 'id') ?? '';
    const decision = decisions.get(id);
    const decidedAt = decision?.pair.outcome?.timestamp;
    const state = decision ? DECISION_STATES[decision.action] : 'pending';
    const enabled = p.initiated?.meta?.enabled;
    return [
      pairTime(p),
      p.initiated?.target ?? p.outcome.target ?? '',
      pairMeta(p, 'environment') ?? '',
      pairMeta(p, 'summary') ??
        (changeOf(enabled) || pairMeta(p, 'kind')) ??
        '',
      personOf(p.outcome),
      pairMeta(p, 'reason') ?? '',
      state,
      decision ? personOf(decision.pair.outcome!) : '',
      decidedAt ?? '',
      decision?.action === 'change-request-approve'
        ? duration(between(pairTime(p), decidedAt))
        : '',
      id,
    ];
  });
  const direct = [
    'flag-toggle',
    'flag-strategy-update',
    'flag-create',
    'flag-archive',
  ].flatMap(action =>
    pairsOf(data, action).map(p => {
      const first = (p.initiated ?? p.outcome)!;
      return [
        pairTime(p),
        action,
        first.target ?? '',
        metaString(first, 'environment') ?? '',
        first.severity === 'high' || first.severity === 'critical'
          ? 'protected'
          : 'not protected',
        personOf(first),
        p.outcome?.outcome ?? 'no outcome recorded',
      ];
    }),
  );
  const unapprovedProtected = direct.filter(
    r => r[4] === 'protected' && r[6] === 'succeeded',
  ).length;
  const templates = pairsOf(data, 'task').map(p => [
    pairTime(p),
    personOf((p.initiated ?? p.outcome)!),
    pairMeta(p, 'templateRef') ?? '',
    p.outcome?.outcome ?? 'no outcome recorded',
  ]);
  const approved = requests.filter(r => r[6] === 'approved');
  return {
    summary: [
      `${count(requests.length, 'change request')} to protected environments: ${
        approved.length
      } approved, ${
        requests.filter(r => r[6] === 'rejected').length
      } rejected, ${
        requests.filter(r => r[6] === 'pending').length
      } pending at period end`,
      `${count(
        direct.length,
        'direct flag change',
      )}, of which ${unapprovedProtected} in a protected environment without a change request`,
      `${count(
        templates.filter(t => t[3] === 'succeeded').length,
        'capability',
        'capabilities',
      )} created through templates`,
      'Changes made directly in Unleash, outside the portal, are not in the audit log: the provider does not report them',
    ],
    tables: [
      {
        id: 'changes-protected',
        title: 'Changes to protected environments (four-eyes)',
        columns: [
          'requested',
          'flag',
          'environment',
          'change',
          'requester',
          'reason',
          'decision',
          'approver',
          'decided',
          'time to approval',
          'change request',
        ],
        rows: requests,
        emptyText:
          'No change to a protected environment was requested in the period.',
      },
      {
        id: 'changes-direct',
        title: 'Flag changes made directly',
        columns: [
          'time',
          'action',
          'flag',
          'environment',
          'environment class',
          'by',
          'outcome',
        ],
        rows: direct,
        emptyText: 'No flag was changed directly in the period.',
      },
      {
        id: 'changes-templates',
        title: 'Capabilities created through templates',
        columns: ['time', 'by', 'template', 'outcome'],
        rows: templates,
        emptyText: 'No scaffolder template was run in the period.',
      },
    ],
    charts: [],
  };
}

function dataSubjectRequests({ data }: SectionInput): SectionBody {
  const rows = ['subject-export', 'subject-erase']
    .flatMap(action =>
      pairsOf(data, action).map(p => {
        const first = (p.initiated ?? p.outcome)!;
        return [
          pairTime(p),
          action === 'subject-export' ? 'access (export)' : 'erasure',
          first.target ?? '',
          personOf(first),
          p.outcome?.outcome ?? 'no outcome recorded',
          p.outcome?.timestamp ?? '',
          duration(between(p.initiated?.timestamp, p.outcome?.timestamp)),
        ];
      }),
    )
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return {
    summary: [
      `${count(
        rows.filter(r => r[1] !== 'erasure').length,
        'access request',
      )} and ${count(rows.filter(r => r[1] === 'erasure').length, 'erasure')}`,
      `${rows.filter(r => r[4] !== 'succeeded').length} not completed`,
    ],
    tables: [
      {
        id: 'dsr-requests',
        title: 'Data-subject requests and the time each took',
        columns: [
          'requested',
          'kind',
          'subject',
          'handled by',
          'outcome',
          'completed',
          'time taken',
        ],
        rows,
        emptyText: 'No data-subject request was handled in the period.',
      },
    ],
    charts: [],
  };
}

function securityEvents({ data }: SectionInput): SectionBody {
  const groups = [...data.security.values()].sort(
    (a, b) => b.count - a.count || a.first.localeCompare(b.first),
  );
  const byCategory = new Map<string, number>();
  for (const g of groups)
    byCategory.set(g.category, (byCategory.get(g.category) ?? 0) + g.count);
  const categories = [...byCategory.entries()].sort((a, b) => b[1] - a[1]);
  return {
    summary: [
      `${count(
        groups.reduce((n, g) => n + g.count, 0),
        'refused or failed action',
      )} in ${count(groups.length, 'group')}`,
      ...categories.map(([c, n]) => `${c}: ${n}`),
    ],
    tables: [
      {
        id: 'security-categories',
        title: 'Refusals and failures by kind',
        columns: ['kind', 'events'],
        rows: categories,
        emptyText: 'Nothing was refused and nothing failed in the period.',
      },
      {
        id: 'security-groups',
        title: `Refusals and failures grouped by action, actor, address and error, most frequent first${
          groups.length > RANKED_ROWS
            ? ` (all ${groups.length} groups in the CSV)`
            : ''
        }`,
        columns: [
          'kind',
          'action',
          'actor',
          'ip',
          'error',
          'events',
          'first',
          'last',
        ],
        rows: groups.map(g => [
          g.category,
          g.action,
          g.actor,
          g.ip,
          g.error,
          g.count,
          g.first,
          g.last,
        ]),
        emptyText: 'Nothing was refused and nothing failed in the period.',
      },
    ],
    charts: [
      {
        title: 'Refusals and failures by kind',
        tableId: 'security-categories',
        valueColumn: 'events',
      },
    ],
  };
}

function integrity({
  data,
  verification,
  retentionDays,
}: SectionInput): SectionBody {
  const first = data.first;
  const last = data.last;
  const exports = succeededOf(data, 'events-export').map(p => [
    p.outcome.timestamp,
    personOf(p.outcome),
    pairMeta(p, 'exportId') ?? '',
    pairMeta(p, 'sha256') ?? '',
  ]);
  return {
    summary: [
      verification.ok
        ? `The hash chain verifies over events #${
            verification.fromSeq ?? '-'
          } to #${verification.toSeq ?? '-'} (${verification.checked} checked)`
        : `THE HASH CHAIN IS BROKEN at event #${verification.brokenAt?.seq}: ${verification.brokenAt?.reason}`,
      first && last
        ? `${count(data.eventCount, 'event')} in the period: #${first.seq} (${
            first.timestamp
          }) to #${last.seq} (${last.timestamp}); chain head ${last.hash}`
        : 'No event was recorded in the period',
      `Retention keeps ${retentionDays} days; ${count(
        data.checkpoints.length,
        'retention checkpoint',
      )} in the period`,
    ],
    tables: [
      {
        id: 'integrity-chain',
        title: 'The chain this report was computed from',
        columns: ['fact', 'value'],
        rows: [
          [
            'verified',
            verification.ok
              ? 'yes'
              : `no: #${verification.brokenAt?.seq} ${verification.brokenAt?.reason}`,
          ],
          ['events checked', verification.checked],
          ['first event', first ? `#${first.seq} ${first.timestamp}` : 'none'],
          ['last event', last ? `#${last.seq} ${last.timestamp}` : 'none'],
          ['chain head (hash of the last event)', last?.hash ?? 'none'],
          ['events in the period', data.eventCount],
          ['verified at', verification.checkedAt],
        ],
        emptyText: '',
      },
      {
        id: 'integrity-retention',
        title: 'Retention checkpoints',
        columns: [
          'time',
          'purged through event',
          'purged events older than',
          'hash of the last purged event',
        ],
        rows: data.checkpoints.map(c => [
          c.timestamp,
          String(c.meta?.purgedThroughSeq ?? ''),
          metaString(c, 'cutoff') ?? '',
          metaString(c, 'purgedThroughHash') ?? '',
        ]),
        emptyText: 'Retention purged nothing in the period.',
      },
      {
        id: 'integrity-exports',
        title: 'Signed exports of the log made in the period',
        columns: ['time', 'by', 'export', 'SHA-256'],
        rows: exports,
        emptyText: 'No export was made in the period.',
      },
    ],
    charts: [],
  };
}

export const SECTION_BUILDERS: Record<
  ReportKind,
  (input: SectionInput) => SectionBody
> = {
  'access-review': accessReview,
  'privileged-activity': privilegedActivity,
  'change-management': changeManagement,
  'data-subject-requests': dataSubjectRequests,
  'security-events': securityEvents,
  integrity,
};
