/**
 * The audit store and the auditor that fills it, shared by every plugin.
 *
 * @packageDocumentation
 */
export { auditStoreServiceRef } from './auditStoreServiceRef';
export { auditorServiceFactory } from './auditorServiceFactory';
export { auditRealActorServiceRef } from './realActorServiceRef';
export {
  DatabaseAuditStore,
  RETENTION_CHECKPOINT_ACTION,
} from './DatabaseAuditStore';
export type { AuditEventInput, AuditStore, ExportPage } from './AuditStore';
export { recordAuditEvent } from './recordAuditEvent';
export type {
  AuditEventLogDetails,
  AuditEventStorage,
} from './recordAuditEvent';
export {
  CSV_COLUMNS,
  csvCell,
  csvHeader,
  csvRow,
  ndjsonRow,
} from './exportFormats';
export type { AuditExportFormat } from './exportFormats';
export { StoringAuditorService } from './StoringAuditorService';
export type { RealActorResolver } from './StoringAuditorService';
export { chainHash, GENESIS_HASH } from './chain';
export type { ChainRecord } from './chain';
export { prepareMeta, MAX_META_BYTES, REDACTED } from './prepareMeta';
export { ulid, isUlid } from './ulid';
export { unverifiedClaimsOf } from './unverifiedClaims';
