import {
  CommentVisibility,
  GithubSyncState,
  Priority,
  TicketEventKind,
  TicketSort,
  TicketStatus,
  TicketType,
} from '@internal/backstage-plugin-support-common';
import { SlaRecord } from '../sla/clocks';

/** A ticket's GitHub issue as the store keeps it. */
export interface GithubLinkRecord {
  repo: string;
  issueNumber: number;
  state: GithubSyncState;
  error?: string;
  retryAt?: number;
  syncedAt?: number;
  issueEtag?: string;
  commentsEtag?: string;
  /** GitHub's `updated_at` of the newest comment read (for `since`). */
  commentsSince?: string;
}

/** A ticket as the store keeps it (instants in epoch milliseconds). */
export interface TicketRecord {
  id: number;
  entityRef: string;
  entityTitle?: string;
  queueRef: string;
  type: TicketType;
  priority: Priority;
  title: string;
  body: string;
  labels: string[];
  status: TicketStatus;
  requesterRef: string;
  assigneeRef?: string;
  createdAt: number;
  updatedAt: number;
  firstResponseAt?: number;
  resolvedAt?: number;
  closedAt?: number;
  commentCount: number;
  version: number;
  sla: SlaRecord;
  github?: GithubLinkRecord;
}

/** What may change on a ticket in one write. */
export type TicketPatch = Partial<
  Pick<
    TicketRecord,
    | 'queueRef'
    | 'priority'
    | 'title'
    | 'labels'
    | 'status'
    | 'firstResponseAt'
    | 'resolvedAt'
    | 'closedAt'
    | 'sla'
  >
> & {
  /** null unassigns */
  assigneeRef?: string | null;
  github?: GithubLinkRecord | null;
};

export interface NewTicket {
  entityRef: string;
  entityTitle?: string;
  queueRef: string;
  type: TicketType;
  priority: Priority;
  title: string;
  body: string;
  labels: string[];
  requesterRef: string;
  createdAt: number;
  sla: SlaRecord;
}

/** One change, written with the ticket in the same transaction. */
export interface NewEvent {
  actorRef: string;
  kind: TicketEventKind;
  from?: string;
  to?: string;
}

export interface CommentRecord {
  id: number;
  ticketId: number;
  authorRef: string;
  body: string;
  visibility: CommentVisibility;
  source: 'portal' | 'github';
  createdAt: number;
  editedAt?: number;
  githubCommentId?: number;
}

export interface NewComment {
  authorRef: string;
  body: string;
  visibility: CommentVisibility;
  source: 'portal' | 'github';
  createdAt: number;
  githubCommentId?: number;
}

export interface EventRecord {
  id: number;
  ticketId: number;
  at: number;
  actorRef: string;
  kind: TicketEventKind;
  from?: string;
  to?: string;
  comment?: CommentRecord;
}

/** Which tickets a list holds. Every field narrows it. */
export interface TicketFilter {
  queueRefs?: string[];
  entityRef?: string;
  requesterRef?: string;
  /** `none` for unassigned */
  assigneeRef?: string;
  /** Raised by, assigned to or watched by this user. */
  involving?: string;
  statuses?: TicketStatus[];
  openOnly?: boolean;
  priorities?: Priority[];
  types?: TicketType[];
  labels?: string[];
  /** Words of the title. */
  text?: string;
  ids?: number[];
}

/** Where the previous page ended: the sort value and id of its last ticket. */
export interface TicketPosition {
  value: number | string;
  id: number;
}

/** A write that found a newer version than the one it was computed from. */
export class VersionConflict extends Error {
  constructor(readonly current: TicketRecord) {
    super(
      `Ticket #${current.id} changed meanwhile (now version ${current.version})`,
    );
  }
}

/**
 * Tickets and their history. A ticket changes only through `update`,
 * which writes the change, its history events and the outbox to GitHub in
 * one transaction and only if nobody changed the ticket meanwhile.
 */
export interface TicketStore {
  create(ticket: NewTicket, event: NewEvent): Promise<TicketRecord>;
  get(id: number): Promise<TicketRecord | undefined>;
  findByGithubIssue(
    repo: string,
    issueNumber: number,
  ): Promise<TicketRecord | undefined>;
  list(options: {
    filter: TicketFilter;
    sort: TicketSort;
    after?: TicketPosition;
    limit: number;
  }): Promise<TicketRecord[]>;
  /** The sort value of a ticket, for the next page's cursor. */
  positionOf(ticket: TicketRecord, sort: TicketSort): TicketPosition;
  /** Open and breached counts per queue. */
  queueCounts(
    queueRefs?: string[],
  ): Promise<Array<{ queueRef: string; open: number; breached: number }>>;
  update(
    current: TicketRecord,
    patch: TicketPatch,
    events: NewEvent[],
    options?: { outbox?: GithubOutboxKind[]; at: number },
  ): Promise<TicketRecord>;
  addComment(
    current: TicketRecord,
    comment: NewComment,
    patch: TicketPatch,
    events: NewEvent[],
    options?: { outbox?: boolean },
  ): Promise<{ ticket: TicketRecord; comment: CommentRecord } | undefined>;
  editComment(
    ticket: TicketRecord,
    commentId: number,
    body: string,
    event: NewEvent,
    options?: { outbox?: boolean; at: number },
  ): Promise<CommentRecord>;
  getComment(
    ticketId: number,
    commentId: number,
  ): Promise<CommentRecord | undefined>;
  findCommentByGithubId(
    ticketId: number,
    githubCommentId: number,
  ): Promise<CommentRecord | undefined>;
  setCommentGithubId(commentId: number, githubCommentId: number): Promise<void>;
  timeline(
    ticketId: number,
    options: { includeInternal: boolean },
  ): Promise<EventRecord[]>;
  watchers(ticketId: number): Promise<string[]>;
  setWatching(
    ticket: TicketRecord,
    userRef: string,
    watching: boolean,
    at: number,
  ): Promise<boolean>;
  /** Open tickets whose SLA job has something to announce at `now`. */
  dueForSla(now: number, limit: number): Promise<TicketRecord[]>;
  /** Writes what the SLA job found for each ticket not changed since it was read; returns their ids. */
  applySla(
    items: Array<{ current: TicketRecord; sla: SlaRecord; events: NewEvent[] }>,
    at: number,
  ): Promise<number[]>;
  /** Every ticket, in id order, a page at a time (for search). */
  scan(afterId: number, limit: number): Promise<TicketRecord[]>;
}

export type GithubOutboxKind =
  | 'open'
  | 'comment'
  | 'comment-edit'
  | 'state'
  | 'labels'
  | 'title';
