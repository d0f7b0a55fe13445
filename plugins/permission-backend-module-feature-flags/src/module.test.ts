import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { featureFlagsPermissions } from '@internal/backstage-plugin-feature-flags-common';
import {
  PermissionGrants,
  RolePolicy,
  rolePolicyExtensionPoint,
} from '@internal/backstage-plugin-permission-backend-module-roles';
import { permissionModuleFeatureFlags } from './module';

const member = (name: string, group: string) => ({
  credentials: {} as any,
  info: {
    userEntityRef: `user:default/${name}`,
    ownershipEntityRefs: [`user:default/${name}`, `group:default/${group}`],
  },
});
const people = {
  engineer: member('eli.martin', 'team-a'),
  admin: member('amara.okafor', 'platform-admins'),
  compliance: member('priya.nair', 'compliance'),
};

describe('permission-backend-module-feature-flags', () => {
  it('lets everybody signed in read and create flags, and only admins change them or approve production changes', async () => {
    const grants: PermissionGrants[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          rolePolicyExtensionPoint,
          {
            addGrants: (g: PermissionGrants) => grants.push(g),
            denyWhileImpersonating: () => {},
          },
        ],
      ],
      features: [permissionModuleFeatureFlags],
    });
    const policy = RolePolicy.create({
      grants,
      mapping: {
        admin: ['group:default/platform-admins'],
        compliance: ['group:default/compliance'],
      },
      logger: mockServices.logger.mock(),
      sessions: { sessionOfCredentials: async () => undefined },
    });

    const decisions: Record<string, string[]> = {};
    for (const permission of featureFlagsPermissions) {
      decisions[permission.name] = [];
      for (const [role, who] of Object.entries(people)) {
        const { result } = await policy.handle({ permission }, who);
        if (result === AuthorizeResult.ALLOW) {
          decisions[permission.name].push(role);
        }
      }
    }
    expect(decisions).toEqual({
      'feature-flags.flag.read': ['engineer', 'admin', 'compliance'],
      'feature-flags.flag.toggle': ['admin'],
      // engineers create flags (New capability does); creation reaching a
      // protected environment is a change request another admin approves
      'feature-flags.flag.create': ['engineer', 'admin', 'compliance'],
      'feature-flags.flag.archive': ['admin'],
      'feature-flags.flag.strategy.update': ['admin'],
      'feature-flags.flag.change-request.approve': ['admin'],
    });
  });
});
