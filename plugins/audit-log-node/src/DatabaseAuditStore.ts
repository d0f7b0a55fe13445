import {
  DatabaseService,
  LoggerService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  AuditEvent,
  AuditEventFilter,
  ChainVerification,
  DailyActivity,
  ExportManifest,
} from '@internal/backstage-plugin-audit-log-common';
import { serialiseMigrations } from '@internal/backstage-plugin-resilience-node';
import { Knex } from 'knex';
import { AuditEventInput, AuditStore, ExportPage } from './AuditStore';
import { AuditExportFormat } from './exportFormats';
import { OutcomeOutbox } from './OutcomeOutbox';
import { recordAuditEvent } from './recordAuditEvent';
import { ChainAppender } from './store/ChainAppender';
import { ChainVerifier } from './store/ChainVerifier';
import { EventQueries } from './store/EventQueries';
import { Exports } from './store/Exports';
import { Retention } from './store/Retention';
import { SubjectDirectory } from './store/SubjectDirectory';

export { RETENTION_CHECKPOINT_ACTION } from './store/rows';
export type { AuditEventInput, ExportPage } from './AuditStore';

const migrationsDir = resolvePackagePath(
  '@internal/backstage-plugin-audit-log-node',
  'migrations',
);

/**
 * The audit store on the backend's database (SQLite or PostgreSQL):
 * append-only, hash-chained, shared by every plugin. Each responsibility
 * is a module of its own under `store/`; this class wires them to one
 * connection and answers the AuditStore interface.
 */
export class DatabaseAuditStore implements AuditStore {
  private readonly outbox: OutcomeOutbox;
  private readonly appender: ChainAppender;
  private readonly queries: EventQueries;
  private readonly verifier: ChainVerifier;
  private readonly retention: Retention;
  private readonly exports: Exports;
  private readonly subjects: SubjectDirectory;

  private constructor(db: Knex, private readonly logger?: LoggerService) {
    this.subjects = new SubjectDirectory(db);
    this.appender = new ChainAppender(db, this.subjects, logger);
    this.queries = new EventQueries(db, this.subjects);
    this.verifier = new ChainVerifier(db, logger);
    this.exports = new Exports(db, this.queries);
    // `this.append`, not the appender's: a test may put a failing append in front
    this.outbox = OutcomeOutbox.create({
      append: input => this.append(input),
      logger,
    });
    this.retention = new Retention(db, input =>
      recordAuditEvent({ store: this, logger: this.logger }, input, 'awaited'),
    );
  }

  static async create(options: {
    database: DatabaseService;
    logger?: LoggerService;
  }): Promise<DatabaseAuditStore> {
    // replicas starting together migrate one after the other
    const db = serialiseMigrations(await options.database.getClient());
    if (!options.database.migrations?.skip) {
      await db.migrate.latest({
        directory: migrationsDir,
        tableName: 'audit_log_migrations',
      });
    }
    return new DatabaseAuditStore(db, options.logger);
  }

  // append and chain

  append(input: AuditEventInput): Promise<{ id: string; seq: number }> {
    return this.appender.append(input);
  }

  appendOutcome(
    input: AuditEventInput,
    waitMs?: number,
  ): Promise<'written' | 'kept'> {
    return this.outbox.deliver(input, waitMs);
  }

  flushOutcomes(timeoutMs: number): Promise<void> {
    return this.outbox.flush(timeoutMs);
  }

  // queries

  query(
    filter: AuditEventFilter,
    options: { beforeSeq?: number; limit: number },
  ): Promise<AuditEvent[]> {
    return this.queries.query(filter, options);
  }

  getById(id: string): Promise<AuditEvent> {
    return this.queries.getById(id);
  }

  count(filter: AuditEventFilter): Promise<number> {
    return this.queries.count(filter);
  }

  dailyActivity(filter: AuditEventFilter): Promise<DailyActivity> {
    return this.queries.dailyActivity(filter);
  }

  distinctValues(): Promise<{ actions: string[]; plugins: string[] }> {
    return this.queries.distinctValues();
  }

  iterate(
    filter: AuditEventFilter,
    pageSize?: number,
  ): AsyncGenerator<AuditEvent[]> {
    return this.queries.iterate(filter, pageSize);
  }

  // verification

  verify(
    range: { fromSeq?: number; toSeq?: number } = {},
  ): Promise<ChainVerification> {
    return this.verifier.verify(range);
  }

  // retention

  purgeBefore(cutoff: Date): Promise<{ purged: number; throughSeq?: number }> {
    return this.retention.purgeBefore(cutoff);
  }

  // exports

  exportPages(
    filter: AuditEventFilter,
    format: AuditExportFormat,
    pageSize?: number,
  ): AsyncGenerator<ExportPage> {
    return this.exports.exportPages(filter, format, pageSize);
  }

  saveManifest(manifest: ExportManifest): Promise<void> {
    return this.exports.saveManifest(manifest);
  }

  getManifest(exportId: string): Promise<ExportManifest> {
    return this.exports.getManifest(exportId);
  }

  // subjects and erasure

  iterateSubject(
    ref: string,
    batchSize?: number,
  ): AsyncGenerator<AuditEvent[]> {
    return this.queries.iterateSubject(ref, batchSize);
  }

  eraseSubject(ref: string): Promise<{ subjectId: string; erasedAt: string }> {
    return this.subjects.erase(ref);
  }
}
