/**
 * Types, permissions and the canonical serialisation shared by the audit log's
 * frontend and backend.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './types';
export * from './canonical';
export * from './reports';
