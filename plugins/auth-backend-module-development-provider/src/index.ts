/**
 * Development sign-in for Stack Portal's embedded default.
 *
 * @packageDocumentation
 */
export { authModuleDevelopmentProvider as default } from './module';
export { DEV_PROVIDER_ID } from './module';
export { DEV_USER_HEADER } from './authenticator';
export type { DevSignInUser } from './users';
