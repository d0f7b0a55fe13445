/**
 * Types, permissions and input rules shared by the feature-flags plugins.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './types';
export * from './validation';
