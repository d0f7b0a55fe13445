/**
 * Grants of the support plugin's permissions to Stack Portal's roles.
 *
 * @packageDocumentation
 */
export { permissionModuleSupport as default } from './module';
