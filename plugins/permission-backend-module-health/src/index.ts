/**
 * Grants of the health plugin's permissions to Stack Portal's roles.
 *
 * @packageDocumentation
 */
export { permissionModuleHealth as default } from './module';
