import {
  AuditActor,
  AuditEvent,
  AuditEventFilter,
  ChainVerification,
  DailyActivity,
  ExportManifest,
  Outcome,
  Severity,
} from '@internal/backstage-plugin-audit-log-common';
import { AuditExportFormat } from './exportFormats';

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

/**
 * A part of an export: its bytes and the events it holds. A part of a COPY
 * export holds no count: the last part carries the count and the first and
 * last sequence numbers of the whole export.
 */
export interface ExportPage {
  data: string | Buffer;
  rowCount: number;
  firstSeq?: number;
  lastSeq?: number;
}

/**
 * The audit log: append-only, hash-chained, shared by every plugin. Other
 * packages depend on this interface; `DatabaseAuditStore` implements it.
 *
 * @public
 */
export interface AuditStore {
  // append and chain

  /**
   * Appends one event; resolves once it is committed. An event whose
   * severity, outcome, actor type or ids are not of their kind is refused
   * with an InputError. Callers record events through `recordAuditEvent`,
   * which also logs them.
   */
  append(input: AuditEventInput): Promise<{ id: string; seq: number }>;

  /**
   * Appends the outcome of an action that already took effect: when the
   * database is unreachable it is kept and written again until stored.
   * Resolves `'written'`, or `'kept'` when the write goes on after `waitMs`.
   */
  appendOutcome(
    input: AuditEventInput,
    waitMs?: number,
  ): Promise<'written' | 'kept'>;

  /** Waits up to `timeoutMs` for kept outcomes to be written (at shutdown). */
  flushOutcomes(timeoutMs: number): Promise<void>;

  // queries

  /** Newest first; `beforeSeq` continues after a page. */
  query(
    filter: AuditEventFilter,
    options: { beforeSeq?: number; limit: number },
  ): Promise<AuditEvent[]>;

  /** One event; NotFoundError when there is none of that id. */
  getById(id: string): Promise<AuditEvent>;

  count(filter: AuditEventFilter): Promise<number>;

  dailyActivity(filter: AuditEventFilter): Promise<DailyActivity>;

  /** The actions and plugins the log holds, sorted: the filters' choices. */
  distinctValues(): Promise<{ actions: string[]; plugins: string[] }>;

  /** Oldest first, in pages: constant memory whatever the size. */
  iterate(
    filter: AuditEventFilter,
    pageSize?: number,
  ): AsyncGenerator<AuditEvent[]>;

  // verification

  /**
   * Recomputes the chain over a range of sequence numbers (all by default)
   * and reports the first event that does not verify.
   */
  verify(range?: {
    fromSeq?: number;
    toSeq?: number;
  }): Promise<ChainVerification>;

  // retention

  /**
   * Deletes the events older than the cutoff and appends a checkpoint, so
   * the remaining chain still verifies.
   */
  purgeBefore(cutoff: Date): Promise<{ purged: number; throughSeq?: number }>;

  // exports

  /** An export's text, oldest first, in parts (see exportFormats.ts). */
  exportPages(
    filter: AuditEventFilter,
    format: AuditExportFormat,
    pageSize?: number,
  ): AsyncGenerator<ExportPage>;

  saveManifest(manifest: ExportManifest): Promise<void>;

  /** A completed export's manifest; NotFoundError for any other id. */
  getManifest(exportId: string): Promise<ExportManifest>;

  // subjects and erasure

  /** Every event about one person: as actor, real actor, target or in meta. */
  iterateSubject(ref: string, batchSize?: number): AsyncGenerator<AuditEvent[]>;

  /**
   * Makes a person's identity unrecoverable: their pseudonym's mapping is
   * deleted, the events keep the pseudonym, so the chain still verifies.
   */
  eraseSubject(ref: string): Promise<{ subjectId: string; erasedAt: string }>;
}
