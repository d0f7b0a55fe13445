import {
  AuditEventFilter,
  ExportManifest,
} from '@internal/backstage-plugin-audit-log-common';
import { NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { ExportPage } from '../AuditStore';
import { AuditExportFormat, csvRow, ndjsonRow } from '../exportFormats';
import { postgresExport } from '../postgresExport';
import { EventQueries, EXPORT_PAGE } from './EventQueries';
import { isPostgres } from './rows';

/** Exports: their text, written straight from the stored rows, and their manifests. */
export class Exports {
  constructor(
    private readonly db: Knex,
    private readonly queries: EventQueries,
  ) {}

  /**
   * An export's text, oldest first, in the records of exportFormats.ts. On
   * PostgreSQL, one binary COPY whose bytes become records as it streams
   * (copy/CopyCsvWriter.ts, copy/CopyNdjsonWriter.ts; docs/adr/0007); elsewhere, the events `iterate`
   * yields, a page of about a thousand at a time.
   */
  async *exportPages(
    filter: AuditEventFilter,
    format: AuditExportFormat,
    pageSize = EXPORT_PAGE,
  ): AsyncGenerator<ExportPage> {
    if (isPostgres(this.db)) {
      const where = await this.queries.compileFilter(filter);
      const filtered = this.db('audit_events');
      where(filtered);
      yield* postgresExport(this.db, filtered.select('*'), format);
      return;
    }
    const record = format === 'csv' ? csvRow : ndjsonRow;
    for await (const events of this.queries.iterate(filter, pageSize)) {
      yield {
        data: events.map(record).join(''),
        rowCount: events.length,
        firstSeq: events[0].seq,
        lastSeq: events[events.length - 1].seq,
      };
    }
  }

  async saveManifest(manifest: ExportManifest): Promise<void> {
    await this.db('audit_exports').insert({
      export_id: manifest.exportId,
      manifest: JSON.stringify(manifest),
      created_at: manifest.createdAt,
    });
  }

  async getManifest(exportId: string): Promise<ExportManifest> {
    const row = await this.db('audit_exports')
      .where({ export_id: exportId })
      .first();
    if (!row) {
      throw new NotFoundError(
        `No completed export ${exportId}; an interrupted export has no manifest`,
      );
    }
    return JSON.parse(row.manifest);
  }
}
