/**
 * The admin console's rows in the role policy.
 *
 * @packageDocumentation
 */
export { permissionModuleAdmin as default } from './module';
