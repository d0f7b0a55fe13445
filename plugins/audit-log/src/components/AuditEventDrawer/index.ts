export { AuditEventDrawer } from './AuditEventDrawer';
