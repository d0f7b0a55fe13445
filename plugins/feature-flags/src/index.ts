/**
 * Feature flags: the Flags page and the "Feature flags" tab of capabilities and services.
 *
 * @packageDocumentation
 */
export { featureFlagsPlugin as default } from './plugin';
export { featureFlagsApiRef, FeatureFlagsClient } from './api';
export type { FeatureFlagsApi } from './api';
