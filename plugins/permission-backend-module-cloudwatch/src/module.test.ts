import { startTestBackend } from '@backstage/backend-test-utils';
import { cloudwatchPermissions } from '@internal/backstage-plugin-cloudwatch-common';
import {
  roleExtensions,
  whoIsAllowed,
} from '@internal/backstage-plugin-permission-backend-module-roles/testUtils';
import { permissionModuleCloudwatch } from './module';

describe('permissionModuleCloudwatch', () => {
  it('lets everyone signed in read CloudWatch, and grants nothing else', async () => {
    const roles = roleExtensions();
    await startTestBackend({
      extensionPoints: [roles.extensionPoint],
      features: [permissionModuleCloudwatch],
    });
    expect(roles.grants).toEqual([{ 'cloudwatch.metrics.read': ['engineer'] }]);
    expect(await whoIsAllowed(roles.policy(), cloudwatchPermissions)).toEqual({
      'cloudwatch.metrics.read': ['engineer', 'admin', 'compliance', 'support'],
    });
  });
});
