/**
 * Stack Portal's catalog fields and the stacks overview's shared types.
 *
 * @packageDocumentation
 */
export * from './fields';
export * from './stack';
export * from './coverage';
export * from './capabilityName';
