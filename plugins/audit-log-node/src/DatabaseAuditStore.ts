import {
  DatabaseService,
  LoggerService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  AuditActor,
  AuditEvent,
  AuditEventFilter,
  ChainVerification,
  DailyActivity,
  ExportManifest,
  Outcome,
  OUTCOMES,
  SEVERITIES,
  Severity,
} from '@internal/backstage-plugin-audit-log-common';
import { createHash, randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { ChainRecord, chainHash, GENESIS_HASH } from './chain';
import {
  AuditExportFormat,
  csvLineOfRow,
  EXPORT_COLUMNS,
  ExportRow,
  ndjsonLineOfRow,
  revealMeta,
  SubjectRefs,
} from './exportFormats';
import { ExportPage, postgresExport } from './postgresExport';
import { prepareMeta } from './prepareMeta';
import { ulid } from './ulid';

const migrationsDir = resolvePackagePath(
  '@internal/backstage-plugin-audit-log-node',
  'migrations',
);

/** One event to append. The store assigns seq, hashes and (if absent) id and time. */
export interface AuditEventInput {
  id?: string;
  timestamp?: Date;
  actor: { type: AuditActor['type']; ref?: string };
  realActor?: { type: AuditActor['type']; ref?: string };
  ip?: string;
  userAgent?: string;
  plugin: string;
  action: string;
  severity: Severity;
  target?: string;
  outcome: Outcome;
  error?: string;
  method?: string;
  path?: string;
  meta?: unknown;
  /** The id of the `initiated` event this one completes. */
  correlationId?: string;
}

export type { ExportPage };

/** The stored row. */
interface EventRow {
  seq: number | string;
  id: string;
  ts: string;
  actor: string | null;
  actor_type: string;
  real_actor: string | null;
  ip: string | null;
  user_agent: string | null;
  plugin: string;
  action: string;
  severity: string;
  target: string | null;
  outcome: string;
  error: string | null;
  method: string | null;
  path: string | null;
  meta: string | null;
  meta_truncated: boolean | number;
  correlation_id: string;
  prev_hash: string;
  hash: string;
}

interface Pending {
  input: AuditEventInput;
  resolve(result: { id: string; seq: number }): void;
  reject(error: Error): void;
}

const USER_REF = /^user:[^:/\s]+\/[^\s]+$/i;
const SUBJECT_PREFIX = 'subject:';
const BATCH = 500;
const INSERT_CHUNK = 200;
const SUBJECT_CACHE_MS = 60_000;
/** Rows per page of an export or verification: small enough for steady memory. */
const EXPORT_PAGE = 1000;
const VERIFY_PAGE = 5000;
/** Pseudonyms one export remembers before it starts over. */
const SUBJECT_LOOKUP_MAX = 50_000;
/** The columns free-text search (`q`) reads; PostgreSQL has trigram indexes on them. */
const SEARCHED_COLUMNS = ['meta', 'action', 'target', 'error', 'path'];

/** What a pass over the chain found. */
interface ScanResult {
  checked: number;
  last?: { seq: number; ts: string };
  broken?: { row: { seq: number | string; id: string }; reason: string };
}

export const RETENTION_CHECKPOINT_ACTION = 'retention-checkpoint';

function refHash(ref: string): string {
  return createHash('sha256').update(ref.toLocaleLowerCase('en-US')).digest('hex');
}

function toRecord(row: EventRow): ChainRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    ts: row.ts,
    actor: row.actor,
    actorType: row.actor_type,
    realActor: row.real_actor,
    ip: row.ip,
    userAgent: row.user_agent,
    plugin: row.plugin,
    action: row.action,
    severity: row.severity,
    target: row.target,
    outcome: row.outcome,
    error: row.error,
    method: row.method,
    path: row.path,
    meta: row.meta,
    metaTruncated: Boolean(row.meta_truncated),
    correlationId: row.correlation_id,
  };
}

/** The columns resolveSubjects reads, at their EXPORT_COLUMNS positions. */
function rowSubjectColumns(row: EventRow): ExportRow {
  const columns: unknown[] = [];
  columns[3] = row.actor;
  columns[5] = row.real_actor;
  columns[11] = row.target;
  columns[16] = row.meta;
  return columns;
}

const ACTOR_TYPES: ReadonlyArray<string> = ['user', 'service', 'none'];
/** Ids the store writes (ULIDs) and ids callers may give: letters and digits. */
const EVENT_ID = /^[0-9A-Za-z]{1,26}$/;

/** What is wrong with an event to append, if anything. */
function invalidInput(input: AuditEventInput): string | undefined {
  if (!(SEVERITIES as ReadonlyArray<string>).includes(input.severity)) {
    return `severity "${input.severity}" is not one of ${SEVERITIES.join(', ')}`;
  }
  if (!(OUTCOMES as ReadonlyArray<string>).includes(input.outcome)) {
    return `outcome "${input.outcome}" is not one of ${OUTCOMES.join(', ')}`;
  }
  for (const actor of [input.actor, input.realActor]) {
    if (actor && !ACTOR_TYPES.includes(actor.type)) {
      return `actor type "${actor.type}" is not one of ${ACTOR_TYPES.join(', ')}`;
    }
  }
  for (const [name, value] of [['id', input.id], ['correlationId', input.correlationId]] as const) {
    if (value !== undefined && !EVENT_ID.test(value)) {
      return `${name} "${value}" is not 1 to 26 letters and digits`;
    }
  }
  return undefined;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, c => `\\${c}`);
}

/**
 * The audit store: append-only, hash-chained, shared by every plugin.
 *
 * Appends are queued and written in batches under a lock on the chain's head
 * row (SELECT ... FOR UPDATE on PostgreSQL), so the chain stays linear across
 * concurrent writers and backend instances; each caller's promise settles
 * when its batch has committed.
 */
export class DatabaseAuditStore {
  private readonly queue: Pending[] = [];
  private draining?: Promise<void>;
  private readonly subjectCache = new Map<string, { id: string; at: number }>();

  private constructor(
    private readonly db: Knex,
    private readonly logger?: LoggerService,
  ) {}

  static async create(options: {
    database: DatabaseService;
    logger?: LoggerService;
  }): Promise<DatabaseAuditStore> {
    const db = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await db.migrate.latest({ directory: migrationsDir, tableName: 'audit_log_migrations' });
    }
    return new DatabaseAuditStore(db, options.logger);
  }

  private get isPostgres(): boolean {
    return this.db.client.config.client === 'pg';
  }

  // ---------------------------------------------------------------- writing

  /**
   * Appends one event; resolves once it is committed. An event whose
   * severity, outcome, actor type or ids are not of their kind is refused:
   * exports write these columns without escaping them.
   */
  append(input: AuditEventInput): Promise<{ id: string; seq: number }> {
    const problem = invalidInput(input);
    if (problem) return Promise.reject(new InputError(`Audit event not stored: ${problem}`));
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule() {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      // an append may have arrived after the loop saw an empty queue
      if (this.queue.length) this.schedule();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, BATCH);
      try {
        const written = await this.writeBatch(batch.map(p => p.input));
        batch.forEach((p, i) => p.resolve(written[i]));
      } catch (error) {
        this.logger?.error(`Audit store could not write ${batch.length} event(s)`, error as Error);
        batch.forEach(p => p.reject(error as Error));
      }
    }
  }

  private async writeBatch(inputs: AuditEventInput[]) {
    return this.db.transaction(async tx => {
      const head = await tx('audit_chain_head')
        .where({ id: 1 })
        .forUpdate()
        .first<{ seq: number | string; hash: string }>();
      if (!head) throw new Error('audit_chain_head is missing its row');
      let seq = Number(head.seq);
      let prevHash = head.hash;

      const refs = new Set<string>();
      for (const input of inputs) {
        for (const actor of [input.actor, input.realActor]) {
          if (actor?.type === 'user' && actor.ref) refs.add(actor.ref);
        }
        if (input.target && USER_REF.test(input.target)) refs.add(input.target);
      }
      const metaRefs = new Set<string>();
      const prepared = inputs.map(input => {
        const meta = prepareMeta(input.meta);
        if (meta.meta) {
          for (const m of meta.meta.matchAll(/"(user:[^"\\\s:/]+\/[^"\\\s]+)"/gi)) {
            metaRefs.add(m[1]);
          }
        }
        return { input, meta };
      });
      metaRefs.forEach(r => refs.add(r));
      const subjects = await this.subjectsFor(tx, [...refs]);
      const pseudonym = (ref: string) => `${SUBJECT_PREFIX}${subjects.get(ref)}`;

      const rows: EventRow[] = prepared.map(({ input, meta }) => {
        seq += 1;
        const id = input.id ?? ulid();
        let storedMeta = meta.meta;
        if (storedMeta && metaRefs.size) {
          storedMeta = storedMeta.replace(
            /"(user:[^"\\\s:/]+\/[^"\\\s]+)"/gi,
            (_m, ref: string) => JSON.stringify(pseudonym(ref)),
          );
        }
        const actorOf = (a?: { type: string; ref?: string }) => {
          if (!a?.ref) return null;
          return a.type === 'user' ? pseudonym(a.ref) : a.ref;
        };
        const record: ChainRecord = {
          seq,
          id,
          ts: (input.timestamp ?? new Date()).toISOString(),
          actor: actorOf(input.actor),
          actorType: input.actor.type,
          realActor: actorOf(input.realActor),
          ip: input.ip ?? null,
          userAgent: input.userAgent ?? null,
          plugin: input.plugin,
          action: input.action,
          severity: input.severity,
          target:
            input.target && USER_REF.test(input.target)
              ? pseudonym(input.target)
              : input.target ?? null,
          outcome: input.outcome,
          error: input.error ?? null,
          method: input.method ?? null,
          path: input.path ?? null,
          meta: storedMeta,
          metaTruncated: meta.truncated,
          correlationId: input.correlationId ?? id,
        };
        const hash = chainHash(prevHash, record);
        const row: EventRow = {
          seq: record.seq,
          id: record.id,
          ts: record.ts,
          actor: record.actor,
          actor_type: record.actorType,
          real_actor: record.realActor,
          ip: record.ip,
          user_agent: record.userAgent,
          plugin: record.plugin,
          action: record.action,
          severity: record.severity,
          target: record.target,
          outcome: record.outcome,
          error: record.error,
          method: record.method,
          path: record.path,
          meta: record.meta,
          meta_truncated: record.metaTruncated,
          correlation_id: record.correlationId,
          prev_hash: prevHash,
          hash,
        };
        prevHash = hash;
        return row;
      });

      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await tx('audit_events').insert(rows.slice(i, i + INSERT_CHUNK));
      }
      await tx('audit_chain_head').where({ id: 1 }).update({ seq, hash: prevHash });
      return rows.map(r => ({ id: r.id, seq: Number(r.seq) }));
    });
  }

  /** The pseudonyms of these people, created on first sight. */
  private async subjectsFor(tx: Knex, refs: string[]): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    const missing: string[] = [];
    const now = Date.now();
    for (const ref of refs) {
      const cached = this.subjectCache.get(ref.toLocaleLowerCase('en-US'));
      if (cached && now - cached.at < SUBJECT_CACHE_MS) result.set(ref, cached.id);
      else missing.push(ref);
    }
    if (!missing.length) return result;
    const hashes = new Map(missing.map(ref => [refHash(ref), ref]));
    const existing = await tx('audit_subjects')
      .whereIn('ref_hash', [...hashes.keys()])
      .select('subject_id', 'ref_hash');
    for (const row of existing) {
      hashes.delete(row.ref_hash);
      const ref = missing.find(r => refHash(r) === row.ref_hash)!;
      result.set(ref, row.subject_id);
    }
    const created = [...hashes.entries()].map(([hash, ref]) => ({
      subject_id: randomUUID(),
      ref_hash: hash,
      entity_ref: ref.toLocaleLowerCase('en-US'),
      created_at: new Date().toISOString(),
    }));
    if (created.length) {
      await tx('audit_subjects').insert(created);
      created.forEach(c => result.set(hashes.get(c.ref_hash)!, c.subject_id));
    }
    for (const [ref, id] of result) {
      this.subjectCache.set(ref.toLocaleLowerCase('en-US'), { id, at: now });
    }
    return result;
  }

  // ---------------------------------------------------------------- reading

  private async subjectIdOf(ref: string): Promise<string | undefined> {
    const row = await this.db('audit_subjects').where({ ref_hash: refHash(ref) }).first();
    return row?.subject_id;
  }

  /** Turns a person's ref into the stored pseudonym, or keeps a service ref. */
  private async storedRef(ref: string): Promise<string> {
    if (!USER_REF.test(ref)) return ref;
    const subject = await this.subjectIdOf(ref);
    // a person the log has never seen: match nothing
    return subject ? `${SUBJECT_PREFIX}${subject}` : `${SUBJECT_PREFIX}unknown`;
  }

  /**
   * Adds the filter's conditions to `query`. Returns nothing on purpose: an
   * async function returning a knex builder would run it (builders are
   * thenables), fetching every matching row on each call.
   */
  private async applyFilter(
    query: Knex.QueryBuilder,
    filter: AuditEventFilter,
  ): Promise<void> {
    (await this.compileFilter(filter))(query);
  }

  /**
   * The filter as a function adding its conditions to a query: the people it
   * names are looked up once, so a paged read (an export) does not repeat
   * those lookups for every page.
   */
  private async compileFilter(
    filter: AuditEventFilter,
  ): Promise<(query: Knex.QueryBuilder) => void> {
    const actor = filter.actor ? await this.storedRef(filter.actor) : undefined;
    const targets = await Promise.all(
      ([] as string[]).concat(filter.target ?? []).map(t => this.storedRef(t)),
    );
    const like = filter.q ? `%${escapeLike(filter.q)}%` : undefined;
    const op = this.isPostgres ? 'ilike' : 'like';
    return query => {
      if (actor !== undefined) {
        query.where(q => q.where('actor', actor).orWhere('real_actor', actor));
      }
      if (targets.length) query.whereIn('target', targets);
      if (filter.action?.length) query.whereIn('action', filter.action);
      if (filter.plugin?.length) query.whereIn('plugin', filter.plugin);
      if (filter.severity?.length) query.whereIn('severity', filter.severity);
      if (filter.outcome?.length) query.whereIn('outcome', filter.outcome);
      if (filter.from) query.where('ts', '>=', new Date(filter.from).toISOString());
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

  /** Newest first; `beforeSeq` continues after a page. */
  async query(
    filter: AuditEventFilter,
    options: { beforeSeq?: number; limit: number },
  ): Promise<AuditEvent[]> {
    const query = this.db<EventRow>('audit_events');
    await this.applyFilter(query, filter);
    if (options.beforeSeq !== undefined) query.where('seq', '<', options.beforeSeq);
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
    await this.applyFilter(query, filter);
    const row = await query.count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  async dailyActivity(filter: AuditEventFilter): Promise<DailyActivity> {
    const query = this.db('audit_events');
    await this.applyFilter(query, filter);
    const rows = (await query
      .select(this.db.raw('substr(ts, 1, 10) as day'), 'severity')
      .count({ n: '*' })
      .groupByRaw('substr(ts, 1, 10), severity')
      .orderBy('day')) as unknown as Array<{ day: string; severity: string; n: number | string }>;
    const days = new Map<string, { day: string } & Record<Severity, number>>();
    for (const row of rows) {
      const entry = days.get(row.day) ?? { day: row.day, low: 0, medium: 0, high: 0, critical: 0 };
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
    for await (const rows of this.pagesOf<EventRow>(filter, pageSize)) {
      await this.resolveSubjects(rows.map(rowSubjectColumns), subjects);
      yield rows.map(row => this.toEvent(row, subjects));
    }
  }

  /**
   * An export's text, oldest first, a page of about a thousand events at a
   * time: the records csvRow / ndjsonRow give for the events `iterate`
   * yields, written straight from the stored rows (meta is not parsed and
   * re-serialised; people are looked up once per export, not per page).
   */
  async *exportPages(
    filter: AuditEventFilter,
    format: AuditExportFormat,
    pageSize = EXPORT_PAGE,
  ): AsyncGenerator<ExportPage> {
    if (this.isPostgres) {
      // one binary COPY; the records are written from its bytes as it streams
      const where = await this.compileFilter(filter);
      const filtered = this.db('audit_events');
      where(filtered);
      yield* postgresExport(this.db, filtered.select('*'), format);
      return;
    }
    const subjects: SubjectRefs = new Map();
    const line = format === 'csv' ? csvLineOfRow : ndjsonLineOfRow;
    for await (const rows of this.pagesOf<ExportRow>(filter, pageSize, true)) {
      await this.resolveSubjects(rows, subjects);
      const lines = new Array<string>(rows.length);
      for (let i = 0; i < rows.length; i++) lines[i] = line(rows[i], subjects);
      yield {
        data: lines.join(''),
        rowCount: rows.length,
        firstSeq: Number(rows[0][0]),
        lastSeq: Number(rows[rows.length - 1][0]),
      };
    }
  }

  /**
   * Stored rows oldest first, keyset-paged, one page fetched ahead; as arrays
   * in the order of EXPORT_COLUMNS when `asArrays`.
   */
  private async *pagesOf<T extends EventRow | ExportRow>(
    filter: AuditEventFilter,
    pageSize: number,
    asArrays = false,
  ): AsyncGenerator<T[]> {
    const where = await this.compileFilter(filter);
    const fetch = (afterSeq: number): Promise<T[]> => {
      const query = this.db('audit_events');
      where(query);
      query.where('seq', '>', afterSeq).orderBy('seq', 'asc').limit(pageSize);
      let rows: Promise<T[]>;
      if (!asArrays) {
        rows = Promise.resolve(query.select('*'));
      } else if (this.isPostgres) {
        // pg builds no object per row
        rows = Promise.resolve(query.select(EXPORT_COLUMNS).options({ rowMode: 'array' }));
      } else {
        rows = Promise.resolve(query.select(EXPORT_COLUMNS)).then(objects =>
          objects.map((o: Record<string, unknown>) => EXPORT_COLUMNS.map(c => o[c])),
        ) as Promise<T[]>;
      }
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
      if (full) {
        const last = rows[rows.length - 1];
        next = fetch(Number(Array.isArray(last) ? last[0] : (last as EventRow).seq));
      }
      yield rows;
      if (!full) return;
    }
  }

  private async toEvents(rows: EventRow[]): Promise<AuditEvent[]> {
    const subjects: SubjectRefs = new Map();
    await this.resolveSubjects(rows.map(rowSubjectColumns), subjects);
    return rows.map(row => this.toEvent(row, subjects));
  }

  /**
   * Adds to `subjects` every pseudonym in these rows (arrays in the order of
   * EXPORT_COLUMNS, or at least their actor, real actor, target and meta) it
   * does not hold yet.
   */
  private async resolveSubjects(rows: ExportRow[], subjects: SubjectRefs): Promise<void> {
    const ids = new Set<string>();
    const collect = (value: unknown) => {
      // 's' first: most values are not pseudonyms
      if (typeof value === 'string' && value.charCodeAt(0) === 115 && value.startsWith(SUBJECT_PREFIX)) {
        const id = value.slice(SUBJECT_PREFIX.length);
        if (!subjects.has(id)) ids.add(id);
      }
    };
    for (const row of rows) {
      collect(row[3]);
      collect(row[5]);
      collect(row[11]);
      const meta = row[16];
      if (typeof meta === 'string' && meta.includes('"subject:')) {
        for (const m of meta.matchAll(/"subject:([0-9a-f-]{36})"/g)) {
          if (!subjects.has(m[1])) ids.add(m[1]);
        }
      }
    }
    if (!ids.size) return;
    // what one export remembers stays bounded whatever the number of people:
    // past the limit it starts over with this page's people
    if (subjects.size && subjects.size + ids.size > SUBJECT_LOOKUP_MAX) {
      subjects.clear();
      await this.resolveSubjects(rows, subjects);
      return;
    }
    const idList = [...ids];
    for (let i = 0; i < idList.length; i += 500) {
      const chunk = idList.slice(i, i + 500);
      const found = await this.db('audit_subjects')
        .whereIn('subject_id', chunk)
        .select('subject_id', 'entity_ref');
      chunk.forEach(id => subjects.set(id, null));
      found.forEach(s => subjects.set(s.subject_id, s.entity_ref ?? null));
    }
  }

  private toEvent(row: EventRow, subjects: SubjectRefs): AuditEvent {
    const actor = (value: string | null, type: string): AuditActor | undefined => {
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
      actor: actor(row.actor, row.actor_type) ?? { type: row.actor_type as AuditActor['type'] },
      realActor: row.real_actor ? actor(row.real_actor, 'user') : undefined,
      ip: row.ip ?? undefined,
      userAgent: row.user_agent ?? undefined,
      plugin: row.plugin,
      action: row.action,
      severity: row.severity as Severity,
      target: reveal(row.target),
      outcome: row.outcome as Outcome,
      error: row.error ?? undefined,
      request: row.method ? { method: row.method, path: row.path ?? '' } : undefined,
      meta: row.meta ? JSON.parse(revealMeta(row.meta, subjects)) : undefined,
      metaTruncated: Boolean(row.meta_truncated),
      correlationId: row.correlation_id,
      prevHash: row.prev_hash,
      hash: row.hash,
    };
  }

  // ---------------------------------------------------------- verification

  /**
   * Recomputes the chain over a range of sequence numbers (all by default)
   * and reports the first event that does not verify: a changed column, a
   * missing event, or a start that no retention checkpoint accounts for.
   */
  async verify(range: { fromSeq?: number; toSeq?: number } = {}): Promise<ChainVerification> {
    const started = Date.now();
    const first = await this.db<EventRow>('audit_events')
      .where('seq', '>=', range.fromSeq ?? 0)
      .orderBy('seq', 'asc')
      .first();
    const result: ChainVerification = {
      ok: true,
      checked: 0,
      checkedAt: new Date().toISOString(),
      durationMs: 0,
    };
    if (!first || (range.toSeq !== undefined && Number(first.seq) > range.toSeq)) {
      return { ...result, durationMs: Date.now() - started };
    }
    const broken = (row: { seq: number | string; id: string }, reason: string) => ({
      ...result,
      ok: false,
      brokenAt: { seq: Number(row.seq), id: row.id, reason },
      durationMs: Date.now() - started,
    });

    // Where the chain may start: the genesis, a retention checkpoint, or the
    // event before an explicitly requested range.
    let expectedPrev: string;
    const firstSeq = Number(first.seq);
    if (firstSeq === 1) {
      expectedPrev = GENESIS_HASH;
    } else {
      const before = await this.db<EventRow>('audit_events').where('seq', firstSeq - 1).first();
      if (before) {
        expectedPrev = before.hash;
      } else {
        const checkpoint = await this.findCheckpoint(firstSeq - 1);
        if (!checkpoint) {
          return broken(first, `events before #${firstSeq} are missing and no retention checkpoint accounts for them`);
        }
        expectedPrev = checkpoint;
      }
    }
    result.fromSeq = firstSeq;
    if (first.prev_hash !== expectedPrev) {
      return broken(first, `its previous hash does not match event #${firstSeq - 1}`);
    }

    let scan: ScanResult;
    if (this.isPostgres) {
      scan = await this.scanInDatabase(firstSeq, expectedPrev, range.toSeq);
    } else {
      scan = await this.scanChain(firstSeq, expectedPrev, range.toSeq);
    }
    result.checked = scan.checked;
    if (scan.broken) return broken(scan.broken.row, scan.broken.reason);
    const last = scan.last;
    if (range.toSeq === undefined && last) {
      const head = await this.db('audit_chain_head').where({ id: 1 }).first();
      if (head && Number(head.seq) > Number(last.seq)) {
        return broken(
          { seq: Number(last.seq) + 1, id: '' },
          `the chain head says #${head.seq} but the last stored event is #${last.seq} (events removed at the end)`,
        );
      }
    }
    return {
      ...result,
      toSeq: last ? Number(last.seq) : undefined,
      verifiedUpTo: last ? { seq: Number(last.seq), timestamp: last.ts } : undefined,
      durationMs: Date.now() - started,
    };
  }

  /**
   * Recomputes the chain in Node from `fromSeq` (whose previous hash must be
   * `startPrev`) through `toSeq`, page by page, the next page fetched
   * while this one is hashed.
   */
  private async scanChain(fromSeq: number, startPrev: string, toSeq?: number): Promise<ScanResult> {
    let expectedSeq = fromSeq;
    let expectedPrev = startPrev;
    let checked = 0;
    let last: { seq: number; ts: string } | undefined;
    const fail = (row: EventRow, reason: string): ScanResult => ({ checked, last, broken: { row, reason } });
    const fetch = (afterSeq: number): Promise<EventRow[]> => {
      const page = this.db<EventRow>('audit_events').where('seq', '>', afterSeq);
      if (toSeq !== undefined) page.where('seq', '<=', toSeq);
      const rows: Promise<EventRow[]> = Promise.resolve(
        page.orderBy('seq', 'asc').limit(VERIFY_PAGE),
      );
      rows.catch(() => {}); // not awaited when the chain breaks on this page
      return rows;
    };
    let next = fetch(fromSeq - 1);
    for (;;) {
      const rows = await next;
      const full = rows.length === VERIFY_PAGE;
      if (full) next = fetch(Number(rows[rows.length - 1].seq));
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== expectedSeq) return fail(row, `event #${expectedSeq} is missing (next stored is #${seq})`);
        if (row.prev_hash !== expectedPrev) return fail(row, `its previous hash does not match event #${seq - 1}`);
        if (chainHash(expectedPrev, toRecord(row)) !== row.hash) {
          return fail(row, 'its stored content does not match its hash (modified)');
        }
        expectedPrev = row.hash;
        expectedSeq += 1;
        checked += 1;
        last = { seq, ts: row.ts };
      }
      if (!full) break;
    }
    return { checked, last };
  }

  /**
   * The same check computed by PostgreSQL in one pass: each event's hash
   * from its columns (row_to_json writes the canonical JSON of chain.ts
   * byte for byte: the columns in its key order, no spaces) and each link
   * to the event before. The first event it finds wrong, if any, is checked
   * again in Node from the event before it, which names the reason; were
   * the two ever to disagree, the whole range is checked in Node.
   */
  private async scanInDatabase(fromSeq: number, expectedPrev: string, toSeq?: number): Promise<ScanResult> {
    const upper = toSeq === undefined ? '' : 'AND e.seq <= ?';
    const bindings = toSeq === undefined ? [fromSeq] : [fromSeq, toSeq];
    // Each event's hash, from its own columns: a scan PostgreSQL may split
    // across workers (min(seq + 0): no shortcut through the index that would
    // read in order on one core). The composite type audit_chain_record
    // (migration 20261130_export_functions.js) names the fields.
    const hashes = await this.db.raw<{ rows: Array<{ first_bad: string | null }> }>(
      `SELECT min(e.seq + 0) AS first_bad FROM audit_events e
       WHERE e.seq >= ? ${upper}
         AND e.hash <> encode(pg_catalog.sha256(pg_catalog.convert_to(
           e.prev_hash || E'\n' || pg_catalog.row_to_json(ROW(
             e.action, e.actor, e.actor_type, e.correlation_id, e.error, e.id, e.ip, e.meta,
             e.meta_truncated, e.method, e.outcome, e.path, e.plugin, e.prev_hash, e.real_actor,
             e.seq, e.severity, e.target, e.ts, e.user_agent)::audit_chain_record)::text,
           'UTF8')), 'hex')`,
      bindings,
    );
    // each link to the event before, and no sequence number missing
    const links = await this.db.raw<{ rows: Array<{ first_bad: string | null; last_seq: string | null }> }>(
      `SELECT min(seq) FILTER (WHERE bad) AS first_bad, max(seq) AS last_seq FROM (
         SELECT e.seq,
           e.seq <> coalesce(lag(e.seq) OVER w + 1, e.seq)
           OR e.prev_hash <> coalesce(lag(e.hash) OVER w, e.prev_hash) AS bad
         FROM audit_events e
         WHERE e.seq >= ? ${upper}
         WINDOW w AS (ORDER BY e.seq)
       ) s`,
      bindings,
    );
    const bad = [hashes.rows[0].first_bad, links.rows[0].first_bad]
      .filter((v): v is string => v !== null)
      .map(Number);
    const count = async (below?: number) => {
      const query = this.db('audit_events').where('seq', '>=', fromSeq);
      if (toSeq !== undefined) query.where('seq', '<=', toSeq);
      if (below !== undefined) query.where('seq', '<', below);
      return Number((await query.count({ n: '*' }))[0].n);
    };
    if (!bad.length) {
      const lastSeq = links.rows[0].last_seq;
      const last = lastSeq === null
        ? undefined
        : await this.db<EventRow>('audit_events').where('seq', lastSeq).first('seq', 'ts');
      return { checked: await count(), last: last ? { seq: Number(last.seq), ts: last.ts } : undefined };
    }
    const badSeq = Math.min(...bad);
    const before = await this.db<EventRow>('audit_events')
      .where('seq', '<', badSeq)
      .where('seq', '>=', fromSeq)
      .orderBy('seq', 'desc')
      .first();
    const local = before
      ? await this.scanChain(Number(before.seq) + 1, before.hash, badSeq)
      : await this.scanChain(fromSeq, expectedPrev, badSeq);
    if (!local.broken) {
      this.logger?.warn(`Audit chain: PostgreSQL and Node disagree about event #${badSeq}; checking in Node`);
      return this.scanChain(fromSeq, expectedPrev, toSeq);
    }
    return { checked: await count(badSeq), last: before ? { seq: Number(before.seq), ts: before.ts } : undefined, broken: local.broken };
  }

  private async findCheckpoint(throughSeq: number): Promise<string | undefined> {
    const rows = await this.db<EventRow>('audit_events')
      .where({ plugin: 'audit-log', action: RETENTION_CHECKPOINT_ACTION })
      .orderBy('seq', 'desc')
      .limit(50);
    for (const row of rows) {
      const meta = row.meta ? JSON.parse(row.meta) : {};
      if (Number(meta.purgedThroughSeq) === throughSeq && typeof meta.purgedThroughHash === 'string') {
        return meta.purgedThroughHash;
      }
    }
    return undefined;
  }

  // ------------------------------------------------------------- retention

  /**
   * Deletes the events older than the cutoff (the only deletion the table
   * allows) and appends a checkpoint naming the last purged event's hash, so
   * the remaining chain still verifies.
   */
  async purgeBefore(cutoff: Date): Promise<{ purged: number; throughSeq?: number }> {
    const cutoffIso = cutoff.toISOString();
    const last = await this.db<EventRow>('audit_events')
      .where('ts', '<', cutoffIso)
      .orderBy('seq', 'desc')
      .first();
    if (!last) return { purged: 0 };
    const throughSeq = Number(last.seq);
    // never purge the newest event: the chain needs a stored anchor
    const newest = await this.db('audit_chain_head').where({ id: 1 }).first();
    if (Number(newest.seq) === throughSeq) return { purged: 0 };
    // the checkpoint first, so no moment exists where the start is unexplained
    await this.append({
      actor: { type: 'service', ref: 'plugin:audit-log' },
      plugin: 'audit-log',
      action: RETENTION_CHECKPOINT_ACTION,
      severity: 'medium',
      outcome: 'succeeded',
      meta: {
        purgedThroughSeq: throughSeq,
        purgedThroughHash: last.hash,
        cutoff: cutoffIso,
      },
    });
    const purged: number = await this.db.transaction(async tx => {
      if (this.isPostgres) {
        await tx.raw(`SET LOCAL audit_log.retention = 'on'`);
        return Number(await tx('audit_events').where('seq', '<=', throughSeq).delete());
      }
      await tx.raw('DROP TRIGGER audit_events_no_delete');
      const n = Number(await tx('audit_events').where('seq', '<=', throughSeq).delete());
      await tx.raw(`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END`);
      return n;
    });
    return { purged, throughSeq };
  }

  // ------------------------------------------------------------ personal data

  /** Every event about one person: as actor, real actor, target or in meta. */
  async *iterateSubject(ref: string, batchSize = 5000): AsyncGenerator<AuditEvent[]> {
    if (!USER_REF.test(ref)) throw new InputError(`${ref} is not a user entity ref`);
    const subject = await this.subjectIdOf(ref);
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

  /**
   * Makes a person's identity unrecoverable: their pseudonym's mapping is
   * deleted, the events keep the pseudonym, so the chain still verifies.
   */
  async eraseSubject(ref: string): Promise<{ subjectId: string; erasedAt: string }> {
    if (!USER_REF.test(ref)) throw new InputError(`${ref} is not a user entity ref`);
    const subject = await this.subjectIdOf(ref);
    if (!subject) throw new NotFoundError(`The audit log holds nothing about ${ref}`);
    const erasedAt = new Date().toISOString();
    await this.db('audit_subjects')
      .where({ subject_id: subject })
      .update({ entity_ref: null, ref_hash: null, erased_at: erasedAt });
    this.subjectCache.delete(ref.toLocaleLowerCase('en-US'));
    return { subjectId: subject, erasedAt };
  }

  // --------------------------------------------------------------- exports

  async saveManifest(manifest: ExportManifest): Promise<void> {
    await this.db('audit_exports').insert({
      export_id: manifest.exportId,
      manifest: JSON.stringify(manifest),
      created_at: manifest.createdAt,
    });
  }

  async getManifest(exportId: string): Promise<ExportManifest> {
    const row = await this.db('audit_exports').where({ export_id: exportId }).first();
    if (!row) {
      throw new NotFoundError(`No completed export ${exportId}; an interrupted export has no manifest`);
    }
    return JSON.parse(row.manifest);
  }
}
