/**
 * The admin console's backend library: the session store, impersonation
 * sessions known by token in every form, the request gate in front of every
 * plugin, and the auditor's impersonation resolver.
 *
 * @packageDocumentation
 */
export { DatabaseAdminStore, isLive } from './DatabaseAdminStore';
export { adminStoreServiceRef } from './adminStoreServiceRef';
export {
  DefaultImpersonationSessions,
  impersonationSessionsServiceRef,
} from './ImpersonationSessions';
export type { ImpersonationSessions } from './ImpersonationSessions';
export { RequestGate } from './RequestGate';
export type { RequestGateState } from './RequestGate';
export { UserTokenVerifier } from './UserTokenVerifier';
export type { VerifiedUserToken } from './UserTokenVerifier';
export {
  gatedRootHttpRouterServiceFactory,
  impersonationRealActorServiceFactory,
  placeBefore,
  requestGateServiceRef,
} from './requestGateServices';
export {
  isImpersonationWriteExempt,
  isMaintenanceExempt,
  isMutating,
  plainPathOf,
} from './requestRules';
export {
  bearerTokenOf,
  cookieTokenOf,
  decodeUnverified,
  impersonationClaimsOf,
  tokenProofOf,
} from './tokens';
export type { ImpersonationClaims, UnverifiedToken } from './tokens';
