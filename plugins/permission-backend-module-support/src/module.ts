import { createBackendModule } from '@backstage/backend-plugin-api';
import { rolePolicyExtensionPoint } from '@internal/backstage-plugin-permission-backend-module-roles';
import {
  supportTicketCreatePermission,
  supportTicketManagePermission,
  supportTicketReadPermission,
} from '@internal/backstage-plugin-support-common';

/**
 * Who may use support tickets: everybody signed in raises and reads them;
 * the support role and admins work on every ticket. Members of a ticket's
 * owning group work on their group's tickets without the grant: the support
 * plugin checks that membership itself, per ticket.
 *
 * @public
 */
export const permissionModuleSupport = createBackendModule({
  pluginId: 'permission',
  moduleId: 'support',
  register(reg) {
    reg.registerInit({
      deps: { policy: rolePolicyExtensionPoint },
      async init({ policy }) {
        policy.addGrants({
          [supportTicketCreatePermission.name]: ['engineer'],
          [supportTicketReadPermission.name]: ['engineer'],
          [supportTicketManagePermission.name]: ['support', 'admin'],
        });
      },
    });
  },
});
