import {
  Ticket,
  TicketComment,
  TicketEvent,
  TicketSummary,
} from '@internal/backstage-plugin-support-common';
import { toTicketSla } from '../sla/clocks';
import { CommentRecord, EventRecord, TicketRecord } from '../store/TicketStore';

const iso = (ms?: number) =>
  ms === undefined ? undefined : new Date(ms).toISOString();

export function summaryOf(
  t: TicketRecord,
  calendarOf: (policy?: string) => string | undefined,
): TicketSummary {
  return {
    id: t.id,
    entityRef: t.entityRef,
    entityTitle: t.entityTitle,
    queueRef: t.queueRef,
    type: t.type,
    priority: t.priority,
    title: t.title,
    labels: t.labels,
    status: t.status,
    requesterRef: t.requesterRef,
    assigneeRef: t.assigneeRef,
    createdAt: iso(t.createdAt)!,
    updatedAt: iso(t.updatedAt)!,
    firstResponseAt: iso(t.firstResponseAt),
    resolvedAt: iso(t.resolvedAt),
    closedAt: iso(t.closedAt),
    sla: toTicketSla(t.sla, calendarOf(t.sla.policy)),
    github: t.github && {
      repo: t.github.repo,
      issueNumber: t.github.issueNumber,
      url: `https://github.com/${t.github.repo}/issues/${t.github.issueNumber}`,
      state: t.github.state,
      error: t.github.error,
      retryAt: iso(t.github.retryAt),
      syncedAt: iso(t.github.syncedAt),
    },
    commentCount: t.commentCount,
    version: t.version,
  };
}

export function ticketOf(
  t: TicketRecord,
  watchers: string[],
  calendarOf: (policy?: string) => string | undefined,
): Ticket {
  return { ...summaryOf(t, calendarOf), body: t.body, watchers };
}

export function commentView(c: CommentRecord): TicketComment {
  return {
    id: c.id,
    ticketId: c.ticketId,
    authorRef: c.authorRef,
    body: c.body,
    visibility: c.visibility,
    source: c.source,
    createdAt: iso(c.createdAt)!,
    editedAt: iso(c.editedAt),
  };
}

export function eventView(e: EventRecord): TicketEvent {
  return {
    id: e.id,
    ticketId: e.ticketId,
    at: iso(e.at)!,
    actorRef: e.actorRef,
    kind: e.kind,
    from: e.from,
    to: e.to,
    comment: e.comment && commentView(e.comment),
  };
}
