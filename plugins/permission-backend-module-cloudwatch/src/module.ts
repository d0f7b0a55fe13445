import { createBackendModule } from '@backstage/backend-plugin-api';
import { cloudwatchMetricsReadPermission } from '@internal/backstage-plugin-cloudwatch-common';
import { rolePolicyExtensionPoint } from '@internal/backstage-plugin-permission-backend-module-roles';

/**
 * Who may read CloudWatch through the portal: everyone signed in (each
 * entity's views still follow the catalog's visibility).
 *
 * @public
 */
export const permissionModuleCloudwatch = createBackendModule({
  pluginId: 'permission',
  moduleId: 'cloudwatch',
  register(reg) {
    reg.registerInit({
      deps: { policy: rolePolicyExtensionPoint },
      async init({ policy }) {
        policy.addGrants({
          [cloudwatchMetricsReadPermission.name]: ['engineer'],
        });
      },
    });
  },
});
