import { startTestBackend } from '@backstage/backend-test-utils';
import { rolePolicyExtensionPoint } from '@internal/backstage-plugin-permission-backend-module-roles';
import { permissionModuleCloudwatch } from './module';

describe('permissionModuleCloudwatch', () => {
  it('lets everyone signed in read CloudWatch, and grants nothing else', async () => {
    const addGrants = jest.fn();
    await startTestBackend({
      extensionPoints: [
        [
          rolePolicyExtensionPoint,
          { addGrants, denyWhileImpersonating: jest.fn() },
        ],
      ],
      features: [permissionModuleCloudwatch],
    });
    expect(addGrants).toHaveBeenCalledTimes(1);
    expect(addGrants.mock.calls[0][0]).toEqual({
      'cloudwatch.metrics.read': ['engineer'],
    });
  });
});
