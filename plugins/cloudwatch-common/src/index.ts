/**
 * What the CloudWatch plugins share: the entity annotations and their
 * parser, the capability metrics of seed 002, the ranges, the API's types
 * and the read permission.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './metrics';
export * from './types';
export * from './permissions';
