import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  OPEN_STATUSES,
  TicketSort,
} from '@internal/backstage-plugin-support-common';
import { Knex } from 'knex';
import { SlaRecord } from '../sla/clocks';
import {
  commentOf,
  eventOf,
  NO_BREACH,
  patchColumns,
  patched,
  Row,
  slaColumns,
  ticketOf,
} from './rows';
import {
  CommentRecord,
  EventRecord,
  GithubOutboxKind,
  NewComment,
  NewEvent,
  NewTicket,
  TicketFilter,
  TicketPatch,
  TicketPosition,
  TicketRecord,
  TicketStore,
  VersionConflict,
} from './TicketStore';

const migrationsDir = resolvePackagePath(
  '@internal/backstage-plugin-support-backend',
  'migrations',
);

const TICKETS = 'support_tickets';
const LABELS = 'support_ticket_labels';
const WATCHERS = 'support_ticket_watchers';
const COMMENTS = 'support_comments';
const EVENTS = 'support_events';
const OUTBOX = 'support_github_outbox';

/** How each sort orders a list; the id breaks ties in the same direction. */
const SORTS: Record<
  TicketSort,
  {
    column: string;
    direction: 'asc' | 'desc';
    value: (t: TicketRecord) => number | string;
  }
> = {
  breach: {
    column: 'breach_order',
    direction: 'asc',
    value: t => breachOrderOf(t),
  },
  created: { column: 'created_at', direction: 'desc', value: t => t.createdAt },
  updated: { column: 'updated_at', direction: 'desc', value: t => t.updatedAt },
  priority: { column: 'priority', direction: 'asc', value: t => t.priority },
};

function breachOrderOf(ticket: TicketRecord): number {
  return Number(slaColumns(ticket.sla).breach_order ?? NO_BREACH);
}

function eventRows(
  ticketId: number,
  at: number,
  events: NewEvent[],
  commentId?: number,
): Row[] {
  return events.map(e => ({
    ticket_id: ticketId,
    at,
    actor_ref: e.actorRef,
    kind: e.kind,
    from_value: e.from ?? null,
    to_value: e.to ?? null,
    comment_id: commentId ?? null,
  }));
}

/** Tickets, comments, watchers and history in the support plugin's database. */
export class DatabaseTicketStore implements TicketStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseTicketStore> {
    const db = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await db.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseTicketStore(db);
  }

  /** The knex client, for the GitHub sync store sharing this database. */
  get client(): Knex {
    return this.db;
  }

  async create(ticket: NewTicket, event: NewEvent): Promise<TicketRecord> {
    return this.db.transaction(async tx => {
      const [inserted] = await tx(TICKETS)
        .insert({
          entity_ref: ticket.entityRef,
          entity_title: ticket.entityTitle ?? null,
          queue_ref: ticket.queueRef,
          type: ticket.type,
          priority: ticket.priority,
          title: ticket.title,
          body: ticket.body,
          labels: JSON.stringify(ticket.labels),
          status: 'new',
          is_open: true,
          requester_ref: ticket.requesterRef,
          created_at: ticket.createdAt,
          updated_at: ticket.createdAt,
          ...slaColumns(ticket.sla),
        })
        .returning('id');
      const id = Number(typeof inserted === 'object' ? inserted.id : inserted);
      if (ticket.labels.length) {
        await tx(LABELS).insert(
          ticket.labels.map(label => ({ ticket_id: id, label })),
        );
      }
      await tx(WATCHERS).insert({
        ticket_id: id,
        user_ref: ticket.requesterRef,
      });
      await tx(EVENTS).insert(eventRows(id, ticket.createdAt, [event]));
      return {
        ...ticket,
        id,
        status: 'new',
        updatedAt: ticket.createdAt,
        commentCount: 0,
        version: 1,
      };
    });
  }

  async get(id: number): Promise<TicketRecord | undefined> {
    const row = await this.db(TICKETS).where({ id }).first();
    return row ? ticketOf(row) : undefined;
  }

  async findByGithubIssue(
    repo: string,
    issueNumber: number,
  ): Promise<TicketRecord | undefined> {
    const row = await this.db(TICKETS)
      .where({ github_repo: repo, github_issue_number: issueNumber })
      .first();
    return row ? ticketOf(row) : undefined;
  }

  private filtered(filter: TicketFilter): Knex.QueryBuilder {
    const q = this.db(TICKETS);
    if (filter.queueRefs) q.whereIn('queue_ref', filter.queueRefs);
    if (filter.entityRef) q.where('entity_ref', filter.entityRef);
    if (filter.requesterRef) q.where('requester_ref', filter.requesterRef);
    if (filter.assigneeRef === 'none') q.whereNull('assignee_ref');
    else if (filter.assigneeRef) q.where('assignee_ref', filter.assigneeRef);
    if (filter.involving) {
      const who = filter.involving;
      q.where(w =>
        w
          .where('requester_ref', who)
          .orWhere('assignee_ref', who)
          .orWhereIn(
            'id',
            this.db(WATCHERS).select('ticket_id').where('user_ref', who),
          ),
      );
    }
    if (filter.openOnly) q.where('is_open', true);
    if (filter.statuses?.length) q.whereIn('status', filter.statuses);
    if (filter.priorities?.length) q.whereIn('priority', filter.priorities);
    if (filter.types?.length) q.whereIn('type', filter.types);
    if (filter.ids) q.whereIn('id', filter.ids);
    if (filter.labels?.length) {
      q.whereIn(
        'id',
        this.db(LABELS).select('ticket_id').whereIn('label', filter.labels),
      );
    }
    for (const word of (filter.text ?? '')
      .toLocaleLowerCase('en-US')
      .split(/\s+/)) {
      if (word) {
        q.whereRaw('lower(title) like ?', [
          `%${word.replace(/[\\%_]/g, c => `\\${c}`)}%`,
        ]);
      }
    }
    return q;
  }

  async list(options: {
    filter: TicketFilter;
    sort: TicketSort;
    after?: TicketPosition;
    limit: number;
  }): Promise<TicketRecord[]> {
    const sort = SORTS[options.sort];
    const q = this.filtered(options.filter);
    const { after } = options;
    if (after) {
      const op = sort.direction === 'asc' ? '>' : '<';
      q.where(w =>
        w
          .where(sort.column, op, after.value)
          .orWhere(w2 =>
            w2.where(sort.column, after.value).andWhere('id', op, after.id),
          ),
      );
    }
    const rows = await q
      .orderBy([
        { column: sort.column, order: sort.direction },
        { column: 'id', order: sort.direction },
      ])
      .limit(options.limit);
    return rows.map(ticketOf);
  }

  positionOf(ticket: TicketRecord, sort: TicketSort): TicketPosition {
    return { value: SORTS[sort].value(ticket), id: ticket.id };
  }

  async queueCounts(queueRefs?: string[]) {
    const q = this.db(TICKETS)
      .select('queue_ref')
      .count({ open: '*' })
      .sum({
        breached: this.db.raw(
          "case when response_state = 'breached' or resolution_state = 'breached' then 1 else 0 end",
        ),
      })
      .where('is_open', true)
      .groupBy('queue_ref');
    if (queueRefs) q.whereIn('queue_ref', queueRefs);
    const rows = await q;
    return rows.map((r: Row) => ({
      queueRef: String(r.queue_ref),
      open: Number(r.open),
      breached: Number(r.breached ?? 0),
    }));
  }

  /** Writes a patch only if the ticket is still at the version it was read at. */
  private async write(
    tx: Knex.Transaction,
    current: TicketRecord,
    patch: TicketPatch,
    at: number,
    extra: Row = {},
  ): Promise<TicketRecord> {
    const updated = await tx(TICKETS)
      .where({ id: current.id, version: current.version })
      .update({
        ...patchColumns(patch),
        ...extra,
        updated_at: at,
        version: current.version + 1,
      });
    if (updated === 0) {
      const now = await tx(TICKETS).where({ id: current.id }).first();
      if (!now) throw new NotFoundError(`Ticket #${current.id} does not exist`);
      throw new VersionConflict(ticketOf(now));
    }
    if (patch.labels) {
      await tx(LABELS).where({ ticket_id: current.id }).delete();
      if (patch.labels.length) {
        await tx(LABELS).insert(
          patch.labels.map(label => ({ ticket_id: current.id, label })),
        );
      }
    }
    return patched(current, patch, at);
  }

  private async enqueue(
    tx: Knex.Transaction,
    ticket: TicketRecord,
    kinds: GithubOutboxKind[],
    at: number,
    commentId?: number,
  ) {
    if (!ticket.github || !kinds.length) return;
    await tx(OUTBOX).insert(
      kinds.map(kind => ({
        ticket_id: ticket.id,
        kind,
        comment_id: commentId ?? null,
        next_attempt_at: at,
        created_at: at,
      })),
    );
  }

  async update(
    current: TicketRecord,
    patch: TicketPatch,
    events: NewEvent[],
    options: { outbox?: GithubOutboxKind[]; at: number } = { at: Date.now() },
  ): Promise<TicketRecord> {
    return this.db.transaction(async tx => {
      const next = await this.write(tx, current, patch, options.at);
      if (events.length)
        await tx(EVENTS).insert(eventRows(current.id, options.at, events));
      await this.enqueue(tx, next, options.outbox ?? [], options.at);
      return next;
    });
  }

  async addComment(
    current: TicketRecord,
    comment: NewComment,
    patch: TicketPatch,
    events: NewEvent[],
    options: { outbox?: boolean } = {},
  ): Promise<{ ticket: TicketRecord; comment: CommentRecord } | undefined> {
    return this.db.transaction(async tx => {
      if (comment.githubCommentId !== undefined) {
        const seen = await tx(COMMENTS)
          .where({
            ticket_id: current.id,
            github_comment_id: comment.githubCommentId,
          })
          .first();
        if (seen) return undefined;
      }
      const [inserted] = await tx(COMMENTS)
        .insert({
          ticket_id: current.id,
          author_ref: comment.authorRef,
          body: comment.body,
          visibility: comment.visibility,
          source: comment.source,
          created_at: comment.createdAt,
          github_comment_id: comment.githubCommentId ?? null,
        })
        .returning('id');
      const id = Number(typeof inserted === 'object' ? inserted.id : inserted);
      const ticket = await this.write(tx, current, patch, comment.createdAt, {
        comment_count: current.commentCount + 1,
      });
      ticket.commentCount = current.commentCount + 1;
      // the first event is the comment itself; the others (a status move)
      // only happened with it
      const [said, ...rest] = events;
      await tx(EVENTS).insert([
        ...eventRows(current.id, comment.createdAt, [said], id),
        ...eventRows(current.id, comment.createdAt, rest),
      ]);
      if (options.outbox && comment.visibility === 'public') {
        await this.enqueue(tx, ticket, ['comment'], comment.createdAt, id);
      }
      return { ticket, comment: { ...comment, id, ticketId: current.id } };
    });
  }

  async editComment(
    ticket: TicketRecord,
    commentId: number,
    body: string,
    event: NewEvent,
    options: { outbox?: boolean; at: number } = { at: Date.now() },
  ): Promise<CommentRecord> {
    return this.db.transaction(async tx => {
      const row = await tx(COMMENTS)
        .where({ id: commentId, ticket_id: ticket.id })
        .first();
      if (!row)
        throw new NotFoundError(
          `Comment ${commentId} is not on ticket #${ticket.id}`,
        );
      await tx(COMMENTS)
        .where({ id: commentId })
        .update({ body, edited_at: options.at });
      await tx(EVENTS).insert(
        eventRows(
          ticket.id,
          options.at,
          [{ ...event, from: row.body, to: body }],
          commentId,
        ),
      );
      await tx(TICKETS)
        .where({ id: ticket.id })
        .update({ updated_at: options.at });
      if (options.outbox && row.visibility === 'public') {
        await this.enqueue(tx, ticket, ['comment-edit'], options.at, commentId);
      }
      return { ...commentOf(row), body, editedAt: options.at };
    });
  }

  async getComment(ticketId: number, commentId: number) {
    const row = await this.db(COMMENTS)
      .where({ id: commentId, ticket_id: ticketId })
      .first();
    return row ? commentOf(row) : undefined;
  }

  async findCommentByGithubId(ticketId: number, githubCommentId: number) {
    const row = await this.db(COMMENTS)
      .where({ ticket_id: ticketId, github_comment_id: githubCommentId })
      .first();
    return row ? commentOf(row) : undefined;
  }

  async setCommentGithubId(commentId: number, githubCommentId: number) {
    await this.db(COMMENTS)
      .where({ id: commentId })
      .update({ github_comment_id: githubCommentId });
  }

  async timeline(
    ticketId: number,
    options: { includeInternal: boolean },
  ): Promise<EventRecord[]> {
    const q = this.db(EVENTS)
      .leftJoin(COMMENTS, `${COMMENTS}.id`, `${EVENTS}.comment_id`)
      .where(`${EVENTS}.ticket_id`, ticketId)
      .select(
        `${EVENTS}.*`,
        `${COMMENTS}.id as c_id`,
        `${COMMENTS}.author_ref as c_author_ref`,
        `${COMMENTS}.body as c_body`,
        `${COMMENTS}.visibility as c_visibility`,
        `${COMMENTS}.source as c_source`,
        `${COMMENTS}.created_at as c_created_at`,
        `${COMMENTS}.edited_at as c_edited_at`,
        `${COMMENTS}.github_comment_id as c_github_comment_id`,
      )
      .orderBy(`${EVENTS}.id`, 'asc');
    if (!options.includeInternal) {
      q.where(w =>
        w
          .whereNull(`${COMMENTS}.visibility`)
          .orWhere(`${COMMENTS}.visibility`, 'public'),
      );
    }
    const rows = await q;
    return rows.map((row: Row) => {
      const event = eventOf(row);
      if (row.c_id !== null && row.c_id !== undefined) {
        event.comment = commentOf({
          id: row.c_id,
          ticket_id: ticketId,
          author_ref: row.c_author_ref,
          body: row.c_body,
          visibility: row.c_visibility,
          source: row.c_source,
          created_at: row.c_created_at,
          edited_at: row.c_edited_at,
          github_comment_id: row.c_github_comment_id,
        });
        if (event.kind === 'comment-edited') {
          // the edit shows what it changed; the comment itself shows its latest text
          event.comment = undefined;
        }
      }
      return event;
    });
  }

  async watchers(ticketId: number): Promise<string[]> {
    const rows = await this.db(WATCHERS)
      .where({ ticket_id: ticketId })
      .orderBy('user_ref');
    return rows.map((r: Row) => String(r.user_ref));
  }

  async setWatching(
    ticket: TicketRecord,
    userRef: string,
    watching: boolean,
    at: number,
  ) {
    return this.db.transaction(async tx => {
      let changed: boolean;
      if (watching) {
        const inserted = await tx(WATCHERS)
          .insert({ ticket_id: ticket.id, user_ref: userRef })
          .onConflict(['ticket_id', 'user_ref'])
          .ignore()
          .returning('user_ref');
        changed = inserted.length > 0;
      } else {
        changed =
          (await tx(WATCHERS)
            .where({ ticket_id: ticket.id, user_ref: userRef })
            .delete()) > 0;
      }
      if (changed) {
        await tx(EVENTS).insert(
          eventRows(ticket.id, at, [
            {
              actorRef: userRef,
              kind: watching ? 'watcher-added' : 'watcher-removed',
              to: userRef,
            },
          ]),
        );
      }
      return changed;
    });
  }

  async dueForSla(now: number, limit: number): Promise<TicketRecord[]> {
    const rows = await this.db(TICKETS)
      .where('next_sla_check_at', '<=', now)
      .whereIn('status', OPEN_STATUSES as string[])
      .orderBy('next_sla_check_at')
      .limit(limit);
    return rows.map(ticketOf);
  }

  async applySla(
    items: Array<{ current: TicketRecord; sla: SlaRecord; events: NewEvent[] }>,
    at: number,
  ): Promise<number[]> {
    if (!items.length) return [];
    return this.db.transaction(async tx => {
      const applied =
        this.db.client.config.client === 'pg'
          ? await this.applySlaInOneStatement(tx, items)
          : await this.applySlaRowByRow(tx, items);
      const written = new Set(applied);
      const events = items
        .filter(i => written.has(i.current.id))
        .flatMap(i => eventRows(i.current.id, at, i.events));
      if (events.length) await tx.batchInsert(EVENTS, events as any[], 500);
      return applied;
    });
  }

  /**
   * Each ticket is written only if it is still at the version and clock
   * states it was read at: the SLA job does not bump the version (it must not
   * make an edit conflict), and a second writer of the same crossing (another
   * run) writes nothing.
   */
  private async applySlaRowByRow(
    tx: Knex.Transaction,
    items: Array<{ current: TicketRecord; sla: SlaRecord }>,
  ): Promise<number[]> {
    const applied: number[] = [];
    for (const { current, sla } of items) {
      const updated = await tx(TICKETS)
        .where({
          id: current.id,
          version: current.version,
          response_state: current.sla.response.state,
          resolution_state: current.sla.resolution.state,
        })
        .update(slaColumns(sla));
      if (updated) applied.push(current.id);
    }
    return applied;
  }

  /** The same on PostgreSQL, as one `UPDATE ... FROM (VALUES ...)`. */
  private async applySlaInOneStatement(
    tx: Knex.Transaction,
    items: Array<{ current: TicketRecord; sla: SlaRecord }>,
  ): Promise<number[]> {
    const columns = Object.keys(slaColumns(items[0].sla));
    const types = columns.map(c =>
      /(_at|_ms|_order)$/.test(c) ? 'bigint' : 'text',
    );
    const keys = [
      'id',
      'version',
      'old_response_state',
      'old_resolution_state',
    ];
    const keyTypes = ['integer', 'integer', 'text', 'text'];
    const tuple = `(${[...keyTypes, ...types].map(t => `?::${t}`).join(', ')})`;
    const bindings = items.flatMap(({ current, sla }) => {
      const row = slaColumns(sla);
      return [
        current.id,
        current.version,
        current.sla.response.state,
        current.sla.resolution.state,
        ...columns.map(c => row[c] ?? null),
      ];
    }) as Knex.Value[];
    const result = await tx.raw(
      `UPDATE ${TICKETS} AS t SET ${columns
        .map(c => `${c} = v.${c}`)
        .join(', ')}
       FROM (VALUES ${items.map(() => tuple).join(', ')}) AS v(${[
        ...keys,
        ...columns,
      ].join(', ')})
       WHERE t.id = v.id AND t.version = v.version
         AND t.response_state = v.old_response_state AND t.resolution_state = v.old_resolution_state
       RETURNING t.id`,
      bindings,
    );
    return result.rows.map((r: Row) => Number(r.id));
  }

  async scan(afterId: number, limit: number): Promise<TicketRecord[]> {
    const rows = await this.db(TICKETS)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit);
    return rows.map(ticketOf);
  }
}
