/**
 * What the support plugin's frontend and backend share.
 *
 * @packageDocumentation
 */
export * from './tickets';
export * from './api';
export * from './permissions';
