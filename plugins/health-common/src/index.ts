/**
 * What the health plugin's frontend and backend share (and CloudWatch's
 * charts read: the objectives).
 *
 * @packageDocumentation
 */
export * from './objectives';
export * from './types';
export * from './permissions';
export * from './uptime';
