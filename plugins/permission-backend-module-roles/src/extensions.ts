import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { PermissionGrants } from './RolePolicy';

/**
 * Lets a plugin's permission module name who may use its permissions, e.g.
 * `addGrants({ 'audit-log.event.read': ['compliance', 'admin'] })`.
 *
 * @public
 */
export interface RolePolicyExtensionPoint {
  addGrants(grants: PermissionGrants): void;
  /**
   * Permissions an impersonation token (one with an `act` claim) never
   * holds, even when the impersonated user's roles would grant them.
   */
  denyWhileImpersonating(permissionNames: string[]): void;
}

/** @public */
export const rolePolicyExtensionPoint =
  createExtensionPoint<RolePolicyExtensionPoint>({
    id: 'permission.stack-portal-roles',
  });
