/**
 * Feature flags backend: Unleash or the embedded provider, toggles, change
 * requests, evaluation preview and Unleash's client API for development.
 *
 * @packageDocumentation
 */
export { featureFlagsPlugin as default } from './plugin';
export type {
  FlagProvider,
  FlagSnapshot,
  ProviderFlag,
} from './providers/FlagProvider';
