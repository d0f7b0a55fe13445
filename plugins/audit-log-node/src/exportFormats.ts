import { AuditEvent } from '@internal/backstage-plugin-audit-log-common';

// The one specification of an export's records. A CSV record is one cell per
// column of EXPORT_COLUMNS (the header names them, `ts` as `timestamp`), each
// cell the event's value that CSV_CELL names, written by csvCell; an NDJSON
// line is the event (AuditEvent) as JSON. Two implementations write them:
// csvRow / ndjsonRow from events (every export on SQLite, data-subject
// exports), and the writers of copy/ byte by byte from a binary COPY of the
// stored columns (exports on PostgreSQL, for speed: bench/README.md,
// audit-log), tested to write the same bytes as the first.

/** The formats an export is written in. */
export type AuditExportFormat = 'csv' | 'ndjson';

/** The stored columns an export writes, in the order of the CSV's columns. */
export const EXPORT_COLUMNS = [
  'seq',
  'id',
  'ts',
  'actor',
  'actor_type',
  'real_actor',
  'ip',
  'user_agent',
  'plugin',
  'action',
  'severity',
  'target',
  'outcome',
  'error',
  'method',
  'path',
  'meta',
  'meta_truncated',
  'correlation_id',
  'prev_hash',
  'hash',
] as const;

export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

/** The CSV header: the stored columns, with `ts` named `timestamp`. */
export const CSV_COLUMNS: ReadonlyArray<string> = EXPORT_COLUMNS.map(c =>
  c === 'ts' ? 'timestamp' : c,
);

/** How a stored column names a person: `subject:<subject id>`. */
export const SUBJECT_PREFIX = 'subject:';
/** A pseudonym quoted in meta's JSON. */
const SUBJECT_IN_META = /"subject:([0-9a-f-]{36})"/g;

/** Subject id to the person's entity ref; null once erased. */
export type SubjectRefs = Map<string, string | null>;

/** Stored meta with pseudonyms replaced by the refs of people not erased. */
export function revealMeta(meta: string, subjects: SubjectRefs): string {
  if (!meta.includes('"subject:')) return meta;
  return meta.replace(SUBJECT_IN_META, (m, id: string) => {
    const ref = subjects.get(id);
    return ref ? JSON.stringify(ref) : m;
  });
}

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/**
 * One CSV cell: nothing for null, undefined or an empty text; a cell a
 * spreadsheet would run as a formula (see `startsLikeFormula`) is prefixed
 * with a quote; quotes, commas and line breaks are quoted (RFC 4180).
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : String(value);
  if (!text) return '';
  const safe = startsLikeFormula(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(QUOTE, '""')}"` : safe;
}

/**
 * A cell a spreadsheet may run as a formula: one starting with =, +, -, @,
 * their full-width forms (＝ ＋ － ＠), a tab, CR or LF, or with any of those
 * signs after leading white space, which spreadsheet programs trim.
 */
const FORMULA_START = /^(?:[\t\r\n]|\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;

/** Whether a CSV cell must be neutralised with a leading quote (see FORMULA_START). */
export function startsLikeFormula(text: string): boolean {
  return FORMULA_START.test(text);
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\n`;
}

/** A person as a CSV cell: their ref, `erased:<subject id>` once erased. */
function actorText(actor: AuditEvent['actor'] | undefined): string {
  if (!actor) return '';
  if (actor.erased) return `erased:${actor.subjectId}`;
  return actor.ref ?? '';
}

/** What each column's CSV cell holds of the event. */
const CSV_CELL: Record<ExportColumn, (event: AuditEvent) => unknown> = {
  seq: e => e.seq,
  id: e => e.id,
  ts: e => e.timestamp,
  actor: e => actorText(e.actor),
  actor_type: e => e.actor.type,
  real_actor: e => actorText(e.realActor),
  ip: e => e.ip,
  user_agent: e => e.userAgent,
  plugin: e => e.plugin,
  action: e => e.action,
  severity: e => e.severity,
  target: e => e.target,
  outcome: e => e.outcome,
  error: e => e.error,
  method: e => e.request?.method,
  path: e => e.request?.path,
  meta: e => (e.meta === undefined ? '' : JSON.stringify(e.meta)),
  meta_truncated: e => e.metaTruncated,
  correlation_id: e => e.correlationId,
  prev_hash: e => e.prevHash,
  hash: e => e.hash,
};

/**
 * One CSV record of an event, in the order of CSV_COLUMNS: RFC 4180 quoting,
 * records ended by LF (as every export has written them since exports on
 * PostgreSQL were first written by COPY).
 */
export function csvRow(event: AuditEvent): string {
  return `${EXPORT_COLUMNS.map(c => csvCell(CSV_CELL[c](event))).join(',')}\n`;
}

/** One NDJSON line of an event: the event as JSON. */
export function ndjsonRow(event: AuditEvent): string {
  return `${JSON.stringify(event)}\n`;
}
