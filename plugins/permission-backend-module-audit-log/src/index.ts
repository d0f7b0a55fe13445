/**
 * The audit log's rows in the role policy.
 *
 * @packageDocumentation
 */
export { permissionModuleAuditLog as default } from './module';
