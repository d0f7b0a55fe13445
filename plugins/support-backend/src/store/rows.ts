import {
  CommentVisibility,
  GithubSyncState,
  Priority,
  TicketEventKind,
  TicketStatus,
  TicketType,
} from '@internal/backstage-plugin-support-common';
import {
  ClockName,
  ClockRecord,
  nextBreachAt,
  nextCheckAt,
} from '../sla/clocks';
import {
  CommentRecord,
  EventRecord,
  TicketPatch,
  TicketRecord,
} from './TicketStore';

/** `breach_order` of a ticket with no running target: sorts after every real time. */
export const NO_BREACH = 8_640_000_000_000_000;

export type Row = Record<string, unknown>;

/** PostgreSQL returns bigints as strings, SQLite as numbers; null is absent. */
export const num = (value: unknown): number | undefined =>
  value === null || value === undefined ? undefined : Number(value);
const str = (value: unknown): string | undefined =>
  value === null || value === undefined ? undefined : String(value);
const orNull = <T>(value: T | undefined): T | null =>
  value === undefined ? null : value;

function clockOf(row: Row, name: ClockName): ClockRecord {
  return {
    state: row[`${name}_state`] as ClockRecord['state'],
    dueAt: num(row[`${name}_due_at`]),
    warnAt: num(row[`${name}_warn_at`]),
    metAt: num(row[`${name}_met_at`]),
    remainingMs: num(row[`${name}_remaining_ms`]),
  };
}

function clockColumns(name: ClockName, clock: ClockRecord): Row {
  return {
    [`${name}_state`]: clock.state,
    [`${name}_due_at`]: orNull(clock.dueAt),
    [`${name}_warn_at`]: orNull(clock.warnAt),
    [`${name}_met_at`]: orNull(clock.metAt),
    [`${name}_remaining_ms`]: orNull(clock.remainingMs),
  };
}

export function ticketOf(row: Row): TicketRecord {
  const githubRepo = str(row.github_repo);
  return {
    id: Number(row.id),
    entityRef: String(row.entity_ref),
    entityTitle: str(row.entity_title),
    queueRef: String(row.queue_ref),
    type: row.type as TicketType,
    priority: row.priority as Priority,
    title: String(row.title),
    body: String(row.body),
    labels: JSON.parse(String(row.labels)),
    status: row.status as TicketStatus,
    requesterRef: String(row.requester_ref),
    assigneeRef: str(row.assignee_ref),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    firstResponseAt: num(row.first_response_at),
    resolvedAt: num(row.resolved_at),
    closedAt: num(row.closed_at),
    commentCount: Number(row.comment_count),
    version: Number(row.version),
    sla: {
      policy: str(row.sla_policy),
      createdAt: Number(row.created_at),
      pausedAt: num(row.sla_paused_at),
      pausedMs: Number(row.sla_paused_ms),
      response: clockOf(row, 'response'),
      resolution: clockOf(row, 'resolution'),
    },
    github: githubRepo
      ? {
          repo: githubRepo,
          issueNumber: Number(row.github_issue_number),
          state: row.github_state as GithubSyncState,
          error: str(row.github_error),
          retryAt: num(row.github_retry_at),
          syncedAt: num(row.github_synced_at),
          issueEtag: str(row.github_issue_etag),
          commentsEtag: str(row.github_comments_etag),
          commentsSince: str(row.github_comments_since),
        }
      : undefined,
  };
}

/** The columns a patch writes (only those it names). */
export function patchColumns(patch: TicketPatch): Row {
  const row: Row = {};
  if (patch.queueRef !== undefined) row.queue_ref = patch.queueRef;
  if (patch.priority !== undefined) row.priority = patch.priority;
  if (patch.title !== undefined) row.title = patch.title;
  if (patch.labels !== undefined) row.labels = JSON.stringify(patch.labels);
  if (patch.status !== undefined) {
    row.status = patch.status;
    row.is_open = !['resolved', 'closed'].includes(patch.status);
  }
  if (patch.assigneeRef !== undefined) row.assignee_ref = patch.assigneeRef;
  if ('firstResponseAt' in patch)
    row.first_response_at = orNull(patch.firstResponseAt);
  if ('resolvedAt' in patch) row.resolved_at = orNull(patch.resolvedAt);
  if ('closedAt' in patch) row.closed_at = orNull(patch.closedAt);
  if (patch.sla) Object.assign(row, slaColumns(patch.sla));
  if (patch.github === null) {
    Object.assign(row, {
      github_repo: null,
      github_issue_number: null,
      github_state: null,
      github_error: null,
      github_retry_at: null,
      github_synced_at: null,
      github_issue_etag: null,
      github_comments_etag: null,
      github_comments_since: null,
    });
  } else if (patch.github) {
    const g = patch.github;
    Object.assign(row, {
      github_repo: g.repo,
      github_issue_number: g.issueNumber,
      github_state: g.state,
      github_error: orNull(g.error),
      github_retry_at: orNull(g.retryAt),
      github_synced_at: orNull(g.syncedAt),
      github_issue_etag: orNull(g.issueEtag),
      github_comments_etag: orNull(g.commentsEtag),
      github_comments_since: orNull(g.commentsSince),
    });
  }
  return row;
}

export function slaColumns(sla: TicketRecord['sla']): Row {
  return {
    sla_policy: orNull(sla.policy),
    sla_paused_at: orNull(sla.pausedAt),
    sla_paused_ms: sla.pausedMs,
    ...clockColumns('response', sla.response),
    ...clockColumns('resolution', sla.resolution),
    breach_order: nextBreachAt(sla) ?? NO_BREACH,
    next_sla_check_at: orNull(nextCheckAt(sla)),
  };
}

export function commentOf(row: Row): CommentRecord {
  return {
    id: Number(row.id),
    ticketId: Number(row.ticket_id),
    authorRef: String(row.author_ref),
    body: String(row.body),
    visibility: row.visibility as CommentVisibility,
    source: row.source as 'portal' | 'github',
    createdAt: Number(row.created_at),
    editedAt: num(row.edited_at),
    githubCommentId: num(row.github_comment_id),
  };
}

export function eventOf(row: Row): EventRecord {
  return {
    id: Number(row.id),
    ticketId: Number(row.ticket_id),
    at: Number(row.at),
    actorRef: String(row.actor_ref),
    kind: row.kind as TicketEventKind,
    from: str(row.from_value),
    to: str(row.to_value),
  };
}

/** Applies a patch to a ticket in memory, as the database did. */
export function patched(
  current: TicketRecord,
  patch: TicketPatch,
  at: number,
): TicketRecord {
  const { assigneeRef, github, ...rest } = patch;
  const next: TicketRecord = {
    ...current,
    ...rest,
    version: current.version + 1,
    updatedAt: at,
  };
  if (assigneeRef !== undefined) next.assigneeRef = assigneeRef ?? undefined;
  if (github !== undefined) next.github = github ?? undefined;
  return next;
}
