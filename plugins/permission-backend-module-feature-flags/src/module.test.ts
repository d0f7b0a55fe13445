import { startTestBackend } from '@backstage/backend-test-utils';
import { featureFlagsPermissions } from '@internal/backstage-plugin-feature-flags-common';
import {
  roleExtensions,
  whoIsAllowed,
} from '@internal/backstage-plugin-permission-backend-module-roles/testUtils';
import { permissionModuleFeatureFlags } from './module';

describe('permission-backend-module-feature-flags', () => {
  it('lets everybody signed in read and create flags, and only admins change them or approve production changes', async () => {
    const roles = roleExtensions();
    await startTestBackend({
      extensionPoints: [roles.extensionPoint],
      features: [permissionModuleFeatureFlags],
    });
    const everybody = ['engineer', 'admin', 'compliance', 'support'];
    expect(await whoIsAllowed(roles.policy(), featureFlagsPermissions)).toEqual(
      {
        'feature-flags.flag.read': everybody,
        'feature-flags.flag.toggle': ['admin'],
        // engineers create flags (New capability does); creation reaching a
        // protected environment is a change request another admin approves
        'feature-flags.flag.create': everybody,
        'feature-flags.flag.archive': ['admin'],
        'feature-flags.flag.strategy.update': ['admin'],
        'feature-flags.flag.change-request.approve': ['admin'],
      },
    );
  });
});
