import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  ReportManifest,
  ReportSummary,
} from '@internal/backstage-plugin-audit-log-common';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@internal/backstage-plugin-audit-log-backend',
  'migrations',
);
/** The reports' migrations are kept apart from the audit events' (same database). */
const MIGRATIONS_TABLE = 'audit_reports_knex_migrations';
const LIST_LIMIT = 200;

/** A file of a report as stored. */
export interface StoredReportFile {
  name: string;
  contentType: string;
  content: Buffer;
}

/** A report to store: its row and all its files, written in one transaction. */
export interface NewReport {
  summary: Omit<ReportSummary, 'supersededBy' | 'files'>;
  manifest: ReportManifest;
  files: StoredReportFile[];
}

interface ReportRow {
  report_id: string;
  framework: string;
  period_from: string;
  period_to: string;
  period_label: string;
  title: string;
  created_at: string;
  created_by: string;
  scheduled: boolean | number;
  supersedes: string | null;
  manifest: string;
}

/** Where reports are kept: inserted once, never updated (triggers refuse it). */
export class DatabaseReportStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseReportStore> {
    const db = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await db.migrate.latest({
        directory: migrationsDir,
        tableName: MIGRATIONS_TABLE,
      });
    }
    return new DatabaseReportStore(db);
  }

  async insert(report: NewReport): Promise<void> {
    const { summary } = report;
    await this.db.transaction(async tx => {
      await tx('audit_reports').insert({
        report_id: summary.reportId,
        framework: summary.framework,
        period_from: summary.periodFrom,
        period_to: summary.periodTo,
        period_label: summary.periodLabel,
        title: summary.title,
        created_at: summary.createdAt,
        created_by: summary.createdBy,
        scheduled: summary.scheduled,
        supersedes: summary.supersedes ?? null,
        manifest: JSON.stringify(report.manifest),
      });
      for (const file of report.files) {
        await tx('audit_report_files').insert({
          report_id: summary.reportId,
          name: file.name,
          content_type: file.contentType,
          content: file.content,
        });
      }
    });
  }

  /** Newest first, with what supersedes each. */
  async list(filter: { framework?: string } = {}): Promise<ReportSummary[]> {
    const query = this.db<ReportRow>('audit_reports')
      .orderBy('created_at', 'desc')
      .limit(LIST_LIMIT);
    if (filter.framework) query.where('framework', filter.framework);
    const rows = await query;
    if (!rows.length) return [];
    const ids = rows.map(r => r.report_id);
    const later = await this.db<ReportRow>('audit_reports')
      .whereIn('supersedes', ids)
      .select('report_id', 'supersedes');
    const supersededBy = new Map(later.map(r => [r.supersedes!, r.report_id]));
    return rows.map(row =>
      this.toSummary(row, supersededBy.get(row.report_id)),
    );
  }

  async get(reportId: string): Promise<ReportSummary> {
    const row = await this.db<ReportRow>('audit_reports')
      .where('report_id', reportId)
      .first();
    if (!row) throw new NotFoundError(`No audit report ${reportId}`);
    const later = await this.db<ReportRow>('audit_reports')
      .where('supersedes', reportId)
      .first();
    return this.toSummary(row, later?.report_id);
  }

  async manifest(reportId: string): Promise<ReportManifest> {
    const row = await this.db<ReportRow>('audit_reports')
      .where('report_id', reportId)
      .select('manifest')
      .first();
    if (!row) throw new NotFoundError(`No audit report ${reportId}`);
    return JSON.parse(row.manifest);
  }

  async file(reportId: string, name: string): Promise<StoredReportFile> {
    const row = await this.db('audit_report_files')
      .where({ report_id: reportId, name })
      .first();
    if (!row) {
      await this.get(reportId);
      throw new NotFoundError(`Audit report ${reportId} has no file ${name}`);
    }
    return {
      name: row.name,
      contentType: row.content_type,
      content: Buffer.from(row.content),
    };
  }

  /** The newest report of a framework starting at `periodFrom` and ending no later than `periodTo`. */
  async latestCovered(
    framework: string,
    periodFrom: string,
    periodTo: string,
  ): Promise<string | undefined> {
    const row = await this.db<ReportRow>('audit_reports')
      .where({ framework, period_from: periodFrom })
      .where('period_to', '<=', periodTo)
      .orderBy('created_at', 'desc')
      .first();
    return row?.report_id;
  }

  /** The newest report created before `before` that holds an access review (to compare role holders with). */
  async previousWith(
    framework: string,
    before: string,
  ): Promise<string | undefined> {
    const row = await this.db<ReportRow>('audit_reports')
      .where({ framework })
      .where('period_to', '<=', before)
      .orderBy('period_to', 'desc')
      .first();
    return row?.report_id;
  }

  /** Whether a scheduled report of this framework and period exists (a replica ran it already). */
  async hasScheduled(
    framework: string,
    periodFrom: string,
    periodTo: string,
  ): Promise<boolean> {
    const row = await this.db<ReportRow>('audit_reports')
      .where({ framework, period_from: periodFrom, period_to: periodTo })
      .where('scheduled', true)
      .first();
    return Boolean(row);
  }

  private toSummary(
    row: ReportRow,
    supersededBy: string | undefined,
  ): ReportSummary {
    const manifest: ReportManifest = JSON.parse(row.manifest);
    return {
      reportId: row.report_id,
      title: row.title,
      framework: row.framework,
      periodFrom: row.period_from,
      periodTo: row.period_to,
      periodLabel: row.period_label,
      createdAt: row.created_at,
      createdBy: row.created_by,
      scheduled: Boolean(row.scheduled),
      supersedes: row.supersedes ?? undefined,
      supersededBy,
      files: manifest.files.map(f => ({
        name: f.name,
        contentType: f.contentType,
        bytes: f.bytes,
      })),
    };
  }
}
