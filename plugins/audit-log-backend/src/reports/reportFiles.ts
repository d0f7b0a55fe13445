import {
  AuditReport,
  ReportFileEntry,
  ReportTable,
} from '@internal/backstage-plugin-audit-log-common';
import { csvCell } from '@internal/backstage-plugin-audit-log-node';
import { createHash } from 'node:crypto';
import { StoredReportFile } from './DatabaseReportStore';
import { renderPdf } from './renderPdf';

/** Bytes per hashed block in a manifest: a verifier names the blocks that changed. */
export const MANIFEST_BLOCK_SIZE = 4096;
export const REPORT_JSON = 'report.json';
export const REPORT_PDF = 'report.pdf';

/** A table as CSV: a header row, RFC 4180 quoting, LF line ends, formulas neutralised. */
export function tableCsv(table: ReportTable): string {
  const line = (cells: Array<string | number>) =>
    `${cells.map(csvCell).join(',')}\n`;
  return line(table.columns) + table.rows.map(line).join('');
}

/** The report's files: report.json, report.pdf and one CSV per table. */
export async function reportFiles(
  report: AuditReport,
  keyFingerprint: string,
): Promise<StoredReportFile[]> {
  const files: StoredReportFile[] = [
    {
      name: REPORT_JSON,
      contentType: 'application/json',
      content: Buffer.from(`${JSON.stringify(report, null, 2)}\n`),
    },
    {
      name: REPORT_PDF,
      contentType: 'application/pdf',
      content: await renderPdf(report, keyFingerprint),
    },
  ];
  for (const section of report.sections) {
    for (const table of section.tables) {
      files.push({
        name: `${table.id}.csv`,
        contentType: 'text/csv; charset=utf-8',
        content: Buffer.from(tableCsv(table)),
      });
    }
  }
  return files;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A file's entry in the manifest: its size, hash and the hash of each block. */
export function fileEntry(file: StoredReportFile): ReportFileEntry {
  const blocks: string[] = [];
  for (let i = 0; i < file.content.length; i += MANIFEST_BLOCK_SIZE) {
    blocks.push(sha256(file.content.subarray(i, i + MANIFEST_BLOCK_SIZE)));
  }
  return {
    name: file.name,
    contentType: file.contentType,
    bytes: file.content.length,
    sha256: sha256(file.content),
    blockSha256: blocks,
  };
}

/** Which bytes of a file differ from its manifest entry, in words; undefined when none. */
export function alteredBytes(
  file: Buffer,
  entry: ReportFileEntry,
): string | undefined {
  if (sha256(file) === entry.sha256 && file.length === entry.bytes)
    return undefined;
  const ranges: string[] = [];
  const blocks = Math.max(
    entry.blockSha256.length,
    Math.ceil(file.length / MANIFEST_BLOCK_SIZE),
  );
  for (let i = 0; i < blocks; i++) {
    const part = file.subarray(
      i * MANIFEST_BLOCK_SIZE,
      (i + 1) * MANIFEST_BLOCK_SIZE,
    );
    if (entry.blockSha256[i] !== sha256(part)) {
      ranges.push(
        `${i * MANIFEST_BLOCK_SIZE}-${
          Math.min(
            (i + 1) * MANIFEST_BLOCK_SIZE,
            Math.max(file.length, entry.bytes),
          ) - 1
        }`,
      );
    }
  }
  const size =
    file.length === entry.bytes
      ? ''
      : ` (${file.length} bytes, the manifest says ${entry.bytes})`;
  return `${entry.name} was altered: bytes ${ranges.join(
    ', ',
  )} differ from the signed manifest${size}`;
}
