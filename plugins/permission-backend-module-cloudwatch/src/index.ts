/**
 * Grants the CloudWatch permission to Stack Portal's roles.
 *
 * @packageDocumentation
 */
export { permissionModuleCloudwatch as default } from './module';
