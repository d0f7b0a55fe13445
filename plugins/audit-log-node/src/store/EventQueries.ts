import { InputError, NotFoundError } from '@backstage/errors';
import {
  AuditActor,
  AuditEvent,
  AuditEventFilter,
  DailyActivity,
  Outcome,
  SEVERITIES,
  Severity,
} from '@internal/backstage-plugin-audit-log-common';
import { Knex } from 'knex';
import { revealMeta, SubjectRefs } from '../exportFormats';
import { EventRow, isPostgres, SUBJECT_PREFIX, USER_REF } from './rows';
import { SubjectDirectory } from './SubjectDirectory';

/** Rows per page of an export or an iteration: small enough for steady memory. */
export const EXPORT_PAGE = 1000;
/** The most actions (or plugins) the filters offer as choices. */
const MAX_DISTINCT_VALUES = 500;
/** The columns free-text search (`q`) reads; PostgreSQL has trigram indexes on them. */
const SEARCHED_COLUMNS = ['meta', 'action', 'target', 'error', 'path'];

/** A filter as a function adding its conditions to a query. */
export type CompiledFilter = (query: Knex.QueryBuilder) => void;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, c => `\\${c}`);
}

/** Queries: the filtered reads of events, with the people behind pseudonyms revealed. */
export class EventQueries {
  constructor(
    private readonly db: Knex,
    private readonly subjects: SubjectDirectory,
  ) {}

  /**
   * The filter as a function adding its conditions to a query: the people it
   * names are looked up once, so a paged read (an export) does not repeat
   * those lookups for every page. (Not a function returning a builder: an
   * async function returning a knex builder would run it, builders being
   * thenables.)
   */
  async compileFilter(filter: AuditEventFilter): Promise<CompiledFilter> {
    const actor = filter.actor
      ? await this.subjects.storedRef(filter.actor)
      : undefined;
    const targets = await Promise.all(
      ([] as string[])
        .concat(filter.target ?? [])
        .map(t => this.subjects.storedRef(t)),
    );
    const like = filter.q ? `%${escapeLike(filter.q)}%` : undefined;
    const op = isPostgres(this.db) ? 'ilike' : 'like';
    return query => {
      if (actor !== undefined) {
        query.where(q => q.where('actor', actor).orWhere('real_actor', actor));
      }
      if (targets.length) query.whereIn('target', targets);
      if (filter.action?.length) query.whereIn('action', filter.action);
      if (filter.plugin?.length) query.whereIn('plugin', filter.plugin);
      if (filter.severity?.length) query.whereIn('severity', filter.severity);
      if (filter.outcome?.length) query.whereIn('outcome', filter.outcome);
      if (filter.from)
        query.where('ts', '>=', new Date(filter.from).toISOString());
      if (filter.to) query.where('ts', '<', new Date(filter.to).toISOString());
      if (like !== undefined) {
        query.where(q =>
          SEARCHED_COLUMNS.reduce(
            (acc, column, i) =>
              i === 0
                ? acc.whereRaw(`?? ${op} ? escape '\\'`, [column, like])
                : acc.orWhereRaw(`?? ${op} ? escape '\\'`, [column, like]),
            q,
          ),
        );
      }
    };
  }

  async query(
    filter: AuditEventFilter,
    options: { beforeSeq?: number; limit: number },
  ): Promise<AuditEvent[]> {
    const query = this.db<EventRow>('audit_events');
    (await this.compileFilter(filter))(query);
    if (options.beforeSeq !== undefined)
      query.where('seq', '<', options.beforeSeq);
    const rows = await query.orderBy('seq', 'desc').limit(options.limit);
    return this.toEvents(rows);
  }

  async getById(id: string): Promise<AuditEvent> {
    const row = await this.db<EventRow>('audit_events').where({ id }).first();
    if (!row) throw new NotFoundError(`No audit event ${id}`);
    return (await this.toEvents([row]))[0];
  }

  async count(filter: AuditEventFilter): Promise<number> {
    const query = this.db('audit_events');
    (await this.compileFilter(filter))(query);
    const row = await query.count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  /**
   * The actions and plugins the log holds, sorted: the choices of the event
   * filters. Each is walked through its index one value at a time (a loose
   * index scan), so a log of millions of events answers as fast as a small
   * one; at most `MAX_DISTINCT_VALUES` of each.
   */
  async distinctValues(): Promise<{ actions: string[]; plugins: string[] }> {
    const [actions, plugins] = await Promise.all([
      this.distinctOf('action'),
      this.distinctOf('plugin'),
    ]);
    return { actions, plugins };
  }

  private async distinctOf(column: 'action' | 'plugin'): Promise<string[]> {
    const result = await this.db.raw(
      `WITH RECURSIVE walk(value) AS (
         SELECT MIN(??) FROM audit_events
         UNION ALL
         SELECT (SELECT MIN(??) FROM audit_events WHERE ?? > walk.value)
         FROM walk WHERE walk.value IS NOT NULL
       )
       SELECT value FROM walk WHERE value IS NOT NULL LIMIT ?`,
      [column, column, column, MAX_DISTINCT_VALUES],
    );
    const rows: Array<{ value: string }> = Array.isArray(result)
      ? result
      : result.rows;
    return rows.map(row => row.value);
  }

  async dailyActivity(filter: AuditEventFilter): Promise<DailyActivity> {
    const query = this.db('audit_events');
    (await this.compileFilter(filter))(query);
    const rows = (await query
      .select(this.db.raw('substr(ts, 1, 10) as day'), 'severity')
      .count({ n: '*' })
      .groupByRaw('substr(ts, 1, 10), severity')
      .orderBy('day')) as unknown as Array<{
      day: string;
      severity: string;
      n: number | string;
    }>;
    const days = new Map<string, { day: string } & Record<Severity, number>>();
    for (const row of rows) {
      const entry = days.get(row.day) ?? {
        day: row.day,
        low: 0,
        medium: 0,
        high: 0,
        critical: 0,
      };
      if ((SEVERITIES as readonly string[]).includes(row.severity)) {
        entry[row.severity as Severity] += Number(row.n);
      }
      days.set(row.day, entry);
    }
    return { days: [...days.values()] };
  }

  /**
   * Oldest first, in pages: constant memory whatever the size. The next page
   * is fetched while the caller works on the current one.
   */
  async *iterate(
    filter: AuditEventFilter,
    pageSize = EXPORT_PAGE,
  ): AsyncGenerator<AuditEvent[]> {
    const subjects: SubjectRefs = new Map();
    const where = await this.compileFilter(filter);
    for await (const rows of this.pagesOf(where, pageSize)) {
      await this.subjects.resolve(rows, subjects);
      yield rows.map(row => toEvent(row, subjects));
    }
  }

  /** Every event about one person: as actor, real actor, target or in meta. */
  async *iterateSubject(
    ref: string,
    batchSize = 5000,
  ): AsyncGenerator<AuditEvent[]> {
    if (!USER_REF.test(ref))
      throw new InputError(`${ref} is not a user entity ref`);
    const subject = await this.subjects.subjectIdOf(ref);
    if (!subject) return;
    const stored = `${SUBJECT_PREFIX}${subject}`;
    let afterSeq = 0;
    for (;;) {
      const rows = await this.db<EventRow>('audit_events')
        .where(q =>
          q
            .where('actor', stored)
            .orWhere('real_actor', stored)
            .orWhere('target', stored)
            .orWhere('meta', 'like', `%"${stored}"%`),
        )
        .where('seq', '>', afterSeq)
        .orderBy('seq', 'asc')
        .limit(batchSize);
      if (!rows.length) return;
      afterSeq = Number(rows[rows.length - 1].seq);
      yield await this.toEvents(rows);
      if (rows.length < batchSize) return;
    }
  }

  /** Stored rows oldest first, keyset-paged, one page fetched ahead. */
  private async *pagesOf(
    where: CompiledFilter,
    pageSize: number,
  ): AsyncGenerator<EventRow[]> {
    const fetch = (afterSeq: number): Promise<EventRow[]> => {
      const query = this.db<EventRow>('audit_events');
      where(query);
      query.where('seq', '>', afterSeq).orderBy('seq', 'asc').limit(pageSize);
      const rows: Promise<EventRow[]> = Promise.resolve(query.select('*'));
      // a page fetched ahead for a reader that stopped must not become an
      // unhandled rejection; a reader that waits for it still sees the error
      rows.catch(() => {});
      return rows;
    };
    let next = fetch(0);
    for (;;) {
      const rows = await next;
      if (!rows.length) return;
      const full = rows.length === pageSize;
      if (full) next = fetch(Number(rows[rows.length - 1].seq));
      yield rows;
      if (!full) return;
    }
  }

  private async toEvents(rows: EventRow[]): Promise<AuditEvent[]> {
    const subjects: SubjectRefs = new Map();
    await this.subjects.resolve(rows, subjects);
    return rows.map(row => toEvent(row, subjects));
  }
}

/** A stored row as the event readers see: people revealed unless erased. */
export function toEvent(row: EventRow, subjects: SubjectRefs): AuditEvent {
  const actor = (
    value: string | null,
    type: string,
  ): AuditActor | undefined => {
    if (!value) return type === 'none' ? { type: 'none' } : undefined;
    if (!value.startsWith(SUBJECT_PREFIX)) {
      return { type: type as AuditActor['type'], ref: value };
    }
    const subjectId = value.slice(SUBJECT_PREFIX.length);
    const ref = subjects.get(subjectId);
    return ref
      ? { type: 'user', ref, subjectId }
      : { type: 'user', subjectId, erased: true };
  };
  const reveal = (value: string | null) => {
    if (!value?.startsWith(SUBJECT_PREFIX)) return value ?? undefined;
    return subjects.get(value.slice(SUBJECT_PREFIX.length)) ?? value;
  };
  return {
    id: row.id,
    seq: Number(row.seq),
    timestamp: row.ts,
    actor: actor(row.actor, row.actor_type) ?? {
      type: row.actor_type as AuditActor['type'],
    },
    realActor: row.real_actor ? actor(row.real_actor, 'user') : undefined,
    ip: row.ip ?? undefined,
    userAgent: row.user_agent ?? undefined,
    plugin: row.plugin,
    action: row.action,
    severity: row.severity as Severity,
    target: reveal(row.target),
    outcome: row.outcome as Outcome,
    error: row.error ?? undefined,
    request: row.method
      ? { method: row.method, path: row.path ?? '' }
      : undefined,
    meta: row.meta ? JSON.parse(revealMeta(row.meta, subjects)) : undefined,
    metaTruncated: Boolean(row.meta_truncated),
    correlationId: row.correlation_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
