import { Knex } from 'knex';
import {
  GithubSyncState,
  OPEN_STATUSES,
} from '@internal/backstage-plugin-support-common';
import { num, Row, ticketOf } from './rows';
import { GithubOutboxKind, TicketRecord } from './TicketStore';

const OUTBOX = 'support_github_outbox';
const DELIVERIES = 'support_github_deliveries';
const TICKETS = 'support_tickets';
/** How long a claimed outbox item is left to one replica before another may retry it. */
const CLAIM_MS = 60_000;
/** Deliveries remembered for refusing replays. */
const DELIVERY_MEMORY_MS = 30 * 86_400_000;

export interface OutboxItem {
  id: number;
  ticketId: number;
  kind: GithubOutboxKind;
  commentId?: number;
  attempts: number;
}

/** What the sync writes about a ticket's link (never its version: edits must not conflict with it). */
export interface GithubStatePatch {
  state: GithubSyncState;
  error?: string | null;
  retryAt?: number | null;
  syncedAt?: number;
  issueEtag?: string;
  commentsEtag?: string;
  commentsSince?: string;
}

/** The GitHub sync's own state: its outbox, seen deliveries, and each link's sync columns. */
export interface GithubSyncStore {
  claimDue(now: number, limit: number): Promise<OutboxItem[]>;
  pendingKinds(ticketId: number): Promise<GithubOutboxKind[]>;
  done(item: OutboxItem): Promise<void>;
  retryLater(item: OutboxItem, at: number, error: string): Promise<void>;
  /** False when the delivery was seen before (a replay). */
  recordDelivery(deliveryId: string, now: number): Promise<boolean>;
  setState(ticketId: number, patch: GithubStatePatch): Promise<void>;
  /** Linked tickets to poll: open, or finished in the last days, not waiting on a rate limit. */
  linkedForPolling(
    now: number,
    finishedSince: number,
    limit: number,
  ): Promise<TicketRecord[]>;
}

export class DatabaseGithubSyncStore implements GithubSyncStore {
  private constructor(private readonly db: Knex) {}

  static create(options: { client: Knex }): DatabaseGithubSyncStore {
    return new DatabaseGithubSyncStore(options.client);
  }

  async claimDue(now: number, limit: number): Promise<OutboxItem[]> {
    const rows = await this.db(OUTBOX)
      .where('next_attempt_at', '<=', now)
      .orderBy('id')
      .limit(limit);
    const claimed: OutboxItem[] = [];
    for (const row of rows as Row[]) {
      // one replica wins each item: the claim moves its time only if nobody did first
      const won = await this.db(OUTBOX)
        .where({ id: row.id, next_attempt_at: row.next_attempt_at })
        .update({ next_attempt_at: now + CLAIM_MS });
      if (won) {
        claimed.push({
          id: Number(row.id),
          ticketId: Number(row.ticket_id),
          kind: row.kind as GithubOutboxKind,
          commentId: num(row.comment_id),
          attempts: Number(row.attempts),
        });
      }
    }
    return claimed;
  }

  async pendingKinds(ticketId: number): Promise<GithubOutboxKind[]> {
    const rows = await this.db(OUTBOX)
      .where({ ticket_id: ticketId })
      .select('kind');
    return rows.map((r: Row) => r.kind as GithubOutboxKind);
  }

  async done(item: OutboxItem) {
    await this.db(OUTBOX).where({ id: item.id }).delete();
  }

  async retryLater(item: OutboxItem, at: number, error: string) {
    await this.db(OUTBOX)
      .where({ id: item.id })
      .update({
        attempts: item.attempts + 1,
        next_attempt_at: at,
        last_error: error,
      });
  }

  async recordDelivery(deliveryId: string, now: number): Promise<boolean> {
    await this.db(DELIVERIES)
      .where('received_at', '<', now - DELIVERY_MEMORY_MS)
      .delete();
    const inserted = await this.db(DELIVERIES)
      .insert({ delivery_id: deliveryId, received_at: now })
      .onConflict('delivery_id')
      .ignore()
      .returning('delivery_id');
    return inserted.length > 0;
  }

  async setState(ticketId: number, patch: GithubStatePatch) {
    const row: Row = { github_state: patch.state };
    if (patch.error !== undefined) row.github_error = patch.error;
    if (patch.retryAt !== undefined) row.github_retry_at = patch.retryAt;
    if (patch.syncedAt !== undefined) row.github_synced_at = patch.syncedAt;
    if (patch.issueEtag !== undefined) row.github_issue_etag = patch.issueEtag;
    if (patch.commentsEtag !== undefined)
      row.github_comments_etag = patch.commentsEtag;
    if (patch.commentsSince !== undefined)
      row.github_comments_since = patch.commentsSince;
    await this.db(TICKETS)
      .where({ id: ticketId })
      .whereNotNull('github_repo')
      .update(row);
  }

  async linkedForPolling(now: number, finishedSince: number, limit: number) {
    const rows = await this.db(TICKETS)
      .whereNotNull('github_repo')
      .where(w =>
        w
          .whereIn('status', OPEN_STATUSES as string[])
          .orWhere('updated_at', '>=', finishedSince),
      )
      .where(w =>
        w.whereNull('github_retry_at').orWhere('github_retry_at', '<=', now),
      )
      .orderBy('github_synced_at', 'asc')
      .limit(limit);
    return rows.map(ticketOf);
  }
}
