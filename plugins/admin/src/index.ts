/**
 * The admin console: users and roles, impersonation with its banner on every
 * page, maintenance mode.
 *
 * @packageDocumentation
 */
export { adminPlugin as default } from './plugin';
export { adminApiRef, AdminClient } from './api';
export type { AdminApi, AdminAuditEvent, ImpersonationConfig } from './api';
export {
  ImpersonationAwareIdentity,
  IMPERSONATION_STORAGE_KEY,
} from './identity';
