import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ImpersonationSession,
  isLive,
} from '@internal/backstage-plugin-admin-common';
import {
  AuthorizeResult,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  isRole,
  Role,
  RoleMapping,
  rolesOf,
} from '@internal/backstage-plugin-roles-common';

/** Which roles may use a permission, by permission name. */
export type PermissionGrants = Record<string, Role[]>;

/** What the policy needs to know of impersonation sessions. */
export interface SessionLookup {
  /** The session behind verified credentials, in whatever token form they came. */
  sessionOfCredentials(
    credentials: BackstageCredentials | undefined,
  ): Promise<ImpersonationSession | undefined>;
}

/**
 * Backstage's own permissions that the portal uses, and who holds them.
 * `engineer` means everybody signed in.
 */
export const BUILT_IN_GRANTS: PermissionGrants = {
  'catalog.entity.read': ['engineer'],
  'catalog.entity.create': ['engineer'],
  'catalog.entity.refresh': ['engineer'],
  'catalog.entity.validate': ['engineer'],
  'catalog.entity.delete': ['admin'],
  'catalog.location.read': ['engineer'],
  'catalog.location.analyze': ['engineer'],
  'catalog.location.create': ['engineer'],
  'catalog.location.delete': ['admin'],
  'catalog.ingestion.read': ['engineer'],
  'catalog.ingestion.manage': ['admin'],
  'scaffolder.template.parameter.read': ['engineer'],
  'scaffolder.template.step.read': ['engineer'],
  'scaffolder.action.execute': ['engineer'],
  'scaffolder.task.create': ['engineer'],
  'scaffolder.task.read': ['engineer'],
  'scaffolder.task.cancel': ['engineer'],
  'scaffolder.template.management': ['admin'],
};

/**
 * The portal's permission policy: a permission named in the grants is allowed
 * to the roles listed for it; an unnamed permission is allowed only when it
 * reads, so a new mutating permission stays denied until somebody grants it.
 */
export class RolePolicy implements PermissionPolicy {
  private readonly warned = new Set<string>();

  private constructor(
    private readonly grants: Map<string, Role[]>,
    private readonly mapping: RoleMapping,
    private readonly logger: LoggerService,
    private readonly deniedWhileImpersonating: Set<string>,
    private readonly sessions: SessionLookup,
  ) {}

  static create(options: {
    grants: PermissionGrants[];
    mapping: RoleMapping;
    logger: LoggerService;
    /** Permissions an impersonation token never holds, whoever it impersonates. */
    deniedWhileImpersonating?: string[];
    /** Impersonation sessions by token, in every form a token reaches the policy. */
    sessions: SessionLookup;
  }): RolePolicy {
    const grants = new Map<string, Role[]>();
    for (const layer of options.grants) {
      for (const [name, roles] of Object.entries(layer)) {
        const unknown = roles.filter(role => !isRole(role));
        if (unknown.length) {
          throw new Error(
            `Permission ${name} is granted to unknown role(s) ${unknown.join(
              ', ',
            )}`,
          );
        }
        grants.set(name, roles);
      }
    }
    return new RolePolicy(
      grants,
      options.mapping,
      options.logger,
      new Set(options.deniedWhileImpersonating ?? []),
      options.sessions,
    );
  }

  /**
   * What an impersonation session may use: nothing once it has ended; never
   * what is denied to every impersonation (the admin console, audit exports,
   * data-subject requests...); and only reads unless the session allows writes.
   */
  private allowsWhileImpersonating(
    permission: Permission,
    session: ImpersonationSession,
  ): boolean {
    if (!isLive(session)) return false;
    if (this.deniedWhileImpersonating.has(permission.name)) return false;
    return session.allowWrites || permission.attributes.action === 'read';
  }

  /** The roles that hold a permission, or undefined when nobody named it. */
  rolesFor(permissionName: string): Role[] | undefined {
    return this.grants.get(permissionName);
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const session = await this.sessions.sessionOfCredentials(user?.credentials);
    if (session && !this.allowsWhileImpersonating(permission, session)) {
      return { result: AuthorizeResult.DENY };
    }
    const held = rolesOf(user?.info.ownershipEntityRefs ?? [], this.mapping);
    const allowedRoles = this.grants.get(permission.name);
    if (allowedRoles) {
      return {
        result: allowedRoles.some(role => held.includes(role))
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    if (permission.attributes.action === 'read') {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!this.warned.has(permission.name)) {
      this.warned.add(permission.name);
      this.logger.warn(
        `Denied permission ${permission.name}: it is not read-only and no role is granted it; ` +
          `grant it in stackPortal.permissions or through the roles policy extension point`,
      );
    }
    return { result: AuthorizeResult.DENY };
  }
}
