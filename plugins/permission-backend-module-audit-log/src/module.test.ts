import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { auditLogPermissions } from '@internal/backstage-plugin-audit-log-common';
import {
  PermissionGrants,
  RolePolicy,
  rolePolicyExtensionPoint,
} from '@internal/backstage-plugin-permission-backend-module-roles';
import { permissionModuleAuditLog } from './module';

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

describe('permission-backend-module-audit-log', () => {
  it('lets compliance and admins read the log, and only compliance export it or handle data subjects', async () => {
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
      features: [permissionModuleAuditLog],
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
    for (const permission of auditLogPermissions) {
      decisions[permission.name] = [];
      for (const [role, who] of Object.entries(people)) {
        const { result } = await policy.handle({ permission }, who);
        if (result === AuthorizeResult.ALLOW) {
          decisions[permission.name].push(role);
        }
      }
    }
    expect(decisions).toEqual({
      'audit-log.event.read': ['admin', 'compliance'],
      'audit-log.event.export': ['compliance'],
      'audit-log.subject.export': ['compliance'],
      'audit-log.subject.erase': ['compliance'],
      'audit-log.report.create': ['compliance'],
      'audit-log.report.read': ['compliance'],
    });
  });

  it('denies the audit reports to every impersonation (an admin impersonating compliance reads no report about admins)', async () => {
    const denied: string[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          rolePolicyExtensionPoint,
          {
            addGrants: () => {},
            denyWhileImpersonating: (names: string[]) => denied.push(...names),
          },
        ],
      ],
      features: [permissionModuleAuditLog],
    });
    expect(denied).toEqual([
      'audit-log.report.create',
      'audit-log.report.read',
    ]);
  });
});
