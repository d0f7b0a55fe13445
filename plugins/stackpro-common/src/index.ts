/**
 * StackPro's capabilities: their names and flags, and where each one is found
 * per environment (seed 002's `resolveCapabilityUrl`) with its health endpoint.
 *
 * @packageDocumentation
 */
export * from './capabilities';
export * from './resolver';
