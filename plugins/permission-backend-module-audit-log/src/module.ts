import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  auditLogEventExportPermission,
  auditLogEventReadPermission,
  auditLogReportCreatePermission,
  auditLogReportReadPermission,
  auditLogSubjectErasePermission,
  auditLogSubjectExportPermission,
} from '@internal/backstage-plugin-audit-log-common';
import { rolePolicyExtensionPoint } from '@internal/backstage-plugin-permission-backend-module-roles';

/**
 * Who may use the audit log: compliance and admins read it; only compliance
 * exports it, handles data-subject requests and produces audit reports.
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
          // reports are evidence about admins' actions: separation of duties
          [auditLogReportCreatePermission.name]: ['compliance'],
          [auditLogReportReadPermission.name]: ['compliance'],
        });
        // nor through an impersonation of a compliance user
        policy.denyWhileImpersonating([
          auditLogReportCreatePermission.name,
          auditLogReportReadPermission.name,
        ]);
      },
    });
  },
});
