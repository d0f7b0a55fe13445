/**
 * Grants the feature-flags permissions to Stack Portal's roles.
 *
 * @packageDocumentation
 */
export { permissionModuleFeatureFlags as default } from './module';
