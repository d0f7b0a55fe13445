import { mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { ImpersonationSession } from '@internal/backstage-plugin-admin-common';
import { BUILT_IN_GRANTS, RolePolicy } from './RolePolicy';

function userOf(...groups: string[]): PolicyQueryUser {
  const userEntityRef = 'user:default/someone';
  return {
    credentials: {} as PolicyQueryUser['credentials'],
    info: {
      userEntityRef,
      ownershipEntityRefs: [
        userEntityRef,
        ...groups.map(g => `group:default/${g}`),
      ],
    },
  };
}

const policy = RolePolicy.create({
  grants: [
    BUILT_IN_GRANTS,
    {
      'audit-log.event.export': ['compliance'],
      'audit-log.event.read': ['compliance', 'admin'],
    },
  ],
  mapping: {
    admin: ['group:default/platform-admins'],
    compliance: ['group:default/compliance'],
  },
  logger: mockServices.logger.mock(),
  sessions: { sessionOfCredentials: async () => undefined },
});

const permission = (
  name: string,
  action?: 'create' | 'read' | 'update' | 'delete',
) => createPermission({ name, attributes: action ? { action } : {} });

const decide = async (
  name: string,
  user: PolicyQueryUser,
  action?: 'create' | 'read' | 'update' | 'delete',
) =>
  (await policy.handle({ permission: permission(name, action) }, user)).result;

describe('RolePolicy', () => {
  const engineer = userOf('team-data');
  const admin = userOf('team-platform', 'platform-admins');
  const compliance = userOf('compliance');

  it('lets only admins unregister catalog entities', async () => {
    expect(await decide('catalog.entity.delete', engineer, 'delete')).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decide('catalog.entity.delete', admin, 'delete')).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decide('catalog.entity.read', engineer, 'read')).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('applies grants added by plugins by permission name', async () => {
    expect(await decide('audit-log.event.export', compliance)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decide('audit-log.event.export', admin)).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decide('audit-log.event.read', admin, 'read')).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decide('audit-log.event.read', engineer, 'read')).toBe(
      AuthorizeResult.DENY,
    );
  });

  it('denies an unknown mutating permission and allows an unknown read', async () => {
    expect(await decide('someplugin.thing.delete', admin, 'delete')).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decide('someplugin.thing.update', admin, 'update')).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decide('someplugin.thing.run', admin)).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decide('someplugin.thing.read', engineer, 'read')).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('refuses a grant to a role that does not exist', () => {
    expect(() =>
      RolePolicy.create({
        grants: [{ 'x.y': ['superuser' as 'admin'] }],
        mapping: {},
        logger: mockServices.logger.mock(),
        sessions: { sessionOfCredentials: async () => undefined },
      }),
    ).toThrow('Permission x.y is granted to unknown role(s) superuser');
  });
});

describe('RolePolicy while impersonating', () => {
  const ADMIN = 'user:default/amara.okafor';
  const COMPLIANCE = 'user:default/priya.nair';
  const now = Date.now();
  function session(
    overrides: Partial<ImpersonationSession> = {},
  ): ImpersonationSession {
    return {
      id: 'session-1',
      adminRef: ADMIN,
      targetRef: COMPLIANCE,
      reason: 'Ticket SUP-12: her export fails',
      startedAt: new Date(now - 60_000).toISOString(),
      expiresAt: new Date(now + 14 * 60_000).toISOString(),
      status: 'active',
      allowWrites: false,
      ...overrides,
    };
  }
  /** Credentials as Backstage builds them, for whatever token form reached the policy. */
  function complianceUser(token: string): PolicyQueryUser {
    const credentials = Object.defineProperty(
      {
        $$type: '@backstage/BackstageCredentials',
        principal: { type: 'user', userEntityRef: COMPLIANCE },
      },
      'token',
      { enumerable: false, value: token },
    );
    return {
      credentials: credentials as unknown as PolicyQueryUser['credentials'],
      info: {
        userEntityRef: COMPLIANCE,
        ownershipEntityRefs: [COMPLIANCE, 'group:default/compliance'],
      },
    };
  }
  /** The sessions the policy asks, by token: here, a fixed map. */
  function policyWith(sessions: Record<string, ImpersonationSession>) {
    return RolePolicy.create({
      grants: [
        {
          'audit-log.event.export': ['compliance'],
          'admin.console.read': ['admin'],
          'feature-flags.flag.toggle': ['compliance'],
        },
      ],
      mapping: { compliance: ['group:default/compliance'] },
      logger: mockServices.logger.mock(),
      deniedWhileImpersonating: [
        'audit-log.event.export',
        'admin.console.read',
      ],
      sessions: {
        async sessionOfCredentials(credentials) {
          const token = (
            credentials as unknown as { token?: string } | undefined
          )?.token;
          return token ? sessions[token] : undefined;
        },
      },
    });
  }
  const exportPermission = createPermission({
    name: 'audit-log.event.export',
    attributes: { action: 'read' },
  });
  const readPermission = createPermission({
    name: 'catalog.entity.read',
    attributes: { action: 'read' },
  });
  const togglePermission = createPermission({
    name: 'feature-flags.flag.toggle',
    attributes: { action: 'update' },
  });
  const decideFor = async (
    guarded: RolePolicy,
    token: string,
    asked = exportPermission,
  ) =>
    (await guarded.handle({ permission: asked }, complianceUser(token))).result;

  // what reaches the policy when a plugin checks on the user's behalf: a
  // limited token that has neither the act claim nor the session id
  const LIMITED = 'limited-token-of-the-impersonation';

  it('denies the audit export to an impersonation of a compliance user, in the token form plugins forward', async () => {
    const guarded = policyWith({ [LIMITED]: session() });
    expect(await decideFor(guarded, LIMITED)).toBe(AuthorizeResult.DENY);
  });

  it('still lets the compliance user export with their own token', async () => {
    const guarded = policyWith({ [LIMITED]: session() });
    expect(await decideFor(guarded, 'her-own-token')).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('lets a live read-only session read as the user, and nothing else', async () => {
    const guarded = policyWith({ [LIMITED]: session() });
    expect(await decideFor(guarded, LIMITED, readPermission)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decideFor(guarded, LIMITED, togglePermission)).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decideFor(guarded, 'her-own-token', togglePermission)).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('lets a session that allows writes change what the user may, never the denied permissions', async () => {
    const guarded = policyWith({ [LIMITED]: session({ allowWrites: true }) });
    expect(await decideFor(guarded, LIMITED, togglePermission)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decideFor(guarded, LIMITED, exportPermission)).toBe(
      AuthorizeResult.DENY,
    );
  });

  it('denies everything to a session that was stopped or has expired', async () => {
    const stopped = policyWith({
      [LIMITED]: session({
        status: 'stopped',
        endedAt: new Date(now).toISOString(),
      }),
    });
    const expired = policyWith({
      [LIMITED]: session({ expiresAt: new Date(now - 1).toISOString() }),
    });
    for (const guarded of [stopped, expired]) {
      expect(await decideFor(guarded, LIMITED, readPermission)).toBe(
        AuthorizeResult.DENY,
      );
    }
  });
});
