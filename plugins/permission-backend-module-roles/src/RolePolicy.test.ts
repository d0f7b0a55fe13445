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

describe('RolePolicy while impersonating', () => {
  const jwt = (claims: object) =>
    ['{"alg":"ES256","typ":"vnd.backstage.user"}', JSON.stringify(claims), 'signature']
      .map((part, i) => (i < 2 ? Buffer.from(part).toString('base64url') : part))
      .join('.');
  /** Credentials as Backstage's auth service builds them: the token kept out of sight. */
  function complianceUser(claims: object): PolicyQueryUser {
    const credentials = Object.defineProperty(
      { $$type: '@backstage/BackstageCredentials', principal: { type: 'user', userEntityRef: 'user:default/priya.nair' } },
      'token',
      { enumerable: false, value: jwt(claims) },
    );
    return {
      credentials: credentials as unknown as PolicyQueryUser['credentials'],
      info: {
        userEntityRef: 'user:default/priya.nair',
        ownershipEntityRefs: ['user:default/priya.nair', 'group:default/compliance'],
      },
    };
  }
  const guarded = RolePolicy.create({
    grants: [{ 'audit-log.event.export': ['compliance'], 'admin.console.read': ['admin'] }],
    mapping: { compliance: ['group:default/compliance'] },
    logger: mockServices.logger.mock(),
    deniedWhileImpersonating: ['audit-log.event.export', 'admin.console.read'],
  });
  const exportPermission = createPermission({ name: 'audit-log.event.export', attributes: { action: 'read' } });

  it('denies the audit export to an impersonation token of a compliance user', async () => {
    const impersonated = complianceUser({
      sub: 'user:default/priya.nair',
      act: { sub: 'user:default/amara.okafor' },
    });
    expect((await guarded.handle({ permission: exportPermission }, impersonated)).result).toBe(AuthorizeResult.DENY);
  });

  it('still lets the compliance user export with their own token', async () => {
    const own = complianceUser({ sub: 'user:default/priya.nair' });
    expect((await guarded.handle({ permission: exportPermission }, own)).result).toBe(AuthorizeResult.ALLOW);
  });

  it('leaves other permissions of an impersonated user as their roles say', async () => {
    const impersonated = complianceUser({ sub: 'user:default/priya.nair', act: { sub: 'user:default/amara.okafor' } });
    const read = createPermission({ name: 'catalog.entity.read', attributes: { action: 'read' } });
    expect((await guarded.handle({ permission: read }, impersonated)).result).toBe(AuthorizeResult.ALLOW);
  });
});
