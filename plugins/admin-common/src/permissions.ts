import { createPermission } from '@backstage/plugin-permission-common';

/** See the admin console: users, roles, sessions, high-severity events. Admins only. */
export const adminConsoleReadPermission = createPermission({
  name: 'admin.console.read',
  attributes: { action: 'read' },
});

/** Start (and stop) an impersonation session. Admins only. */
export const adminImpersonationStartPermission = createPermission({
  name: 'admin.impersonation.start',
  attributes: { action: 'create' },
});

/** Switch maintenance mode on or off and set its message. Admins only. */
export const adminMaintenanceUpdatePermission = createPermission({
  name: 'admin.maintenance.update',
  attributes: { action: 'update' },
});

export const adminPermissions = [
  adminConsoleReadPermission,
  adminImpersonationStartPermission,
  adminMaintenanceUpdatePermission,
];
