export { AuditAccessRefusal, RequireAuditRead } from './AuditAccess';
export { AuditAccessProbe } from './AuditAccessProbe';
export { auditReadAccess } from './auditReadAccess';
