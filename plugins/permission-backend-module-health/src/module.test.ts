import { startTestBackend } from '@backstage/backend-test-utils';
import { healthPermissions } from '@internal/backstage-plugin-health-common';
import {
  roleExtensions,
  whoIsAllowed,
} from '@internal/backstage-plugin-permission-backend-module-roles/testUtils';
import { permissionModuleHealth } from './module';

describe('permission-backend-module-health', () => {
  it('lets everybody signed in read health, admins included, and grants nothing else', async () => {
    const roles = roleExtensions();
    await startTestBackend({
      extensionPoints: [roles.extensionPoint],
      features: [permissionModuleHealth],
    });
    expect(await whoIsAllowed(roles.policy(), healthPermissions)).toEqual({
      'health.read': ['engineer', 'admin', 'compliance', 'support'],
    });
    expect(roles.grants.flatMap(g => Object.keys(g))).toEqual(['health.read']);
  });
});
