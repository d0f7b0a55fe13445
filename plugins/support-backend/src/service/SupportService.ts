import {
  AuditorService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  BulkAssignResponse,
  CreateTicketRequest,
  GithubLinkRequest,
  QueueInfo,
  SupportSettings,
  Ticket,
  TicketComment,
  TicketPage,
  TicketQuery,
  TicketSuggestions,
  TicketView,
  UpdateTicketRequest,
} from '@internal/backstage-plugin-support-common';
import { decodeCursor, pageOf } from '@internal/backstage-plugin-http-node';
import { z } from 'zod/v3';
import { SlaPolicies } from '../sla/SlaPolicies';
import { startClocks } from '../sla/clocks';
import { TicketFilter, TicketRecord, TicketStore } from '../store/TicketStore';
import { GithubSync } from '../github/GithubSync';
import { accessOf, Caller, isRequester, isTeam } from './access';
import { Notifier } from './Notifier';
import { TicketChanges } from './TicketChanges';
import { commentView, eventView, summaryOf, ticketOf } from './views';

const DEFAULT_PAGE = 25;
const SUGGESTIONS = 5;
const position = z.object({
  value: z.union([z.number(), z.string()]),
  id: z.number().int(),
});

/** Who asks, with the credentials the catalog checks visibility with. */
export type CallerContext = Caller & { credentials: BackstageCredentials };

/** Every operation on tickets, and the rules they follow. */
export interface SupportService {
  settings(caller: Caller): SupportSettings;
  raise(input: CreateTicketRequest, caller: CallerContext): Promise<Ticket>;
  list(query: TicketQuery, caller: Caller): Promise<TicketPage>;
  queues(caller: Caller): Promise<QueueInfo[]>;
  suggestions(
    entityRef: string,
    text: string,
    caller: Caller,
  ): Promise<TicketSuggestions>;
  view(id: number, caller: CallerContext): Promise<TicketView>;
  update(
    id: number,
    request: UpdateTicketRequest,
    caller: CallerContext,
  ): Promise<TicketView>;
  bulkAssign(
    ids: number[],
    assigneeRef: string | null,
    caller: CallerContext,
  ): Promise<BulkAssignResponse>;
  comment(
    id: number,
    body: string,
    visibility: 'public' | 'internal',
    caller: CallerContext,
  ): Promise<TicketComment>;
  editComment(
    id: number,
    commentId: number,
    body: string,
    caller: CallerContext,
  ): Promise<TicketComment>;
  watch(
    id: number,
    watching: boolean,
    caller: CallerContext,
  ): Promise<TicketView>;
  linkGithub(
    id: number,
    request: GithubLinkRequest,
    caller: CallerContext,
  ): Promise<TicketView>;
}

export class DefaultSupportService implements SupportService {
  private constructor(
    private readonly store: TicketStore,
    private readonly catalog: CatalogService,
    private readonly policies: SlaPolicies,
    private readonly changes: TicketChanges,
    private readonly notifier: Notifier,
    private readonly github: GithubSync | undefined,
    private readonly options: {
      reopenWindowDays: number;
      defaultQueueRef: string;
      now: () => number;
    },
  ) {}

  static create(options: {
    store: TicketStore;
    catalog: CatalogService;
    policies: SlaPolicies;
    notifier: Notifier;
    auditor: AuditorService;
    logger: LoggerService;
    github?: GithubSync;
    reopenWindowDays: number;
    defaultQueueRef: string;
    now?: () => number;
  }): DefaultSupportService {
    const now = options.now ?? Date.now;
    return new DefaultSupportService(
      options.store,
      options.catalog,
      options.policies,
      TicketChanges.create({
        store: options.store,
        policies: options.policies,
        now,
      }),
      options.notifier,
      options.github,
      {
        reopenWindowDays: options.reopenWindowDays,
        defaultQueueRef: options.defaultQueueRef,
        now,
      },
    );
  }

  private calendarOf = (policy?: string) =>
    policy ? this.policies.policyFor(policy as 'P1').calendar.name : undefined;

  settings(caller: Caller): SupportSettings {
    return {
      reopenWindowDays: this.options.reopenWindowDays,
      githubEnabled: !!this.github?.enabled,
      policies: this.policies.describe(),
      canManageAll: caller.canManageAll,
      groups: caller.ownershipRefs.filter(ref => ref.startsWith('group:')),
    };
  }

  private async visibleEntity(
    ref: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const entity = await this.catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(
        `${ref} is not in the catalog, or you may not see it`,
      );
    }
    return entity;
  }

  private ownerOf(entity: Entity): string {
    const owner =
      entity.relations?.find(r => r.type === RELATION_OWNED_BY)?.targetRef ??
      (typeof entity.spec?.owner === 'string'
        ? stringifyEntityRef(
            parseEntityRef(entity.spec.owner, {
              defaultKind: 'group',
              defaultNamespace: entity.metadata.namespace ?? 'default',
            }),
          )
        : undefined);
    return owner?.startsWith('group:') ? owner : this.options.defaultQueueRef;
  }

  async raise(
    input: CreateTicketRequest,
    caller: CallerContext,
  ): Promise<Ticket> {
    const entity = await this.visibleEntity(
      input.entityRef,
      caller.credentials,
    );
    const now = this.options.now();
    const policy = this.policies.policyFor(input.priority);
    const ticket = await this.store.create(
      {
        entityRef: stringifyEntityRef(entity),
        entityTitle: entity.metadata.title ?? entity.metadata.name,
        queueRef: this.ownerOf(entity),
        type: input.type,
        priority: input.priority,
        title: input.title,
        body: input.body,
        labels: input.labels ?? [],
        requesterRef: caller.userRef,
        createdAt: now,
        sla: startClocks(policy, this.policies.warnFraction, now),
      },
      { actorRef: caller.userRef, kind: 'created', to: input.priority },
    );
    await this.notifier.raised(ticket);
    return ticketOf(ticket, [caller.userRef], this.calendarOf);
  }

  private filterOf(query: TicketQuery, caller: Caller): TicketFilter {
    const me = (ref?: string) => (ref === 'me' ? caller.userRef : ref);
    const filter: TicketFilter = {
      entityRef: query.entityRef,
      requesterRef: me(query.requester),
      assigneeRef: me(query.assignee),
      involving: query.involving === 'me' ? caller.userRef : undefined,
      statuses: query.status,
      openOnly: query.state !== 'all' && !query.status?.length,
      priorities: query.priority,
      types: query.type,
      labels: query.label,
      text: query.q,
    };
    if (query.queue === 'support') {
      if (!caller.canManageAll) {
        throw new NotAllowedError(
          'The support queue is for the support role and admins',
        );
      }
    } else if (query.queue) {
      filter.queueRefs = [query.queue];
    }
    return filter;
  }

  async list(query: TicketQuery, caller: Caller): Promise<TicketPage> {
    const sort = query.sort ?? 'breach';
    const limit = query.limit ?? DEFAULT_PAGE;
    const rows = await this.store.list({
      filter: this.filterOf(query, caller),
      sort,
      after: query.cursor ? decodeCursor(query.cursor, position) : undefined,
      limit: limit + 1,
    });
    const page = pageOf(rows, limit, last => this.store.positionOf(last, sort));
    return {
      items: page.items.map(t => summaryOf(t, this.calendarOf)),
      nextCursor: page.nextCursor,
    };
  }

  async queues(caller: Caller): Promise<QueueInfo[]> {
    const groups = caller.ownershipRefs.filter(ref => ref.startsWith('group:'));
    const counts = await this.store.queueCounts(
      caller.canManageAll ? undefined : groups,
    );
    const byRef = new Map(counts.map(c => [c.queueRef, c]));
    const refs = caller.canManageAll
      ? [...new Set([...groups, ...byRef.keys()])]
      : groups;
    const queues = refs.map(ref => ({
      ref,
      title: parseEntityRef(ref).name,
      open: byRef.get(ref)?.open ?? 0,
      breached: byRef.get(ref)?.breached ?? 0,
    }));
    if (caller.canManageAll) {
      queues.unshift({
        ref: 'support',
        title: 'All tickets (support)',
        open: counts.reduce((n, c) => n + c.open, 0),
        breached: counts.reduce((n, c) => n + c.breached, 0),
      });
    }
    return queues;
  }

  async suggestions(
    entityRef: string,
    text: string,
    _caller: Caller,
  ): Promise<TicketSuggestions> {
    const words = text
      .split(/\s+/)
      .filter(w => w.length >= 3)
      .slice(0, 6);
    const seen = new Map<number, TicketRecord>();
    for (const word of words.length ? words : ['']) {
      const rows = await this.store.list({
        filter: { entityRef, openOnly: true, text: word },
        sort: 'updated',
        limit: SUGGESTIONS,
      });
      rows.forEach(r => seen.set(r.id, r));
      if (seen.size >= SUGGESTIONS) break;
    }
    return {
      tickets: [...seen.values()]
        .slice(0, SUGGESTIONS)
        .map(t => summaryOf(t, this.calendarOf)),
    };
  }

  /** A ticket the caller may see: its entity must be visible to them, unless they work on it. */
  private async visibleTicket(
    id: number,
    caller: CallerContext,
  ): Promise<TicketRecord> {
    const ticket = await this.store.get(id);
    if (!ticket) throw new NotFoundError(`Ticket #${id} does not exist`);
    if (!isTeam(caller, ticket) && !isRequester(caller, ticket)) {
      const entity = await this.catalog.getEntityByRef(ticket.entityRef, {
        credentials: caller.credentials,
      });
      if (!entity) throw new NotFoundError(`Ticket #${id} does not exist`);
    }
    return ticket;
  }

  async view(id: number, caller: CallerContext): Promise<TicketView> {
    return this.viewOf(await this.visibleTicket(id, caller), caller);
  }

  private async viewOf(
    ticket: TicketRecord,
    caller: Caller,
  ): Promise<TicketView> {
    const team = isTeam(caller, ticket);
    const [watchers, timeline] = await Promise.all([
      this.store.watchers(ticket.id),
      this.store.timeline(ticket.id, { includeInternal: team }),
    ]);
    return {
      ticket: ticketOf(ticket, watchers, this.calendarOf),
      timeline: timeline.map(eventView),
      access: accessOf(caller, ticket, watchers, {
        now: this.options.now(),
        reopenWindowDays: this.options.reopenWindowDays,
      }),
    };
  }

  private async checkRef(
    ref: string,
    kind: 'user' | 'group',
    credentials: BackstageCredentials,
    field: string,
  ) {
    if (!ref.startsWith(`${kind}:`)) {
      throw new InputError(
        `Invalid ticket change: ${field}: must be a ${kind} reference such as ${kind}:default/name`,
      );
    }
    if (!(await this.catalog.getEntityByRef(ref, { credentials }))) {
      throw new InputError(
        `Invalid ticket change: ${field}: ${ref} is not in the catalog`,
      );
    }
  }

  async update(
    id: number,
    request: UpdateTicketRequest,
    caller: CallerContext,
  ): Promise<TicketView> {
    const current = await this.visibleTicket(id, caller);
    if (
      request.expectedVersion !== undefined &&
      request.expectedVersion !== current.version
    ) {
      throw new ConflictError(
        `Ticket #${id} changed since you read it (version ${request.expectedVersion}, now ${current.version}); reload it and try again`,
      );
    }
    if (request.assigneeRef)
      await this.checkRef(
        request.assigneeRef,
        'user',
        caller.credentials,
        'assigneeRef',
      );
    if (request.queueRef)
      await this.checkRef(
        request.queueRef,
        'group',
        caller.credentials,
        'queueRef',
      );
    const { ticket, effects } = await this.changes.apply(
      current,
      request,
      caller,
      {
        reopenWindowDays: this.options.reopenWindowDays,
        retry: request.expectedVersion === undefined,
      },
    );
    await this.announce(ticket, effects, caller.userRef);
    return this.viewOf(ticket, caller);
  }

  private async announce(
    ticket: TicketRecord,
    effects: { statusChanged: boolean; assigned: boolean; github: boolean },
    by: string,
  ) {
    if (effects.assigned) await this.notifier.assigned(ticket, by);
    if (effects.statusChanged) {
      await this.notifier.statusChanged(
        ticket,
        await this.store.watchers(ticket.id),
        by,
      );
    }
    if (effects.github) this.github?.kick(ticket.id);
  }

  async bulkAssign(
    ids: number[],
    assigneeRef: string | null,
    caller: CallerContext,
  ): Promise<BulkAssignResponse> {
    if (assigneeRef)
      await this.checkRef(
        assigneeRef,
        'user',
        caller.credentials,
        'assigneeRef',
      );
    const result: BulkAssignResponse = { assigned: [], refused: [] };
    for (const id of ids) {
      const current = await this.store.get(id);
      if (!current) {
        result.refused.push({ id, reason: `Ticket #${id} does not exist` });
        continue;
      }
      try {
        const { ticket, effects } = await this.changes.apply(
          current,
          { assigneeRef },
          caller,
          {
            reopenWindowDays: this.options.reopenWindowDays,
            retry: true,
          },
        );
        await this.announce(ticket, effects, caller.userRef);
        result.assigned.push(id);
      } catch (e) {
        if (!(e instanceof NotAllowedError || e instanceof ConflictError))
          throw e;
        result.refused.push({ id, reason: e.message });
      }
    }
    return result;
  }

  async comment(
    id: number,
    body: string,
    visibility: 'public' | 'internal',
    caller: CallerContext,
  ): Promise<TicketComment> {
    const current = await this.visibleTicket(id, caller);
    const { ticket, comment, effects } = await this.changes.comment(
      current,
      body,
      visibility,
      caller,
    );
    const watchers = await this.store.watchers(id);
    await this.notifier.commented(
      ticket,
      watchers,
      caller.userRef,
      visibility === 'internal',
    );
    await this.announce(
      ticket,
      { ...effects, assigned: false },
      caller.userRef,
    );
    return commentView(comment);
  }

  async editComment(
    id: number,
    commentId: number,
    body: string,
    caller: CallerContext,
  ): Promise<TicketComment> {
    const ticket = await this.visibleTicket(id, caller);
    const existing = await this.store.getComment(id, commentId);
    if (!existing)
      throw new NotFoundError(`Comment ${commentId} is not on ticket #${id}`);
    if (existing.authorRef !== caller.userRef || existing.source !== 'portal') {
      throw new NotAllowedError('Only its author may edit a comment');
    }
    const edited = await this.store.editComment(
      ticket,
      commentId,
      body,
      { actorRef: caller.userRef, kind: 'comment-edited' },
      { outbox: !!ticket.github, at: this.options.now() },
    );
    if (ticket.github) this.github?.kick(ticket.id);
    return commentView(edited);
  }

  async watch(
    id: number,
    watching: boolean,
    caller: CallerContext,
  ): Promise<TicketView> {
    const ticket = await this.visibleTicket(id, caller);
    await this.store.setWatching(
      ticket,
      caller.userRef,
      watching,
      this.options.now(),
    );
    return this.viewOf(ticket, caller);
  }

  async linkGithub(
    id: number,
    request: GithubLinkRequest,
    caller: CallerContext,
  ): Promise<TicketView> {
    const ticket = await this.visibleTicket(id, caller);
    if (!isTeam(caller, ticket)) {
      throw new NotAllowedError(
        `Only the owning team (${ticket.queueRef}), the support role or an admin may link ticket #${id} to GitHub`,
      );
    }
    if (!this.github?.enabled) {
      throw new ConflictError(
        'GitHub sync is not configured (support.github and integrations.github)',
      );
    }
    if (ticket.github) {
      throw new ConflictError(
        `Ticket #${id} is already linked to ${ticket.github.repo}#${ticket.github.issueNumber}`,
      );
    }
    const entity = await this.visibleEntity(
      ticket.entityRef,
      caller.credentials,
    );
    const repo = this.github.repoOf(entity);
    if (!repo) {
      throw new ConflictError(
        `${stringifyEntityRef(
          getCompoundEntityRef(entity),
        )} has no github.com/project-slug annotation: there is no repository to sync with`,
      );
    }
    const linked = await this.github.link(
      ticket,
      repo,
      request,
      caller.userRef,
    );
    return this.viewOf(linked, caller);
  }
}
