import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  GithubLinkRequest,
  isOpenStatus,
  LABEL_PATTERN,
  LIMITS,
  UpdateTicketRequest,
} from '@internal/backstage-plugin-support-common';
import { Webhooks } from '@octokit/webhooks';
import { Caller } from '../service/access';
import { TicketChanges } from '../service/TicketChanges';
import { GithubSyncStore, OutboxItem } from '../store/DatabaseGithubSyncStore';
import { TicketRecord, TicketStore } from '../store/TicketStore';
import {
  GithubClient,
  GithubComment,
  GithubIssue,
  GithubRateLimited,
  GithubUnavailable,
} from './GithubClient';

export const PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';
const COMMENT_MARKER = /<!-- stack-portal:comment:(\d+) -->/;
const OUTBOX_BATCH = 50;
const POLL_BATCH = 50;
const DEFAULT_BACKOFF_MS = 30_000;
const BACKOFF_MAX_MS = 3_600_000;
/** Finished tickets are still polled for this long (a reopen on GitHub). */
const FINISHED_POLL_MS = 7 * 86_400_000;

/** A webhook delivery as GitHub sends it. */
export interface WebhookDelivery {
  deliveryId?: string;
  event?: string;
  signature?: string;
  payload: string;
}

/** Keeps tickets and their GitHub issues in step, both ways. */
export interface GithubSync {
  readonly enabled: boolean;
  repoOf(entity: Entity): string | undefined;
  link(
    ticket: TicketRecord,
    repo: string,
    request: GithubLinkRequest,
    actorRef: string,
  ): Promise<TicketRecord>;
  /** Sends what is waiting for a ticket now, without waiting for the job. */
  kick(ticketId: number): void;
  flush(): Promise<number>;
  poll(): Promise<number>;
  receive(
    delivery: WebhookDelivery,
  ): Promise<{ applied: boolean; reason?: string }>;
}

const githubCaller = (login: string): Caller => ({
  userRef: `github:${login}`,
  ownershipRefs: [],
  canManageAll: true,
});

function validLabels(labels: string[]): string[] {
  return labels
    .filter(l => l.length <= LIMITS.labelMax && LABEL_PATTERN.test(l))
    .slice(0, LIMITS.labelsMax);
}

export class DefaultGithubSync implements GithubSync {
  readonly enabled = true;
  private readonly webhooks?: Webhooks;
  private flushing?: Promise<number>;

  private constructor(
    private readonly client: GithubClient,
    private readonly store: TicketStore,
    private readonly syncStore: GithubSyncStore,
    private readonly changes: TicketChanges,
    private readonly auditor: AuditorService,
    private readonly logger: LoggerService,
    private readonly options: {
      appBaseUrl: string;
      webhookSecret?: string;
      backoffMs: number;
      now: () => number;
    },
  ) {
    if (options.webhookSecret)
      this.webhooks = new Webhooks({ secret: options.webhookSecret });
  }

  static create(options: {
    client: GithubClient;
    store: TicketStore;
    syncStore: GithubSyncStore;
    changes: TicketChanges;
    auditor: AuditorService;
    logger: LoggerService;
    appBaseUrl: string;
    webhookSecret?: string;
    /** The first retry's delay after a failure; each next one doubles it (up to an hour). */
    backoffMs?: number;
    now?: () => number;
  }): DefaultGithubSync {
    return new DefaultGithubSync(
      options.client,
      options.store,
      options.syncStore,
      options.changes,
      options.auditor,
      options.logger,
      {
        appBaseUrl: options.appBaseUrl,
        webhookSecret: options.webhookSecret,
        backoffMs: options.backoffMs ?? DEFAULT_BACKOFF_MS,
        now: options.now ?? Date.now,
      },
    );
  }

  repoOf(entity: Entity): string | undefined {
    const slug = entity.metadata.annotations?.[PROJECT_SLUG_ANNOTATION];
    return slug && /^[\w.-]+\/[\w.-]+$/.test(slug) ? slug : undefined;
  }

  private ticketUrl(id: number) {
    return `${this.options.appBaseUrl}/support/tickets/${id}`;
  }

  private failure(e: unknown, what: string): Error {
    if (e instanceof GithubRateLimited) {
      return new ServiceUnavailableError(
        `${what}: ${e.message}; nothing was changed, try again then`,
      );
    }
    if (e instanceof GithubUnavailable) {
      if (e.status === 404)
        return new InputError(
          `${what}: GitHub does not know that issue or repository`,
        );
      return new ServiceUnavailableError(
        `${what}: ${e.message}; nothing was changed`,
      );
    }
    return e as Error;
  }

  async link(
    ticket: TicketRecord,
    repo: string,
    request: GithubLinkRequest,
    actorRef: string,
  ): Promise<TicketRecord> {
    let issue: GithubIssue;
    try {
      if (request.action === 'link') {
        const existing = await this.store.findByGithubIssue(
          repo,
          request.issueNumber,
        );
        if (existing)
          throw new ConflictError(
            `${repo}#${request.issueNumber} is already linked to ticket #${existing.id}`,
          );
        const read = await this.client.getIssue(repo, request.issueNumber);
        issue = read!.issue;
      } else {
        issue = await this.client.createIssue(repo, {
          title: ticket.title,
          body: `${
            ticket.body
          }\n\n---\nRaised in [Stack Portal](${this.ticketUrl(ticket.id)}) by ${
            ticket.requesterRef
          } against ${ticket.entityRef} (${ticket.priority} ${
            ticket.type
          }).\n<!-- stack-portal:ticket:${ticket.id} -->`,
          labels: ticket.labels,
        });
      }
    } catch (e) {
      throw this.failure(
        e,
        `Could not ${
          request.action === 'link' ? 'read' : 'open'
        } the GitHub issue`,
      );
    }
    const now = this.options.now();
    const labels = [
      ...new Set([...ticket.labels, ...validLabels(issue.labels)]),
    ];
    const linked = await this.store.update(
      ticket,
      {
        github: {
          repo,
          issueNumber: issue.number,
          state: 'pending',
          syncedAt: now,
        },
        labels,
      },
      [{ actorRef, kind: 'github-linked', to: `${repo}#${issue.number}` }],
      {
        outbox: labels.length !== issue.labels.length ? ['labels'] : [],
        at: now,
      },
    );
    // comments already on the issue join the ticket; the portal's own go out
    await this.pollOne(linked);
    this.kick(linked.id);
    return (await this.store.get(linked.id))!;
  }

  kick(_ticketId: number): void {
    this.flush().catch(e =>
      this.logger.warn(`GitHub sync: ${(e as Error).message}`),
    );
  }

  /** Sends due outbox items; one run at a time per replica, one replica per item. */
  flush(): Promise<number> {
    this.flushing ??= this.flushDue().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async flushDue(): Promise<number> {
    let sent = 0;
    const items = await this.syncStore.claimDue(
      this.options.now(),
      OUTBOX_BATCH,
    );
    for (const item of items) {
      const ticket = await this.store.get(item.ticketId);
      if (!ticket?.github) {
        await this.syncStore.done(item);
        continue;
      }
      try {
        await this.send(ticket, item);
        await this.syncStore.done(item);
        sent++;
        if (!(await this.syncStore.pendingKinds(ticket.id)).length) {
          await this.syncStore.setState(ticket.id, {
            state: 'synced',
            error: null,
            retryAt: null,
            syncedAt: this.options.now(),
          });
        }
      } catch (e) {
        await this.deferred(ticket, item, e);
      }
    }
    return sent;
  }

  private async deferred(ticket: TicketRecord, item: OutboxItem, e: unknown) {
    const now = this.options.now();
    if (e instanceof GithubRateLimited) {
      await this.syncStore.retryLater(item, e.retryAt, e.message);
      await this.syncStore.setState(ticket.id, {
        state: 'rate_limited',
        error: e.message,
        retryAt: e.retryAt,
      });
      return;
    }
    const message = (e as Error).message;
    const retryAt =
      now +
      Math.min(BACKOFF_MAX_MS, this.options.backoffMs * 2 ** item.attempts);
    await this.syncStore.retryLater(item, retryAt, message);
    await this.syncStore.setState(ticket.id, {
      state: 'error',
      error: message,
      retryAt,
    });
    this.logger.warn(
      `GitHub sync of ticket #${ticket.id} (${
        item.kind
      }) failed, retrying at ${new Date(retryAt).toISOString()}: ${message}`,
    );
  }

  private async send(ticket: TicketRecord, item: OutboxItem) {
    const { repo, issueNumber } = ticket.github!;
    switch (item.kind) {
      case 'state':
        await this.client.updateIssue(repo, issueNumber, {
          state: isOpenStatus(ticket.status) ? 'open' : 'closed',
        });
        return;
      case 'labels':
        await this.client.updateIssue(repo, issueNumber, {
          labels: ticket.labels,
        });
        return;
      case 'title':
        await this.client.updateIssue(repo, issueNumber, {
          title: ticket.title,
        });
        return;
      case 'comment':
        await this.sendComment(ticket, item);
        return;
      case 'comment-edit': {
        const comment = await this.store.getComment(ticket.id, item.commentId!);
        if (!comment) return;
        if (comment.githubCommentId === undefined)
          throw new GithubUnavailable('the comment is not on GitHub yet');
        await this.client.updateComment(
          repo,
          comment.githubCommentId,
          this.githubBody(comment.id, comment.authorRef, comment.body),
        );
        return;
      }
      default:
        return;
    }
  }

  private githubBody(commentId: number, authorRef: string, body: string) {
    return `${body}\n\n_${authorRef} in [Stack Portal](${this.options.appBaseUrl})_\n<!-- stack-portal:comment:${commentId} -->`;
  }

  /** Posts a comment once: a retry first looks for the copy an unanswered attempt may have left. */
  private async sendComment(ticket: TicketRecord, item: OutboxItem) {
    const { repo, issueNumber } = ticket.github!;
    const comment = await this.store.getComment(ticket.id, item.commentId!);
    if (!comment || comment.githubCommentId !== undefined) return;
    if (item.attempts > 0) {
      const posted = (await this.client.allComments(repo, issueNumber)).find(
        c => COMMENT_MARKER.exec(c.body)?.[1] === String(comment.id),
      );
      if (posted) {
        await this.store.setCommentGithubId(comment.id, posted.id);
        return;
      }
    }
    const created = await this.client.createComment(
      repo,
      issueNumber,
      this.githubBody(comment.id, comment.authorRef, comment.body),
    );
    await this.store.setCommentGithubId(comment.id, created.id);
  }

  /** An issue's state, title and labels as the ticket's, unless the portal has a change of them on its way. */
  private async applyIssue(
    ticket: TicketRecord,
    issue: GithubIssue,
    login: string,
  ): Promise<string[]> {
    const pending = await this.syncStore.pendingKinds(ticket.id);
    const request: UpdateTicketRequest = {};
    if (
      !pending.includes('title') &&
      issue.title &&
      issue.title !== ticket.title
    ) {
      request.title = issue.title.slice(0, LIMITS.titleMax);
    }
    const labels = validLabels(issue.labels);
    if (
      !pending.includes('labels') &&
      labels.join('\n') !== ticket.labels.join('\n')
    )
      request.labels = labels;
    if (!pending.includes('state')) {
      if (issue.state === 'closed' && isOpenStatus(ticket.status)) {
        request.status =
          issue.stateReason === 'not_planned' ? 'closed' : 'resolved';
      } else if (issue.state === 'open' && !isOpenStatus(ticket.status)) {
        request.status = 'in_progress';
      }
    }
    if (!Object.keys(request).length) return [];
    const { changed } = await this.changes.apply(
      ticket,
      request,
      githubCaller(login),
      {
        reopenWindowDays: Number.POSITIVE_INFINITY,
        retry: true,
        fromGithub: true,
      },
    );
    return changed;
  }

  /** A GitHub comment as a public comment of the ticket: once, and its edits after. */
  private async applyComment(
    ticket: TicketRecord,
    comment: GithubComment,
  ): Promise<string | undefined> {
    const own = COMMENT_MARKER.exec(comment.body);
    if (own) {
      const mine = await this.store.getComment(ticket.id, Number(own[1]));
      if (mine && mine.githubCommentId === undefined)
        await this.store.setCommentGithubId(mine.id, comment.id);
      return undefined;
    }
    const body = comment.body.slice(0, LIMITS.commentMax) || '(empty comment)';
    const existing = await this.store.findCommentByGithubId(
      ticket.id,
      comment.id,
    );
    if (existing) {
      if (existing.body === body) return undefined;
      await this.store.editComment(
        ticket,
        existing.id,
        body,
        { actorRef: `github:${comment.login}`, kind: 'comment-edited' },
        { at: this.options.now() },
      );
      return 'comment-edited';
    }
    try {
      await this.changes.comment(
        ticket,
        body,
        'public',
        githubCaller(comment.login),
        {
          source: 'github',
          githubCommentId: comment.id,
          at: Date.parse(comment.createdAt) || this.options.now(),
        },
      );
      return 'comment';
    } catch (e) {
      // already imported by the other path (webhook and poll), or the ticket is closed
      if (e instanceof ConflictError) return undefined;
      throw e;
    }
  }

  private async audit(
    ticket: TicketRecord,
    changed: string[],
    via: 'webhook' | 'poll',
  ) {
    if (!changed.length) return;
    const event = await this.auditor.createEvent({
      eventId: 'github-sync-inbound',
      severityLevel: 'medium',
      meta: {
        entityRef: ticket.entityRef,
        ticketId: ticket.id,
        issue: `${ticket.github?.repo}#${ticket.github?.issueNumber}`,
        via,
        changed,
      },
    });
    await event.success();
  }

  /** Reads one linked issue and its comments (conditional on their ETags). */
  private async pollOne(ticket: TicketRecord): Promise<boolean> {
    const github = ticket.github!;
    const changed: string[] = [];
    try {
      const read = await this.client.getIssue(
        github.repo,
        github.issueNumber,
        github.issueEtag,
      );
      if (read)
        changed.push(...(await this.applyIssue(ticket, read.issue, 'github')));
      const current = (await this.store.get(ticket.id))!;
      const comments = await this.client.listComments(
        github.repo,
        github.issueNumber,
        github.commentsSince,
        github.commentsEtag,
      );
      let since = github.commentsSince;
      for (const comment of comments?.comments ?? []) {
        const kind = await this.applyComment(
          (await this.store.get(current.id))!,
          comment,
        );
        if (kind) changed.push(kind);
        if (!since || comment.updatedAt > since) since = comment.updatedAt;
      }
      const pending = await this.syncStore.pendingKinds(ticket.id);
      await this.syncStore.setState(ticket.id, {
        state: pending.length ? 'pending' : 'synced',
        error: null,
        retryAt: null,
        syncedAt: this.options.now(),
        issueEtag: read?.etag ?? github.issueEtag,
        commentsEtag: comments?.etag ?? github.commentsEtag,
        commentsSince: since,
      });
      await this.audit(ticket, changed, 'poll');
      return changed.length > 0;
    } catch (e) {
      if (e instanceof GithubRateLimited) {
        await this.syncStore.setState(ticket.id, {
          state: 'rate_limited',
          error: e.message,
          retryAt: e.retryAt,
        });
      } else if (e instanceof GithubUnavailable) {
        await this.syncStore.setState(ticket.id, {
          state: 'error',
          error: e.message,
          retryAt: this.options.now() + this.options.backoffMs,
        });
      } else {
        throw e;
      }
      return false;
    }
  }

  async poll(): Promise<number> {
    const now = this.options.now();
    const tickets = await this.syncStore.linkedForPolling(
      now,
      now - FINISHED_POLL_MS,
      POLL_BATCH,
    );
    let changed = 0;
    for (const ticket of tickets) {
      const blocked = this.client.pollingBlockedUntil();
      if (blocked) {
        this.logger.info(
          `GitHub polling paused until ${new Date(
            blocked,
          ).toISOString()} (rate limit)`,
        );
        break;
      }
      if (await this.pollOne(ticket)) changed++;
    }
    return changed;
  }

  async receive(
    delivery: WebhookDelivery,
  ): Promise<{ applied: boolean; reason?: string }> {
    if (!this.webhooks) {
      throw new NotAllowedError(
        'GitHub webhooks are not accepted: support.github.webhookSecret is not set',
      );
    }
    if (
      !delivery.signature ||
      !(await this.webhooks
        .verify(delivery.payload, delivery.signature)
        .catch(() => false))
    ) {
      throw new NotAllowedError(
        'The webhook signature does not match support.github.webhookSecret',
      );
    }
    if (!delivery.deliveryId || !delivery.event) {
      throw new InputError(
        'A webhook delivery needs its X-GitHub-Delivery and X-GitHub-Event headers',
      );
    }
    let payload: any;
    try {
      payload = JSON.parse(delivery.payload);
    } catch {
      throw new InputError('The webhook payload is not JSON');
    }
    if (
      !(await this.syncStore.recordDelivery(
        delivery.deliveryId,
        this.options.now(),
      ))
    ) {
      throw new ConflictError(
        `Delivery ${delivery.deliveryId} was received before; a replay is refused`,
      );
    }
    if (delivery.event !== 'issues' && delivery.event !== 'issue_comment') {
      return {
        applied: false,
        reason: `${delivery.event} events are not synced`,
      };
    }
    const repo = payload?.repository?.full_name;
    const issueNumber = payload?.issue?.number;
    const ticket =
      repo && issueNumber
        ? await this.store.findByGithubIssue(repo, issueNumber)
        : undefined;
    if (!ticket)
      return { applied: false, reason: 'no ticket is linked to that issue' };
    const login = payload.sender?.login ?? 'github';
    let changed: string[] = [];
    if (delivery.event === 'issues') {
      changed = await this.applyIssue(
        ticket,
        {
          number: issueNumber,
          title: payload.issue.title,
          state: payload.issue.state === 'closed' ? 'closed' : 'open',
          stateReason: payload.issue.state_reason ?? undefined,
          labels: (payload.issue.labels ?? []).map((l: any) => l.name),
          htmlUrl: payload.issue.html_url,
        },
        login,
      );
    } else if (payload.action === 'created' || payload.action === 'edited') {
      const kind = await this.applyComment(ticket, {
        id: payload.comment.id,
        body: payload.comment.body ?? '',
        login: payload.comment.user?.login ?? login,
        createdAt: payload.comment.created_at,
        updatedAt: payload.comment.updated_at,
      });
      if (kind) changed = [kind];
    }
    await this.audit(ticket, changed, 'webhook');
    return { applied: changed.length > 0 };
  }
}
