import { startTestBackend } from '@backstage/backend-test-utils';
import {
  adminPermissions,
  ImpersonationSession,
} from '@internal/backstage-plugin-admin-common';
import {
  auditLogEventExportPermission,
  auditLogSubjectErasePermission,
  auditLogSubjectExportPermission,
} from '@internal/backstage-plugin-audit-log-common';
import {
  roleExtensions,
  TEST_PEOPLE,
  whoIsAllowed,
} from '@internal/backstage-plugin-permission-backend-module-roles/testUtils';
import { permissionModuleAdmin } from './module';

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

describe('permission-backend-module-admin', () => {
  const roles = roleExtensions();
  beforeAll(async () => {
    await startTestBackend({
      extensionPoints: [roles.extensionPoint],
      features: [permissionModuleAdmin],
    });
  });

  it('gives the admin console to admins only', async () => {
    expect(await whoIsAllowed(roles.policy(), adminPermissions)).toEqual(
      Object.fromEntries(adminPermissions.map(p => [p.name, ['admin']])),
    );
  });

  it('denies the console, exports and data-subject requests to an impersonation token, whoever it impersonates', async () => {
    const refused = [
      ...adminPermissions,
      auditLogEventExportPermission,
      auditLogSubjectExportPermission,
      auditLogSubjectErasePermission,
    ];
    // the token of an admin impersonating compliance: compliance's groups,
    // the session's rules
    const decisions = await whoIsAllowed(roles.policy(liveSession), refused, {
      compliance: TEST_PEOPLE.compliance,
    });
    expect(decisions).toEqual(
      Object.fromEntries(refused.map(p => [p.name, []])),
    );
  });
});
