import { Priority, TicketStatus, TicketSummary, TicketType } from './tickets';

/** `POST /tickets` */
export interface CreateTicketRequest {
  entityRef: string;
  type: TicketType;
  priority: Priority;
  title: string;
  body: string;
  labels?: string[];
}

/** `PATCH /tickets/:id`: only the fields given change. */
export interface UpdateTicketRequest {
  status?: TicketStatus;
  priority?: Priority;
  /** A user ref, or null to unassign. */
  assigneeRef?: string | null;
  queueRef?: string;
  labels?: string[];
  title?: string;
  /** The version read; a newer one on the server is a 409. */
  expectedVersion?: number;
}

/** `POST /tickets/:id/comments` */
export interface AddCommentRequest {
  body: string;
  visibility: 'public' | 'internal';
}

/** `POST /tickets/bulk-assign` */
export interface BulkAssignRequest {
  ticketIds: number[];
  assigneeRef: string | null;
}

export interface BulkAssignResponse {
  assigned: number[];
  /** Tickets not assigned, and why (not found, not allowed). */
  refused: Array<{ id: number; reason: string }>;
}

/** `POST /tickets/:id/github`: link an existing issue, or open one. */
export type GithubLinkRequest =
  | { action: 'link'; issueNumber: number }
  | { action: 'open' };

export const TICKET_SORTS = [
  'breach',
  'created',
  'updated',
  'priority',
] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

/** `GET /tickets` */
export interface TicketQuery {
  /** A group ref, or `support` for the support role's queue (every ticket). */
  queue?: string;
  entityRef?: string;
  /** `me` for the caller. */
  requester?: string;
  /** A user ref, `me`, or `none`. */
  assignee?: string;
  /** `me`: the caller's tickets: raised, assigned or watched. */
  involving?: 'me';
  status?: TicketStatus[];
  /** `open` for every open status. */
  state?: 'open' | 'all';
  priority?: Priority[];
  type?: TicketType[];
  label?: string[];
  q?: string;
  sort?: TicketSort;
  cursor?: string;
  limit?: number;
}

export interface TicketPage {
  items: TicketSummary[];
  nextCursor?: string;
}

/** `GET /queues`: the queues the caller may open. */
export interface QueueInfo {
  ref: string;
  title: string;
  open: number;
  breached: number;
}

/** `GET /suggestions`: open tickets of an entity like what is being typed. */
export interface TicketSuggestions {
  tickets: TicketSummary[];
}

/** `GET /config`: what the pages need to know. */
export interface SupportSettings {
  reopenWindowDays: number;
  githubEnabled: boolean;
  policies: Array<{
    priority: Priority;
    firstResponseMinutes?: number;
    resolutionMinutes?: number;
    calendar?: string;
  }>;
  /** The caller's role-level rights. */
  canManageAll: boolean;
  /** The caller's groups (their team queues). */
  groups: string[];
}
