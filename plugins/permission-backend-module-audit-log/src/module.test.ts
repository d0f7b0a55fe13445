import { startTestBackend } from '@backstage/backend-test-utils';
import { auditLogPermissions } from '@internal/backstage-plugin-audit-log-common';
import {
  roleExtensions,
  whoIsAllowed,
} from '@internal/backstage-plugin-permission-backend-module-roles/testUtils';
import { permissionModuleAuditLog } from './module';

describe('permission-backend-module-audit-log', () => {
  const roles = roleExtensions();
  beforeAll(async () => {
    await startTestBackend({
      extensionPoints: [roles.extensionPoint],
      features: [permissionModuleAuditLog],
    });
  });

  it('lets compliance and admins read the log, and only compliance export it or handle data subjects', async () => {
    expect(await whoIsAllowed(roles.policy(), auditLogPermissions)).toEqual({
      'audit-log.event.read': ['admin', 'compliance'],
      'audit-log.event.export': ['compliance'],
      'audit-log.subject.export': ['compliance'],
      'audit-log.subject.erase': ['compliance'],
      'audit-log.report.create': ['compliance'],
      'audit-log.report.read': ['compliance'],
    });
  });

  it('denies the audit reports to every impersonation (an admin impersonating compliance reads no report about admins)', () => {
    expect(roles.denied).toEqual([
      'audit-log.report.create',
      'audit-log.report.read',
    ]);
  });
});
