/**
 * The compliance audit log: the Compliance page (chain integrity, activity,
 * events, signed exports) and the Audit tab on entity pages.
 *
 * @packageDocumentation
 */
export { auditLogPlugin as default } from './plugin';
export { auditLogApiRef, AuditLogClient } from './api';
export type { AuditLogApi, ExportProgress, ExportResult } from './api';
