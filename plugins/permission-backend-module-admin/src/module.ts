import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  adminConsoleReadPermission,
  adminImpersonationStartPermission,
  adminMaintenanceUpdatePermission,
  adminPermissions,
} from '@internal/backstage-plugin-admin-common';
import {
  auditLogEventExportPermission,
  auditLogSubjectErasePermission,
  auditLogSubjectExportPermission,
} from '@internal/backstage-plugin-audit-log-common';
import { rolePolicyExtensionPoint } from '@internal/backstage-plugin-permission-backend-module-roles';

/**
 * Who may use the admin console: admins only. An impersonation token holds
 * none of it, nor the audit log's exports, whoever it impersonates: an
 * admin seeing the portal as a compliance user cannot export the log.
 *
 * @public
 */
export const permissionModuleAdmin = createBackendModule({
  pluginId: 'permission',
  moduleId: 'admin',
  register(reg) {
    reg.registerInit({
      deps: { policy: rolePolicyExtensionPoint },
      async init({ policy }) {
        policy.addGrants({
          [adminConsoleReadPermission.name]: ['admin'],
          [adminImpersonationStartPermission.name]: ['admin'],
          [adminMaintenanceUpdatePermission.name]: ['admin'],
        });
        policy.denyWhileImpersonating([
          ...adminPermissions.map(p => p.name),
          auditLogEventExportPermission.name,
          auditLogSubjectExportPermission.name,
          auditLogSubjectErasePermission.name,
        ]);
      },
    });
  },
});
