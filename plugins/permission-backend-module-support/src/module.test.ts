import { startTestBackend } from '@backstage/backend-test-utils';
import {
  roleExtensions,
  whoIsAllowed,
} from '@internal/backstage-plugin-permission-backend-module-roles/testUtils';
import { supportPermissions } from '@internal/backstage-plugin-support-common';
import { permissionModuleSupport } from './module';

describe('permission-backend-module-support', () => {
  it('lets everybody raise and read tickets, and only the support role and admins work on every ticket', async () => {
    const roles = roleExtensions();
    await startTestBackend({
      extensionPoints: [roles.extensionPoint],
      features: [permissionModuleSupport],
    });
    const everybody = ['engineer', 'admin', 'compliance', 'support'];
    expect(await whoIsAllowed(roles.policy(), supportPermissions)).toEqual({
      'support.ticket.create': everybody,
      'support.ticket.read': everybody,
      'support.ticket.manage': ['admin', 'support'],
    });
  });
});
