import { ConflictError, NotAllowedError } from '@backstage/errors';
import {
  isOpenStatus,
  isReopen,
  TicketStatus,
  TRANSITIONS,
  UpdateTicketRequest,
} from '@internal/backstage-plugin-support-common';
import {
  meet,
  pause,
  recompute,
  resume,
  SlaRecord,
  unmeetResolution,
} from '../sla/clocks';
import { SlaPolicies } from '../sla/SlaPolicies';
import {
  CommentRecord,
  GithubOutboxKind,
  NewEvent,
  TicketPatch,
  TicketRecord,
  TicketStore,
  VersionConflict,
} from '../store/TicketStore';
import { Caller, isRequester, isTeam, transitionRefusal } from './access';

const MAX_ATTEMPTS = 3;
/** States in which the SLA clocks stand still. */
const PAUSED: TicketStatus[] = ['waiting_on_requester', 'resolved', 'closed'];

export interface ChangeEffects {
  statusChanged: boolean;
  assigned: boolean;
  /** Something for the GitHub issue to follow. */
  github: boolean;
}

/**
 * Works out what a change does to a ticket (life cycle, SLA clocks, history,
 * what GitHub must follow) and writes it in one transaction. A write that
 * finds the ticket changed meanwhile is worked out again from the new
 * version, unless the caller asked for the version they read.
 */
export class TicketChanges {
  private constructor(
    private readonly store: TicketStore,
    private readonly policies: SlaPolicies,
    private readonly now: () => number,
  ) {}

  static create(options: {
    store: TicketStore;
    policies: SlaPolicies;
    now: () => number;
  }) {
    return new TicketChanges(options.store, options.policies, options.now);
  }

  private async retrying<T>(
    current: TicketRecord,
    retry: boolean,
    attempt: (ticket: TicketRecord) => Promise<T>,
  ): Promise<T> {
    let ticket = current;
    for (let i = 1; ; i++) {
      try {
        return await attempt(ticket);
      } catch (e) {
        if (!(e instanceof VersionConflict)) throw e;
        if (!retry || i >= MAX_ATTEMPTS) {
          throw new ConflictError(`${e.message}; reload it and try again`);
        }
        ticket = e.current;
      }
    }
  }

  /** The SLA after a status change. */
  private slaAfterStatus(
    ticket: TicketRecord,
    to: TicketStatus,
    sla: SlaRecord,
    now: number,
  ): SlaRecord {
    const policy = this.policies.policyFor(ticket.priority);
    const warn = this.policies.warnFraction;
    let next = sla;
    if (to === 'resolved' || to === 'closed')
      next = meet(next, 'resolution', now);
    if (isReopen(ticket.status, to)) next = unmeetResolution(next);
    if (PAUSED.includes(to)) return pause(next, policy, warn, now);
    return resume(next, policy, warn, now);
  }

  private statusPatch(
    ticket: TicketRecord,
    to: TicketStatus,
    caller: Caller,
    patch: TicketPatch,
    now: number,
  ) {
    let sla = patch.sla ?? ticket.sla;
    if (
      isTeam(caller, ticket) &&
      !isRequester(caller, ticket) &&
      ticket.firstResponseAt === undefined
    ) {
      sla = meet(sla, 'response', now);
      patch.firstResponseAt = now;
    }
    patch.sla = this.slaAfterStatus(ticket, to, sla, now);
    patch.status = to;
    if (to === 'resolved') patch.resolvedAt = now;
    if (to === 'closed') patch.closedAt = now;
    if (isReopen(ticket.status, to)) {
      patch.resolvedAt = undefined;
      patch.closedAt = undefined;
    }
  }

  private plan(
    ticket: TicketRecord,
    request: UpdateTicketRequest,
    caller: Caller,
    reopenWindowDays: number,
  ): {
    patch: TicketPatch;
    events: NewEvent[];
    outbox: GithubOutboxKind[];
    effects: ChangeEffects;
  } {
    const now = this.now();
    const team = isTeam(caller, ticket);
    const patch: TicketPatch = {};
    const events: NewEvent[] = [];
    const outbox: GithubOutboxKind[] = [];
    const effects: ChangeEffects = {
      statusChanged: false,
      assigned: false,
      github: false,
    };
    const by = caller.userRef;
    const teamOnly = (what: string) => {
      if (!team) {
        throw new NotAllowedError(
          `Only the owning team (${ticket.queueRef}), the support role or an admin may change the ${what} of ticket #${ticket.id}`,
        );
      }
    };
    if (
      request.priority !== undefined &&
      request.priority !== ticket.priority
    ) {
      teamOnly('priority');
      patch.priority = request.priority;
      patch.sla = recompute(
        ticket.sla,
        this.policies.policyFor(request.priority),
        this.policies.warnFraction,
        now,
      );
      events.push({
        actorRef: by,
        kind: 'priority',
        from: ticket.priority,
        to: request.priority,
      });
    }
    if (
      request.assigneeRef !== undefined &&
      (request.assigneeRef ?? undefined) !== ticket.assigneeRef
    ) {
      teamOnly('assignee');
      patch.assigneeRef = request.assigneeRef;
      events.push({
        actorRef: by,
        kind: 'assignee',
        from: ticket.assigneeRef,
        to: request.assigneeRef ?? undefined,
      });
      effects.assigned = !!request.assigneeRef;
    }
    if (
      request.queueRef !== undefined &&
      request.queueRef !== ticket.queueRef
    ) {
      teamOnly('queue');
      patch.queueRef = request.queueRef;
      events.push({
        actorRef: by,
        kind: 'queue',
        from: ticket.queueRef,
        to: request.queueRef,
      });
    }
    const mayEdit = team || isRequester(caller, ticket);
    if (request.title !== undefined && request.title !== ticket.title) {
      if (!mayEdit)
        throw new NotAllowedError(
          `Only the requester or the owning team may retitle ticket #${ticket.id}`,
        );
      patch.title = request.title;
      events.push({
        actorRef: by,
        kind: 'title',
        from: ticket.title,
        to: request.title,
      });
      outbox.push('title');
    }
    if (
      request.labels !== undefined &&
      request.labels.join('\n') !== ticket.labels.join('\n')
    ) {
      if (!mayEdit)
        throw new NotAllowedError(
          `Only the requester or the owning team may label ticket #${ticket.id}`,
        );
      patch.labels = request.labels;
      events.push({
        actorRef: by,
        kind: 'labels',
        from: ticket.labels.join(', '),
        to: request.labels.join(', '),
      });
      outbox.push('labels');
    }
    if (request.status !== undefined && request.status !== ticket.status) {
      const refusal = transitionRefusal(caller, ticket, request.status, {
        now,
        reopenWindowDays,
      });
      if (refusal) {
        const lifeCycle =
          !TRANSITIONS[ticket.status].includes(request.status) ||
          isReopen(ticket.status, request.status);
        throw lifeCycle && (team || isRequester(caller, ticket))
          ? new ConflictError(refusal)
          : new NotAllowedError(refusal);
      }
      this.statusPatch(ticket, request.status, caller, patch, now);
      events.push({
        actorRef: by,
        kind: 'status',
        from: ticket.status,
        to: request.status,
      });
      effects.statusChanged = true;
      if (isOpenStatus(ticket.status) !== isOpenStatus(request.status))
        outbox.push('state');
    }
    effects.github = outbox.length > 0 && !!ticket.github;
    return { patch, events, outbox, effects };
  }

  /** Applies a change request; nothing is written when nothing changes. */
  async apply(
    current: TicketRecord,
    request: UpdateTicketRequest,
    caller: Caller,
    options: { reopenWindowDays: number; retry: boolean; fromGithub?: boolean },
  ): Promise<{
    ticket: TicketRecord;
    effects: ChangeEffects;
    changed: string[];
  }> {
    return this.retrying(current, options.retry, async ticket => {
      const { patch, events, outbox, effects } = this.plan(
        ticket,
        request,
        caller,
        options.reopenWindowDays,
      );
      if (!events.length) return { ticket, effects, changed: [] };
      // a change that came from GitHub is not sent back to it
      const send = options.fromGithub ? [] : outbox;
      const next = await this.store.update(ticket, patch, events, {
        outbox: send,
        at: this.now(),
      });
      if (options.fromGithub) effects.github = false;
      return { ticket: next, effects, changed: events.map(e => e.kind) };
    });
  }

  /**
   * Adds a comment or internal note. The team's first public answer meets the
   * first-response target; the requester's answer to a ticket waiting on them
   * puts it back in progress (and restarts the clocks).
   */
  async comment(
    current: TicketRecord,
    body: string,
    visibility: 'public' | 'internal',
    caller: Caller,
    options: {
      source?: 'portal' | 'github';
      githubCommentId?: number;
      at?: number;
    } = {},
  ): Promise<{
    ticket: TicketRecord;
    comment: CommentRecord;
    effects: ChangeEffects;
  }> {
    return this.retrying(current, true, async ticket => {
      const team = isTeam(caller, ticket);
      const requester = isRequester(caller, ticket);
      if (visibility === 'internal' && !team) {
        throw new NotAllowedError(
          'Internal notes are for the owning team, the support role and admins',
        );
      }
      if (ticket.status === 'closed') {
        throw new ConflictError(
          `Ticket #${ticket.id} is closed; reopen it to comment`,
        );
      }
      const watchers = await this.store.watchers(ticket.id);
      if (!team && !requester && !watchers.includes(caller.userRef)) {
        throw new NotAllowedError(
          `Watch ticket #${ticket.id} to take part in it; only its requester, watchers and owning team comment`,
        );
      }
      const now = options.at ?? this.now();
      const patch: TicketPatch = {};
      const events: NewEvent[] = [
        {
          actorRef: caller.userRef,
          kind: visibility === 'internal' ? 'note' : 'comment',
        },
      ];
      const effects: ChangeEffects = {
        statusChanged: false,
        assigned: false,
        github: false,
      };
      if (
        visibility === 'public' &&
        team &&
        !requester &&
        ticket.firstResponseAt === undefined
      ) {
        patch.firstResponseAt = now;
        patch.sla = meet(ticket.sla, 'response', now);
      }
      if (
        visibility === 'public' &&
        requester &&
        ticket.status === 'waiting_on_requester'
      ) {
        this.statusPatch(ticket, 'in_progress', caller, patch, now);
        events.push({
          actorRef: caller.userRef,
          kind: 'status',
          from: ticket.status,
          to: 'in_progress',
        });
        effects.statusChanged = true;
      }
      const result = await this.store.addComment(
        ticket,
        {
          authorRef: caller.userRef,
          body,
          visibility,
          source: options.source ?? 'portal',
          createdAt: now,
          githubCommentId: options.githubCommentId,
        },
        patch,
        events,
        { outbox: options.source !== 'github' },
      );
      if (!result)
        throw new ConflictError('That GitHub comment is already on the ticket');
      effects.github =
        visibility === 'public' &&
        !!ticket.github &&
        options.source !== 'github';
      return { ...result, effects };
    });
  }
}
