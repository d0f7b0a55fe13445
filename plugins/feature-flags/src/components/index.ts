export { FeatureFlagsPage } from './FeatureFlagsPage';
export { EntityFeatureFlagsContent } from './EntityFeatureFlagsContent';
