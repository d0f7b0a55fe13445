import { mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { BUILT_IN_GRANTS, RolePolicy } from './RolePolicy';

function userOf(...groups: string[]): PolicyQueryUser {
  const userEntityRef = 'user:default/someone';
  return {
    credentials: {} as PolicyQueryUser['credentials'],
    info: {
      userEntityRef,
      ownershipEntityRefs: [userEntityRef, ...groups.map(g => `group:default/${g}`)],
    },
  };
}

const policy = RolePolicy.create({
  grants: [
    BUILT_IN_GRANTS,
    { 'audit-log.event.export': ['compliance'], 'audit-log.event.read': ['compliance', 'admin'] },
  ],
  mapping: {
    admin: ['group:default/platform-admins'],
    compliance: ['group:default/compliance'],
  },
  logger: mockServices.logger.mock(),
});

const permission = (name: string, action?: 'create' | 'read' | 'update' | 'delete') =>
  createPermission({ name, attributes: action ? { action } : {} });

const decide = async (name: string, user: PolicyQueryUser, action?: 'create' | 'read' | 'update' | 'delete') =>
  (await policy.handle({ permission: permission(name, action) }, user)).result;

describe('RolePolicy', () => {
  const engineer = userOf('team-data');
  const admin = userOf('team-platform', 'platform-admins');
  const compliance = userOf('compliance');

  it('lets only admins unregister catalog entities', async () => {
    expect(await decide('catalog.entity.delete', engineer, 'delete')).toBe(AuthorizeResult.DENY);
    expect(await decide('catalog.entity.delete', admin, 'delete')).toBe(AuthorizeResult.ALLOW);
    expect(await decide('catalog.entity.read', engineer, 'read')).toBe(AuthorizeResult.ALLOW);
  });

  it('applies grants added by plugins by permission name', async () => {
    expect(await decide('audit-log.event.export', compliance)).toBe(AuthorizeResult.ALLOW);
    expect(await decide('audit-log.event.export', admin)).toBe(AuthorizeResult.DENY);
    expect(await decide('audit-log.event.read', admin, 'read')).toBe(AuthorizeResult.ALLOW);
    expect(await decide('audit-log.event.read', engineer, 'read')).toBe(AuthorizeResult.DENY);
  });

  it('denies an unknown mutating permission and allows an unknown read', async () => {
    expect(await decide('someplugin.thing.delete', admin, 'delete')).toBe(AuthorizeResult.DENY);
    expect(await decide('someplugin.thing.update', admin, 'update')).toBe(AuthorizeResult.DENY);
    expect(await decide('someplugin.thing.run', admin)).toBe(AuthorizeResult.DENY);
    expect(await decide('someplugin.thing.read', engineer, 'read')).toBe(AuthorizeResult.ALLOW);
  });

  it('refuses a grant to a role that does not exist', () => {
    expect(() =>
      RolePolicy.create({
        grants: [{ 'x.y': ['superuser' as 'admin'] }],
        mapping: {},
        logger: mockServices.logger.mock(),
      }),
    ).toThrow('Permission x.y is granted to unknown role(s) superuser');
  });
});
