import { createBackendModule } from '@backstage/backend-plugin-api';
import { rolePolicyExtensionPoint } from '@internal/backstage-plugin-permission-backend-module-roles';
import { healthReadPermission } from '@internal/backstage-plugin-health-common';

/**
 * Who may use health: everybody signed in reads probes, SLOs, incidents and
 * the status page (limited to the entities the catalog shows them). There is
 * nothing else to grant: health has no actions (see `healthPermissions`).
 *
 * @public
 */
export const permissionModuleHealth = createBackendModule({
  pluginId: 'permission',
  moduleId: 'health',
  register(reg) {
    reg.registerInit({
      deps: { policy: rolePolicyExtensionPoint },
      async init({ policy }) {
        policy.addGrants({
          [healthReadPermission.name]: ['engineer'],
        });
      },
    });
  },
});
