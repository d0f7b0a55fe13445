import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  adminPermissions,
  ImpersonationSession,
} from '@internal/backstage-plugin-admin-common';
import {
  auditLogEventExportPermission,
  auditLogSubjectErasePermission,
  auditLogSubjectExportPermission,
} from '@internal/backstage-plugin-audit-log-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  PermissionGrants,
  RolePolicy,
  rolePolicyExtensionPoint,
} from '@internal/backstage-plugin-permission-backend-module-roles';
import { permissionModuleAdmin } from './module';

const admin = {
  credentials: {} as any,
  info: {
    userEntityRef: 'user:default/amara.okafor',
    ownershipEntityRefs: [
      'user:default/amara.okafor',
      'group:default/platform-admins',
    ],
  },
};
const engineer = {
  credentials: {} as any,
  info: {
    userEntityRef: 'user:default/eli.martin',
    ownershipEntityRefs: ['user:default/eli.martin', 'group:default/team-a'],
  },
};
const liveSession: ImpersonationSession = {
  id: 's1',
  adminRef: 'user:default/amara.okafor',
  targetRef: 'user:default/priya.nair',
  reason: 'support ticket',
  startedAt: new Date(Date.now() - 60_000).toISOString(),
  expiresAt: new Date(Date.now() + 600_000).toISOString(),
  status: 'active',
  allowWrites: true,
};

async function policyWith(session?: ImpersonationSession) {
  const grants: PermissionGrants[] = [];
  const denied: string[] = [];
  await startTestBackend({
    extensionPoints: [
      [
        rolePolicyExtensionPoint,
        {
          addGrants: (g: PermissionGrants) => grants.push(g),
          denyWhileImpersonating: (names: string[]) => denied.push(...names),
        },
      ],
    ],
    features: [permissionModuleAdmin],
  });
  return RolePolicy.create({
    grants,
    deniedWhileImpersonating: denied,
    mapping: {
      admin: ['group:default/platform-admins'],
      compliance: ['group:default/compliance'],
    },
    logger: mockServices.logger.mock(),
    sessions: { sessionOfCredentials: async () => session },
  });
}

describe('permission-backend-module-admin', () => {
  it('gives the admin console to admins only', async () => {
    const policy = await policyWith();
    for (const permission of adminPermissions) {
      expect((await policy.handle({ permission }, admin)).result).toBe(
        AuthorizeResult.ALLOW,
      );
      expect((await policy.handle({ permission }, engineer)).result).toBe(
        AuthorizeResult.DENY,
      );
    }
  });

  it('denies the console, exports and data-subject requests to an impersonation token, whoever it impersonates', async () => {
    const policy = await policyWith(liveSession);
    const compliance = {
      credentials: {} as any,
      info: {
        userEntityRef: 'user:default/priya.nair',
        ownershipEntityRefs: [
          'user:default/priya.nair',
          'group:default/compliance',
        ],
      },
    };
    const refused = [
      ...adminPermissions,
      auditLogEventExportPermission,
      auditLogSubjectExportPermission,
      auditLogSubjectErasePermission,
    ];
    for (const permission of refused) {
      expect((await policy.handle({ permission }, compliance)).result).toBe(
        AuthorizeResult.DENY,
      );
    }
  });
});
