/**
 * Shared by the admin console's frontend and backend.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './types';
