/**
 * What other frontend plugins need from the admin console: whether the
 * person may write now (not while impersonating read-only, not during
 * maintenance unless they are an admin), and controls that say why not.
 *
 * @packageDocumentation
 */
export {
  writeAccessApiRef,
  WRITES_ALLOWED,
  readOnlyWhileImpersonating,
  pausedForMaintenance,
} from './writeAccess';
export type { WriteAccess, WriteAccessApi } from './writeAccess';
export { useWriteAccess } from './useWriteAccess';
export { WriteGuard, WriteAccessNotice } from './WriteGuard';
