/**
 * The impersonation sign-in for the admin console.
 *
 * @packageDocumentation
 */
export { authModuleImpersonationProvider as default } from './module';
export type { ImpersonationSignInResult } from './authenticator';
