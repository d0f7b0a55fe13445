import {
  AuditReport,
  ReportSection,
  ReportTable,
} from '@internal/backstage-plugin-audit-log-common';
import PDFDocument from 'pdfkit';

/** Rows of one table printed in the PDF; the CSV beside it holds them all. */
const PDF_TABLE_ROWS = 300;
const MARGIN = 40;
const FONT_SIZE = 7.5;
const ROW_GAP = 3;
/** The longest text a cell shows in the PDF before it is cut with an ellipsis. */
const CELL_CHARS = 90;

/** Column widths in proportion to the longest value each column holds (capped). */
function columnWidths(table: ReportTable, total: number): number[] {
  const lengths = table.columns.map((c, i) =>
    Math.min(
      40,
      Math.max(
        c.length,
        ...table.rows
          .slice(0, PDF_TABLE_ROWS)
          .map(r => String(r[i] ?? '').length),
        4,
      ),
    ),
  );
  const sum = lengths.reduce((a, b) => a + b, 0);
  return lengths.map(l => (l / sum) * total);
}

function drawTable(doc: PDFKit.PDFDocument, table: ReportTable) {
  const width = doc.page.width - 2 * MARGIN;
  doc
    .font('Helvetica-Bold')
    .fontSize(10)
    .text(table.title, MARGIN, doc.y, { width });
  doc.moveDown(0.3);
  if (!table.rows.length) {
    doc
      .font('Helvetica-Oblique')
      .fontSize(FONT_SIZE + 1)
      .text(table.emptyText, { width });
    doc.moveDown(0.8);
    return;
  }
  const widths = columnWidths(table, width);
  const row = (cells: Array<string | number>, bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(FONT_SIZE);
    const texts = cells.map(c => {
      const s = String(c ?? '');
      return s.length > CELL_CHARS ? `${s.slice(0, CELL_CHARS - 1)}…` : s;
    });
    const height = Math.max(
      ...texts.map((t, i) => doc.heightOfString(t, { width: widths[i] - 4 })),
    );
    if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
    const y = doc.y;
    let x = MARGIN;
    texts.forEach((t, i) => {
      doc.text(t, x, y, { width: widths[i] - 4 });
      x += widths[i];
    });
    doc.x = MARGIN;
    doc.y = y + height + ROW_GAP;
  };
  row(table.columns, true);
  for (const cells of table.rows.slice(0, PDF_TABLE_ROWS)) row(cells, false);
  if (table.rows.length > PDF_TABLE_ROWS) {
    doc
      .font('Helvetica-Oblique')
      .fontSize(FONT_SIZE + 1)
      .text(
        `${table.rows.length - PDF_TABLE_ROWS} more rows in ${table.id}.csv`,
        MARGIN,
        doc.y,
        { width },
      );
  }
  doc.moveDown(0.8);
}

function drawSection(doc: PDFKit.PDFDocument, section: ReportSection) {
  doc.addPage();
  const width = doc.page.width - 2 * MARGIN;
  doc
    .font('Helvetica-Bold')
    .fontSize(15)
    .text(section.title, MARGIN, MARGIN, { width });
  doc
    .font('Helvetica')
    .fontSize(9)
    .text(
      `Evidence for: ${section.controls
        .map(c => `${c.id} (${c.title})`)
        .join('; ')}`,
      { width },
    );
  doc.moveDown(0.5);
  for (const line of section.summary)
    doc.fontSize(9).text(`•  ${line}`, { width });
  doc.moveDown(0.8);
  for (const table of section.tables) drawTable(doc, table);
}

/**
 * The report as a PDF: a title page with the period, the chain it was
 * computed from and the signing key, then a page per section with its
 * controls, summary and tables. Dates in the PDF's info are the report's,
 * so the same report always gives the same bytes.
 */
export function renderPdf(
  report: AuditReport,
  keyFingerprint: string,
): Promise<Buffer> {
  const created = new Date(report.createdAt);
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    info: {
      Title: report.title,
      Author: 'Stack Portal',
      Subject: `${report.framework.title} audit report, ${report.periodLabel}`,
      CreationDate: created,
      ModDate: created,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  doc.font('Helvetica-Bold').fontSize(22).text(report.title, { width });
  doc.moveDown(0.5);
  doc.font('Helvetica').fontSize(11);
  const facts: Array<[string, string]> = [
    ['Framework', report.framework.title],
    [
      'Period',
      `${report.periodLabel} (${report.periodFrom} to ${report.periodTo}, end exclusive)`,
    ],
    ['Produced', `${report.createdAt} by ${report.createdBy}`],
    ['Report id', report.reportId],
    [
      'Events read',
      report.firstSeq
        ? `#${report.firstSeq} to #${report.lastSeq} (${report.eventCount} events)`
        : 'none in the period',
    ],
    [
      'Chain head',
      report.chainHead
        ? `#${report.chainHead.seq} ${report.chainHead.hash}`
        : 'none',
    ],
    ['Signing key', `Ed25519, fingerprint ${keyFingerprint}`],
    ...(report.supersedes
      ? ([['Supersedes', report.supersedes]] as Array<[string, string]>)
      : []),
  ];
  for (const [k, v] of facts) {
    doc.font('Helvetica-Bold').text(`${k}: `, { continued: true, width });
    doc.font('Helvetica').text(v, { width });
  }
  doc.moveDown(1);
  doc
    .font('Helvetica-Bold')
    .fontSize(12)
    .text('Sections and the controls they evidence', { width });
  doc.font('Helvetica').fontSize(10);
  for (const s of report.sections)
    doc.text(`•  ${s.title}: ${s.controls.map(c => c.id).join(', ')}`, {
      width,
    });
  doc.moveDown(1);
  doc
    .fontSize(9)
    .text(
      'Check this file against its signed manifest (report-manifest.json) offline with: node scripts/verify-audit-export.mjs <manifest> <files>',
      { width },
    );
  for (const section of report.sections) drawSection(doc, section);
  doc.end();
  return done;
}
