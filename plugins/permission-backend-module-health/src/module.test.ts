import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  PermissionGrants,
  RolePolicy,
  rolePolicyExtensionPoint,
} from '@internal/backstage-plugin-permission-backend-module-roles';
import { healthPermissions } from '@internal/backstage-plugin-health-common';
import { permissionModuleHealth } from './module';

const user = (ref: string, ...groups: string[]) => ({
  credentials: {} as any,
  info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
});

describe('permission-backend-module-health', () => {
  it('lets everybody signed in read health, admins included, and grants nothing else', async () => {
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
      features: [permissionModuleHealth],
    });
    const policy = RolePolicy.create({
      grants,
      mapping: { admin: ['group:default/platform-admins'] },
      logger: mockServices.logger.mock(),
      sessions: { sessionOfCredentials: async () => undefined },
    });
    const decide = async (name: string, who: ReturnType<typeof user>) =>
      (
        await policy.handle(
          { permission: healthPermissions.find(p => p.name === name)! },
          who,
        )
      ).result;
    const engineer = user(
      'user:default/eli.martin',
      'group:default/team-identity',
    );
    const admin = user(
      'user:default/amara.okafor',
      'group:default/platform-admins',
    );
    expect(await decide('health.read', engineer)).toBe(AuthorizeResult.ALLOW);
    expect(await decide('health.read', admin)).toBe(AuthorizeResult.ALLOW);
    expect(healthPermissions.map(p => p.name)).toEqual(['health.read']);
    expect(grants.flatMap(g => Object.keys(g))).toEqual(['health.read']);
  });
});
