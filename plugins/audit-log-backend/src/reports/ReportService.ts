import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  AuditReport,
  REPORT_KIND_TITLES,
  ReportFramework,
  ReportManifest,
  ReportRequest,
  ReportSummary,
} from '@internal/backstage-plugin-audit-log-common';
import {
  RETENTION_CHECKPOINT_ACTION,
  ulid,
} from '@internal/backstage-plugin-audit-log-node';
import { ExportSigner } from '../service/ExportSigner';
import { RoleDirectory } from './CatalogRoleDirectory';
import { DatabaseReportStore, StoredReportFile } from './DatabaseReportStore';
import { findFramework, sectionsOf } from './frameworks';
import { checkedPeriod, parseDate, presetPeriod, ReportPeriod } from './period';
import { AuditEventSource, gatherReportData } from './ReportData';
import {
  alteredBytes,
  fileEntry,
  MANIFEST_BLOCK_SIZE,
  REPORT_JSON,
  reportFiles,
} from './reportFiles';
import { RoleHolder, SECTION_BUILDERS } from './sections';

/** Tells people a report is ready (the compliance group, through Backstage notifications). */
export interface ReportNotifier {
  reportReady(summary: ReportSummary): Promise<void>;
}

/** Audit reports: produced from the chain, stored immutably, served only while their bytes match the manifest. */
export interface ReportService {
  readonly retentionDays: number;
  frameworks(): ReportFramework[];
  /** The framework a person named (id or title); 400 naming the configured ones. */
  framework(name: string): ReportFramework;
  /** The period a request names, checked (400 with what to change). */
  resolvePeriod(request: ReportRequest, now?: Date): Promise<ReportPeriod>;
  produce(
    framework: ReportFramework,
    period: ReportPeriod,
    by: { createdBy: string; scheduled: boolean },
  ): Promise<ReportSummary>;
  list(filter?: { framework?: string }): Promise<ReportSummary[]>;
  summary(reportId: string): Promise<ReportSummary>;
  manifest(reportId: string): Promise<ReportManifest>;
  /** A file of a report; 409 naming the bytes when it no longer matches the signed manifest. */
  file(reportId: string, name: string): Promise<StoredReportFile>;
  report(reportId: string): Promise<AuditReport>;
}

export class DefaultReportService implements ReportService {
  private constructor(
    private readonly options: {
      source: AuditEventSource;
      store: DatabaseReportStore;
      signer: ExportSigner;
      directory: RoleDirectory;
      notifier: ReportNotifier;
      frameworks: ReportFramework[];
      retentionDays: number;
      logger: LoggerService;
    },
  ) {}

  static create(
    options: DefaultReportService['options'],
  ): DefaultReportService {
    return new DefaultReportService(options);
  }

  get retentionDays() {
    return this.options.retentionDays;
  }

  frameworks() {
    return this.options.frameworks;
  }

  framework(name: string): ReportFramework {
    return findFramework(this.options.frameworks, name);
  }

  async resolvePeriod(
    request: ReportRequest,
    now = new Date(),
  ): Promise<ReportPeriod> {
    let period: ReportPeriod;
    if (request.period) {
      if (request.from || request.to)
        throw new InputError(
          'Give either a period ("this-quarter", ...) or from and to, not both',
        );
      period = presetPeriod(request.period, now);
    } else {
      if (!request.from || !request.to) {
        throw new InputError(
          'A period is required: "period" (this-month, last-month, this-quarter, last-quarter) or both "from" and "to"',
        );
      }
      period = checkedPeriod(
        parseDate(request.from, 'from'),
        parseDate(request.to, 'to'),
        now,
        this.options.retentionDays,
      );
    }
    await this.checkRetained(period);
    return period;
  }

  /** Refuses a period reaching into events retention has purged, saying which part and since when. */
  private async checkRetained(period: ReportPeriod) {
    const [checkpoint] = await this.options.source.query(
      {
        plugin: ['audit-log'],
        action: [RETENTION_CHECKPOINT_ACTION],
        outcome: ['succeeded'],
      },
      { limit: 1 },
    );
    const cutoff =
      typeof checkpoint?.meta?.cutoff === 'string'
        ? checkpoint.meta.cutoff
        : undefined;
    if (cutoff && period.from.toISOString() < cutoff) {
      const goneUntil =
        cutoff < period.to.toISOString() ? cutoff : period.to.toISOString();
      throw new InputError(
        `Events from ${period.from.toISOString()} to ${goneUntil} are gone: retention purged every event before ${cutoff} ` +
          `(through event #${checkpoint.meta?.purgedThroughSeq}, on ${checkpoint.timestamp}). ` +
          `A report over them would silently hold fewer events; start the period on or after ${cutoff.slice(
            0,
            10,
          )}`,
      );
    }
  }

  async produce(
    framework: ReportFramework,
    period: ReportPeriod,
    by: { createdBy: string; scheduled: boolean },
  ): Promise<ReportSummary> {
    const { source, store, signer, directory } = this.options;
    const reportId = ulid();
    const createdAt = new Date().toISOString();
    const periodFrom = period.from.toISOString();
    const periodTo = period.to.toISOString();
    const data = await gatherReportData(source, period);
    const verification =
      data.first && data.last
        ? await source.verify({ fromSeq: data.first.seq, toSeq: data.last.seq })
        : { ok: true, checked: 0, checkedAt: createdAt, durationMs: 0 };
    const holders = await directory.holders();
    const previous = await this.previousHolders(framework.id, periodFrom);
    const sections = sectionsOf(framework).map(({ kind, controls }) => ({
      kind,
      title: REPORT_KIND_TITLES[kind],
      controls,
      ...SECTION_BUILDERS[kind]({
        data,
        holders,
        previous,
        verification,
        retentionDays: this.options.retentionDays,
      }),
    }));
    const supersedes = await store.latestCovered(
      framework.id,
      periodFrom,
      periodTo,
    );
    const report: AuditReport = {
      reportId,
      title: `${framework.title} audit report, ${period.label}`,
      framework: { id: framework.id, title: framework.title },
      periodFrom,
      periodTo,
      periodLabel: period.label,
      createdAt,
      createdBy: by.createdBy,
      firstSeq: data.first?.seq,
      lastSeq: data.last?.seq,
      eventCount: data.eventCount,
      chainHead: data.last
        ? { seq: data.last.seq, hash: data.last.hash }
        : undefined,
      supersedes,
      sections,
    };
    const files = await reportFiles(report, signer.publicKey.fingerprint);
    const manifest = signer.signDocument<ReportManifest>({
      type: 'audit-report',
      reportId,
      title: report.title,
      framework: framework.id,
      periodFrom,
      periodTo,
      firstSeq: report.firstSeq,
      lastSeq: report.lastSeq,
      eventCount: report.eventCount,
      chainHead: report.chainHead,
      chainVerified: verification.ok,
      supersedes,
      blockSize: MANIFEST_BLOCK_SIZE,
      files: files.map(fileEntry),
      createdAt,
      createdBy: by.createdBy,
      algorithm: 'Ed25519',
      publicKeyPem: signer.publicKey.publicKeyPem,
      publicKeyFingerprint: signer.publicKey.fingerprint,
    });
    const summary = {
      reportId,
      title: report.title,
      framework: framework.id,
      periodFrom,
      periodTo,
      periodLabel: period.label,
      createdAt,
      createdBy: by.createdBy,
      scheduled: by.scheduled,
      supersedes,
    };
    await store.insert({ summary, manifest, files });
    const stored = await store.get(reportId);
    await this.options.notifier
      .reportReady(stored)
      .catch(e =>
        this.options.logger.warn(
          `Audit report ${reportId} is stored, but the compliance group could not be notified: ${e}`,
        ),
      );
    return stored;
  }

  /** The role holders of the newest earlier report of the framework, to show what changed. */
  private async previousHolders(framework: string, before: string) {
    const id = await this.options.store.previousWith(framework, before);
    if (!id) return undefined;
    const previous = await this.report(id).catch(() => undefined);
    const table = previous?.sections
      .find(s => s.kind === 'access-review')
      ?.tables.find(t => t.id === 'access-role-holders');
    if (!previous || !table) return undefined;
    const holders: RoleHolder[] = table.rows.map(
      ([role, group, person, name]) => ({
        role: String(role),
        group: String(group),
        person: String(person),
        name: String(name),
      }),
    );
    return {
      reportId: previous.reportId,
      periodLabel: previous.periodLabel,
      holders,
    };
  }

  list(filter: { framework?: string } = {}) {
    return this.options.store.list(filter);
  }

  summary(reportId: string) {
    return this.options.store.get(reportId);
  }

  manifest(reportId: string) {
    return this.options.store.manifest(reportId);
  }

  async file(reportId: string, name: string): Promise<StoredReportFile> {
    const manifest = await this.options.store.manifest(reportId);
    const entry = manifest.files.find(f => f.name === name);
    if (!entry) {
      throw new NotFoundError(
        `Audit report ${reportId} has no file ${name}; it has ${manifest.files
          .map(f => f.name)
          .join(', ')}`,
      );
    }
    const file = await this.options.store.file(reportId, name);
    const altered = alteredBytes(file.content, entry);
    if (altered) {
      this.options.logger.error(`Stored audit report ${reportId}: ${altered}`);
      throw new ConflictError(
        `Stored audit report ${reportId} no longer matches its signed manifest: ${altered}. It is not served`,
      );
    }
    return file;
  }

  async report(reportId: string): Promise<AuditReport> {
    const file = await this.file(reportId, REPORT_JSON);
    return JSON.parse(file.content.toString('utf8'));
  }
}
