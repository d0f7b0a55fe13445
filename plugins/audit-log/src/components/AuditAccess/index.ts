export { AuditAccessRefusal, RequireAuditRead } from './AuditAccess';
