import { AuditEvent } from '@internal/backstage-plugin-audit-log-common';

/**
 * One row per action: an `initiated` event whose outcome (`succeeded` or
 * `failed`, same `correlationId`) is among the loaded events is folded into
 * that outcome's row, which keeps its place (the time the action ended) and
 * says when it started. An action still without an outcome shows as
 * initiated. Every event stays in the log, the export and the drawer.
 */
export interface ActionRow {
  /** The outcome event, or the initiated one while no outcome is loaded. */
  event: AuditEvent;
  /** The `initiated` event folded into this row, when there was one. */
  initiated?: AuditEvent;
}

export function actionRows(events: AuditEvent[]): ActionRow[] {
  const initiatedById = new Map<string, AuditEvent>();
  const completed = new Set<string>();
  for (const event of events) {
    if (event.outcome === 'initiated') initiatedById.set(event.id, event);
    else if (event.correlationId !== event.id)
      completed.add(event.correlationId);
  }
  const rows: ActionRow[] = [];
  for (const event of events) {
    if (event.outcome === 'initiated') {
      if (!completed.has(event.id)) rows.push({ event });
    } else {
      rows.push({ event, initiated: initiatedById.get(event.correlationId) });
    }
  }
  return rows;
}
