/**
 * Stack Portal's role-based permission policy.
 *
 * @packageDocumentation
 */
export { permissionModuleRoles as default } from './module';
export { rolePolicyExtensionPoint } from './extensions';
export type { RolePolicyExtensionPoint } from './extensions';
export { BUILT_IN_GRANTS, RolePolicy } from './RolePolicy';
export type { PermissionGrants } from './RolePolicy';
