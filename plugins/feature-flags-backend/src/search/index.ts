/**
 * The search module that indexes feature flags:
 * `backend.add(import('@internal/backstage-plugin-feature-flags-backend/search'))`.
 *
 * @packageDocumentation
 */
export { searchModuleFeatureFlagsCollator as default } from './module';
export { FlagCollatorFactory } from './FlagCollatorFactory';
export type { FlagDocument } from './FlagCollatorFactory';
