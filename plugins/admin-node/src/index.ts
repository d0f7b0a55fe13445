/**
 * The admin console's backend library: the session store, the request gate
 * in front of every plugin, and the auditor's impersonation resolver.
 *
 * @packageDocumentation
 */
export { DatabaseAdminStore, isLive } from './DatabaseAdminStore';
export { adminStoreServiceRef } from './adminStoreServiceRef';
export { AdminRequestGate } from './AdminRequestGate';
export {
  adminRequestGateServiceRef,
  adminRootHttpRouterServiceFactory,
  impersonationRealActorServiceFactory,
} from './requestGateServices';
export {
  bearerTokenOf,
  decodeUnverified,
  impersonationOf,
} from './impersonationToken';
export type {
  ImpersonationClaims,
  UnverifiedToken,
} from './impersonationToken';
