import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  featureFlagsChangeRequestApprovePermission,
  featureFlagsFlagArchivePermission,
  featureFlagsFlagCreatePermission,
  featureFlagsFlagReadPermission,
  featureFlagsFlagTogglePermission,
  featureFlagsStrategyUpdatePermission,
} from '@internal/backstage-plugin-feature-flags-common';
import { rolePolicyExtensionPoint } from '@internal/backstage-plugin-permission-backend-module-roles';

/**
 * Who may use feature flags: everyone signed in reads them and creates new
 * ones (off everywhere); admins toggle, archive, target and approve
 * production changes.
 *
 * @public
 */
export const permissionModuleFeatureFlags = createBackendModule({
  pluginId: 'permission',
  moduleId: 'feature-flags',
  register(reg) {
    reg.registerInit({
      deps: { policy: rolePolicyExtensionPoint },
      async init({ policy }) {
        policy.addGrants({
          [featureFlagsFlagReadPermission.name]: ['engineer'],
          [featureFlagsFlagTogglePermission.name]: ['admin'],
          // created off in every environment: engineers create their capability's
          // flags (New capability); turning them on stays with admins
          [featureFlagsFlagCreatePermission.name]: ['engineer'],
          [featureFlagsFlagArchivePermission.name]: ['admin'],
          [featureFlagsStrategyUpdatePermission.name]: ['admin'],
          [featureFlagsChangeRequestApprovePermission.name]: ['admin'],
        });
      },
    });
  },
});
