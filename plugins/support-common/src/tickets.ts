/** What a ticket is about. */
export const TICKET_TYPES = ['incident', 'request', 'question', 'bug'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

/** P1 is the most urgent. */
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** A ticket's life cycle, in order. */
export const TICKET_STATUSES = [
  'new',
  'triaged',
  'in_progress',
  'waiting_on_requester',
  'resolved',
  'closed',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** The states in which a ticket is open (someone still has work to do). */
export const OPEN_STATUSES: readonly TicketStatus[] = [
  'new',
  'triaged',
  'in_progress',
  'waiting_on_requester',
];

export function isOpenStatus(status: TicketStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** How a status reads on a page. */
export const STATUS_LABELS: Record<TicketStatus, string> = {
  new: 'New',
  triaged: 'Triaged',
  in_progress: 'In progress',
  waiting_on_requester: 'Waiting on requester',
  resolved: 'Resolved',
  closed: 'Closed',
};

/**
 * The moves the life cycle allows. Leaving `resolved` or `closed` for
 * `in_progress` is a reopen: allowed only within the reopen window.
 */
export const TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['triaged', 'in_progress', 'waiting_on_requester', 'resolved', 'closed'],
  triaged: ['in_progress', 'waiting_on_requester', 'resolved', 'closed'],
  in_progress: ['triaged', 'waiting_on_requester', 'resolved', 'closed'],
  waiting_on_requester: ['in_progress', 'resolved', 'closed'],
  resolved: ['closed', 'in_progress'],
  closed: ['in_progress'],
};

export function isReopen(from: TicketStatus, to: TicketStatus): boolean {
  return !isOpenStatus(from) && isOpenStatus(to);
}

/** Input limits, the same in the form and on the server. */
export const LIMITS = {
  titleMax: 200,
  /** characters of a ticket's markdown body */
  bodyMax: 32_000,
  /** characters of a comment or internal note */
  commentMax: 16_000,
  labelMax: 40,
  labelsMax: 20,
  bulkMax: 200,
} as const;

/** A label: letters, digits and `._:/-` (and inner spaces), as GitHub accepts. */
export const LABEL_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9 ._:/-]*[A-Za-z0-9])?$/;

/** One SLA target's clock. */
export interface SlaClock {
  /**
   * `running` until the warning point (75 %), `warning` until due, then
   * `breached`; `met` when the target was reached in time (or late: then
   * `breached` stays); `none` when the priority has no such target.
   */
  state: 'none' | 'running' | 'warning' | 'breached' | 'met';
  /** When the target falls due, while it is running (absent while paused). */
  dueAt?: string;
  /** When the 75 % warning is due. */
  warnAt?: string;
  /** When the target was reached. */
  metAt?: string;
  /** Business milliseconds left when the clock was paused. */
  remainingMs?: number;
}

export interface TicketSla {
  /** The policy's name (`P2`), or absent when no policy applies. */
  policy?: string;
  calendar?: string;
  response: SlaClock;
  resolution: SlaClock;
  /** True while the ticket waits on its requester: clocks are stopped. */
  paused: boolean;
  /** The earliest running due time: what "time to breach" sorts by. */
  nextBreachAt?: string;
}

export type GithubSyncState = 'synced' | 'pending' | 'error' | 'rate_limited';

/** A ticket's GitHub issue and how far the two agree. */
export interface TicketGithubLink {
  repo: string;
  issueNumber: number;
  url: string;
  state: GithubSyncState;
  /** What went wrong last, when the state is `error` or `rate_limited`. */
  error?: string;
  /** The next attempt, when waiting on GitHub. */
  retryAt?: string;
  syncedAt?: string;
}

/** A ticket in a list: everything but its body. */
export interface TicketSummary {
  id: number;
  entityRef: string;
  entityTitle?: string;
  /** The group whose queue it is in (the entity's owner by default). */
  queueRef: string;
  type: TicketType;
  priority: Priority;
  title: string;
  labels: string[];
  status: TicketStatus;
  requesterRef: string;
  assigneeRef?: string;
  createdAt: string;
  updatedAt: string;
  firstResponseAt?: string;
  resolvedAt?: string;
  closedAt?: string;
  sla: TicketSla;
  github?: TicketGithubLink;
  commentCount: number;
  /** Bumped by every change: send it back as `expectedVersion`. */
  version: number;
}

export interface Ticket extends TicketSummary {
  /** Markdown, rendered safely by the frontend. */
  body: string;
  watchers: string[];
}

export type CommentVisibility = 'public' | 'internal';

export interface TicketComment {
  id: number;
  ticketId: number;
  /** A user ref, or `github:<login>` for a comment made on GitHub. */
  authorRef: string;
  body: string;
  visibility: CommentVisibility;
  source: 'portal' | 'github';
  createdAt: string;
  editedAt?: string;
}

export const TICKET_EVENT_KINDS = [
  'created',
  'status',
  'priority',
  'assignee',
  'queue',
  'labels',
  'title',
  'watcher-added',
  'watcher-removed',
  'comment',
  'note',
  'comment-edited',
  'sla-warning',
  'sla-breach',
  'github-linked',
  'github-sync',
] as const;
export type TicketEventKind = (typeof TICKET_EVENT_KINDS)[number];

/** One change in a ticket's history. */
export interface TicketEvent {
  id: number;
  ticketId: number;
  at: string;
  /** A user ref; `github:<login>` for GitHub; `system:sla` for the clocks. */
  actorRef: string;
  kind: TicketEventKind;
  from?: string;
  to?: string;
  /** The comment or note, for `comment`, `note` and `comment-edited`. */
  comment?: TicketComment;
}

/** What the caller may do with a ticket (the server checks each again). */
export interface TicketAccess {
  canComment: boolean;
  canAddNote: boolean;
  canSeeNotes: boolean;
  canManage: boolean;
  canWatch: boolean;
  /** The statuses the caller may move the ticket to now. */
  transitions: TicketStatus[];
  /** Until when a resolved or closed ticket may be reopened. */
  reopenUntil?: string;
}

export interface TicketView {
  ticket: Ticket;
  timeline: TicketEvent[];
  access: TicketAccess;
}
