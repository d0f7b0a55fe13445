import { LoggerService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import { AuditEventInput, AuditStore } from './AuditStore';

/**
 * How a recorded event is stored after it is logged:
 * - `awaited`: resolves once committed, rejects when it cannot be stored
 *   (an invalid event, a database away): for what must be recorded before
 *   it happens (fail closed);
 * - `outcome`: the outcome of an action that already took effect, kept and
 *   written again until stored (AuditStore.appendOutcome);
 * - `background`: not waited for; a failure is logged;
 * - `log-only`: logged, not stored (low-severity events the portal does
 *   not keep).
 */
export type AuditEventStorage =
  | 'awaited'
  | 'outcome'
  | 'background'
  | 'log-only';

/** What the log line shows where it differs from the stored event. */
export interface AuditEventLogDetails {
  /** The meta to log, when the stored meta holds more (unverified claims); given as undefined, none. */
  meta?: JsonObject;
  /** The error, logged by its message. */
  error?: Error;
}

/**
 * The one path an audit event takes, whoever records it (the auditor, the
 * request gate, session expiry, retention): logged as Backstage's own
 * auditor logs events (`<plugin>.<action>`, `isAuditEvent: true`), then
 * stored, where the store checks it (severity, outcome, actor type, ids)
 * and refuses an invalid event with an InputError.
 */
export async function recordAuditEvent(
  target: {
    store: Pick<AuditStore, 'append' | 'appendOutcome'>;
    logger?: LoggerService;
  },
  input: AuditEventInput,
  storage: AuditEventStorage,
  details: AuditEventLogDetails = {},
): Promise<void> {
  const { store, logger } = target;
  logger?.info(`${input.plugin}.${input.action}`, auditLogLine(input, details));
  switch (storage) {
    case 'log-only':
      return;
    case 'background':
      store
        .append(input)
        .catch(e =>
          logger?.error(
            `Could not store low-severity audit event ${input.action}`,
            e,
          ),
        );
      return;
    case 'outcome':
      await store.appendOutcome(input);
      return;
    default:
      await store.append(input);
  }
}

/** The fields of an event's log line. */
function auditLogLine(
  input: AuditEventInput,
  details: AuditEventLogDetails,
): JsonObject {
  const error = details.error?.message ?? input.error;
  return {
    isAuditEvent: true,
    eventId: input.action,
    severityLevel: input.severity,
    actor: {
      actorId: input.actor.ref,
      ip: input.ip,
      userAgent: input.userAgent,
    },
    request: input.method
      ? { url: input.path, method: input.method }
      : undefined,
    meta: ('meta' in details ? details.meta : input.meta) as JsonObject,
    status: input.outcome,
    ...(error ? { error } : {}),
  } as JsonObject;
}
