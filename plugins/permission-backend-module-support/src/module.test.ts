import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  PermissionGrants,
  RolePolicy,
  rolePolicyExtensionPoint,
} from '@internal/backstage-plugin-permission-backend-module-roles';
import { supportPermissions } from '@internal/backstage-plugin-support-common';
import { permissionModuleSupport } from './module';

const user = (ref: string, ...groups: string[]) => ({
  credentials: {} as any,
  info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
});

describe('permission-backend-module-support', () => {
  it('lets everybody raise and read tickets, and only the support role and admins work on every ticket', async () => {
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
      features: [permissionModuleSupport],
    });
    const policy = RolePolicy.create({
      grants,
      mapping: {
        admin: ['group:default/platform-admins'],
        support: ['group:default/support'],
      },
      logger: mockServices.logger.mock(),
      // nobody here is impersonating
      sessions: { sessionOfCredentials: async () => undefined },
    });
    const decide = async (name: string, who: ReturnType<typeof user>) =>
      (
        await policy.handle(
          { permission: supportPermissions.find(p => p.name === name)! },
          who,
        )
      ).result;
    const engineer = user(
      'user:default/eli.martin',
      'group:default/team-identity',
    );
    const support = user('user:default/sofia.garcia', 'group:default/support');
    const admin = user(
      'user:default/amara.okafor',
      'group:default/platform-admins',
    );
    expect(await decide('support.ticket.create', engineer)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decide('support.ticket.read', engineer)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decide('support.ticket.manage', engineer)).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decide('support.ticket.manage', support)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decide('support.ticket.manage', admin)).toBe(
      AuthorizeResult.ALLOW,
    );
  });
});
