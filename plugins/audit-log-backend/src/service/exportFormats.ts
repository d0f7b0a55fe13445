import { AuditEvent } from '@internal/backstage-plugin-audit-log-common';

export const CSV_COLUMNS = [
  'seq',
  'id',
  'timestamp',
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

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: a cell a spreadsheet would run as a formula (starting with
 * =, +, -, @, tab or CR) is prefixed with a quote; quotes, commas and line
 * breaks are quoted.
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = typeof value === 'string' ? value : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  if (/[",\r\n]/.test(text)) text = `"${text.replace(/"/g, '""')}"`;
  return text;
}

function actorText(actor: AuditEvent['actor'] | undefined): string {
  if (!actor) return '';
  if (actor.erased) return `erased:${actor.subjectId}`;
  return actor.ref ?? '';
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

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
    event.meta ? JSON.stringify(event.meta) : '',
    event.metaTruncated,
    event.correlationId,
    event.prevHash,
    event.hash,
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function ndjsonRow(event: AuditEvent): string {
  return `${JSON.stringify(event)}\n`;
}
