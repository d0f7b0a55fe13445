import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  auditLogEventExportPermission,
  auditLogEventReadPermission,
  auditLogSubjectErasePermission,
  auditLogSubjectExportPermission,
} from '@internal/backstage-plugin-audit-log-common';
import { rolePolicyExtensionPoint } from '@internal/backstage-plugin-permission-backend-module-roles';

/**
 * Who may use the audit log: compliance and admins read it; only compliance
 * exports it and handles data-subject requests.
 *
 * @public
 */
export const permissionModuleAuditLog = createBackendModule({
  pluginId: 'permission',
  moduleId: 'audit-log',
  register(reg) {
    reg.registerInit({
      deps: { policy: rolePolicyExtensionPoint },
      async init({ policy }) {
        policy.addGrants({
          [auditLogEventReadPermission.name]: ['compliance', 'admin'],
          [auditLogEventExportPermission.name]: ['compliance'],
          [auditLogSubjectExportPermission.name]: ['compliance'],
          [auditLogSubjectErasePermission.name]: ['compliance'],
        });
      },
    });
  },
});
