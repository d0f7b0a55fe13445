export { AuditEventTable, ActorName, TargetName } from './AuditEventTable';
