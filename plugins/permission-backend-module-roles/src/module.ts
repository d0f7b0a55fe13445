import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { impersonationSessionsServiceRef } from '@internal/backstage-plugin-admin-node';
import {
  isRole,
  readRoleMapping,
  Role,
} from '@internal/backstage-plugin-roles-common';
import { rolePolicyExtensionPoint } from './extensions';
import { BUILT_IN_GRANTS, PermissionGrants, RolePolicy } from './RolePolicy';

/**
 * The portal's role-based permission policy, replacing allow-all.
 *
 * @public
 */
export const permissionModuleRoles = createBackendModule({
  pluginId: 'permission',
  moduleId: 'roles',
  register(reg) {
    const added: PermissionGrants[] = [];
    const deniedWhileImpersonating: string[] = [];
    reg.registerExtensionPoint(rolePolicyExtensionPoint, {
      addGrants(grants) {
        added.push(grants);
      },
      denyWhileImpersonating(permissionNames) {
        deniedWhileImpersonating.push(...permissionNames);
      },
    });
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        policy: policyExtensionPoint,
        sessions: impersonationSessionsServiceRef,
      },
      async init({ config, logger, policy, sessions }) {
        const fromConfig: PermissionGrants = {};
        const section = config.getOptionalConfig('stackPortal.permissions');
        for (const name of section?.keys() ?? []) {
          const roles = section!.getStringArray(name);
          const unknown = roles.filter(r => !isRole(r));
          if (unknown.length) {
            throw new Error(
              `stackPortal.permissions.${name} names unknown role(s) ${unknown.join(
                ', ',
              )}`,
            );
          }
          fromConfig[name] = roles as Role[];
        }
        policy.setPolicy(
          RolePolicy.create({
            grants: [BUILT_IN_GRANTS, ...added, fromConfig],
            mapping: readRoleMapping(config),
            logger,
            deniedWhileImpersonating,
            sessions,
          }),
        );
      },
    });
  },
});
