import { AuditEvent } from '@internal/backstage-plugin-audit-log-common';

/** The formats an export is written in. */
export type AuditExportFormat = 'csv' | 'ndjson';

/** A stored row as an array, in this order of columns. */
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

/** The CSV header: the stored columns, with `ts` named `timestamp`. */
export const CSV_COLUMNS: ReadonlyArray<string> = EXPORT_COLUMNS.map(c => (c === 'ts' ? 'timestamp' : c));

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/**
 * One CSV cell: a cell a spreadsheet would run as a formula (starting with
 * =, +, -, @, tab or CR) is prefixed with a quote; quotes, commas and line
 * breaks are quoted.
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  return textCell(typeof value === 'string' ? value : String(value));
}

function textCell(value: string | null | undefined): string {
  if (!value) return '';
  let text = value;
  const first = text.charCodeAt(0);
  // = + - @ tab CR
  if (first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13) {
    text = `'${text}`;
  }
  return NEEDS_QUOTES.test(text) ? `"${text.replace(QUOTE, '""')}"` : text;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\n`;
}

function actorText(actor: AuditEvent['actor'] | undefined): string {
  if (!actor) return '';
  if (actor.erased) return `erased:${actor.subjectId}`;
  return actor.ref ?? '';
}

/**
 * One CSV record of an event, in the order of CSV_COLUMNS: RFC 4180 quoting,
 * records ended by LF (as every export has written them since exports on
 * PostgreSQL were first written by COPY).
 */
export function csvRow(event: AuditEvent): string {
  const cells = [
    event.seq,
    event.id,
    event.timestamp,
    actorText(event.actor),
    event.actor.type,
    actorText(event.realActor),
    event.ip,
    event.userAgent,
    event.plugin,
    event.action,
    event.severity,
    event.target,
    event.outcome,
    event.error,
    event.request?.method,
    event.request?.path,
    event.meta === undefined ? '' : JSON.stringify(event.meta),
    event.metaTruncated,
    event.correlationId,
    event.prevHash,
    event.hash,
  ];
  return `${cells.map(csvCell).join(',')}\n`;
}

/** One NDJSON line of an event. */
export function ndjsonRow(event: AuditEvent): string {
  return `${JSON.stringify(event)}\n`;
}

// ------------------------------------------------------------------------
// The same records written straight from stored rows, for large exports:
// no event objects, meta passed through as the JSON text it is stored as.
// DatabaseAuditStore.test.ts checks they equal csvRow / ndjsonRow of the
// events the store reads.

export type ExportRow = unknown[];

const SUBJECT_PREFIX = 'subject:';
const SUBJECT_IN_META = /"subject:([0-9a-f-]{36})"/g;

/** Subject id to the person's entity ref; null once erased. */
export type SubjectRefs = Map<string, string | null>;

function isSubject(value: string): boolean {
  // 's', then the prefix: most values are not pseudonyms
  return value.charCodeAt(0) === 115 && value.startsWith(SUBJECT_PREFIX);
}

/** Stored meta with pseudonyms replaced by the refs of people not erased. */
export function revealMeta(meta: string, subjects: SubjectRefs): string {
  if (!meta.includes('"subject:')) return meta;
  return meta.replace(SUBJECT_IN_META, (m, id: string) => {
    const ref = subjects.get(id);
    return ref ? JSON.stringify(ref) : m;
  });
}

/** The text of an actor column as csvRow writes it. */
function actorCell(value: string | null, subjects: SubjectRefs): string {
  if (!value) return '';
  if (!isSubject(value)) return value;
  const id = value.slice(SUBJECT_PREFIX.length);
  return subjects.get(id) || `erased:${id}`;
}

function targetText(value: string | null, subjects: SubjectRefs): string | null {
  if (!value || !isSubject(value)) return value;
  return subjects.get(value.slice(SUBJECT_PREFIX.length)) ?? value;
}

export function csvLineOfRow(r: ExportRow, subjects: SubjectRefs): string {
  const actor = r[3] as string | null;
  const meta = r[16] as string | null;
  return (
    `${Number(r[0])},${textCell(r[1] as string)},${textCell(r[2] as string)},` +
    `${textCell(actorCell(actor, subjects))},` +
    `${textCell(actor && isSubject(actor) ? 'user' : (r[4] as string))},` +
    `${textCell(actorCell(r[5] as string | null, subjects))},` +
    `${textCell(r[6] as string | null)},${textCell(r[7] as string | null)},` +
    `${textCell(r[8] as string)},${textCell(r[9] as string)},${textCell(r[10] as string)},` +
    `${textCell(targetText(r[11] as string | null, subjects))},` +
    `${textCell(r[12] as string)},${textCell(r[13] as string | null)},` +
    `${textCell(r[14] as string | null)},` +
    `${r[14] ? textCell((r[15] as string | null) ?? '') : ''},` +
    `${meta ? textCell(revealMeta(meta, subjects)) : ''},` +
    `${Boolean(r[17])},${textCell(r[18] as string)},` +
    `${textCell(r[19] as string)},${textCell(r[20] as string)}\n`
  );
}

/** `,"key":"value"` for a member that is there, nothing for null or undefined. */
function member(key: string, value: unknown): string {
  return value === null || value === undefined ? '' : `,${key}${JSON.stringify(value)}`;
}

function actorJson(value: string | null, type: string, subjects: SubjectRefs): string {
  if (!value) return `{"type":${JSON.stringify(type)}}`;
  if (!isSubject(value)) {
    return `{"type":${JSON.stringify(type)},"ref":${JSON.stringify(value)}}`;
  }
  const id = value.slice(SUBJECT_PREFIX.length);
  const ref = subjects.get(id);
  return ref
    ? `{"type":"user","ref":${JSON.stringify(ref)},"subjectId":${JSON.stringify(id)}}`
    : `{"type":"user","subjectId":${JSON.stringify(id)},"erased":true}`;
}

export function ndjsonLineOfRow(r: ExportRow, subjects: SubjectRefs): string {
  const realActor = r[5] as string | null;
  const method = r[14] as string | null;
  const meta = r[16] as string | null;
  return (
    `{"id":${JSON.stringify(r[1])},"seq":${Number(r[0])}${member('"timestamp":', r[2])}` +
    `,"actor":${actorJson(r[3] as string | null, r[4] as string, subjects)}` +
    `${realActor ? `,"realActor":${actorJson(realActor, 'user', subjects)}` : ''}` +
    `${member('"ip":', r[6])}${member('"userAgent":', r[7])}` +
    `${member('"plugin":', r[8])}${member('"action":', r[9])}${member('"severity":', r[10])}` +
    `${member('"target":', targetText(r[11] as string | null, subjects))}` +
    `${member('"outcome":', r[12])}${member('"error":', r[13])}` +
    `${method ? `,"request":{"method":${JSON.stringify(method)},"path":${JSON.stringify((r[15] as string | null) ?? '')}}` : ''}` +
    `${meta ? `,"meta":${revealMeta(meta, subjects)}` : ''}` +
    `,"metaTruncated":${Boolean(r[17])}` +
    `${member('"correlationId":', r[18])}${member('"prevHash":', r[19])}${member('"hash":', r[20])}}\n`
  );
}
