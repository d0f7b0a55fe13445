/**
 * The admin console's backend: users and roles, impersonation sessions,
 * maintenance mode.
 *
 * @packageDocumentation
 */
export { adminPlugin as default } from './plugin';
