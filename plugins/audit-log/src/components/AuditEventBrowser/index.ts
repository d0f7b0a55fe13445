export { AuditEventBrowser } from './AuditEventBrowser';
