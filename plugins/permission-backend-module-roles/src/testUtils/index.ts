/**
 * For the tests of the permission modules that add grants to the role policy
 * (`permission-backend-module-<family>`): what a module granted, and who the
 * resulting policy allows. Not part of the module.
 *
 * @packageDocumentation
 */
import { ExtensionPoint, LoggerService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  Permission,
} from '@backstage/plugin-permission-common';
import { ImpersonationSession } from '@internal/backstage-plugin-admin-common';
import {
  rolePolicyExtensionPoint,
  RolePolicyExtensionPoint,
} from '../extensions';
import { PermissionGrants, RolePolicy } from '../RolePolicy';

/** The role groups of the seeded catalog (app-config.yaml `permission.roles`). */
export const TEST_ROLE_MAPPING = {
  admin: ['group:default/platform-admins'],
  compliance: ['group:default/compliance'],
  support: ['group:default/support'],
};

/** A signed-in person as the policy sees them: their ref and groups. */
export interface TestPerson {
  credentials: any;
  info: { userEntityRef: string; ownershipEntityRefs: string[] };
}

export function testPerson(name: string, ...groups: string[]): TestPerson {
  const ref = `user:default/${name}`;
  return {
    credentials: {},
    info: {
      userEntityRef: ref,
      ownershipEntityRefs: [ref, ...groups.map(g => `group:default/${g}`)],
    },
  };
}

/** One seeded person per role. */
export const TEST_PEOPLE = {
  engineer: testPerson('eli.martin', 'team-a'),
  admin: testPerson('amara.okafor', 'platform-admins'),
  compliance: testPerson('priya.nair', 'compliance'),
  support: testPerson('sofia.garcia', 'support'),
};

const silentLogger: LoggerService = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

/**
 * Collects what modules add to the role policy's extension point. Give
 * `extensionPoint` to `startTestBackend({ extensionPoints: [...] })` with the
 * module, then read `grants` and `denied`, or build the `policy()`.
 */
export function roleExtensions() {
  const grants: PermissionGrants[] = [];
  const denied: string[] = [];
  const extension: RolePolicyExtensionPoint = {
    addGrants: g => grants.push(g),
    denyWhileImpersonating: names => denied.push(...names),
  };
  const extensionPoint: [
    ExtensionPoint<RolePolicyExtensionPoint>,
    RolePolicyExtensionPoint,
  ] = [rolePolicyExtensionPoint, extension];
  /** The policy with these grants; `session` is every request's impersonation, if any. */
  const policy = (session?: ImpersonationSession) =>
    RolePolicy.create({
      grants,
      deniedWhileImpersonating: denied,
      mapping: TEST_ROLE_MAPPING,
      logger: silentLogger,
      sessions: { sessionOfCredentials: async () => session },
    });
  return { extensionPoint, grants, denied, policy };
}

/** For each permission, by name, the people (by key of `people`) the policy allows. */
export async function whoIsAllowed(
  policy: RolePolicy,
  permissions: Permission[],
  people: Record<string, TestPerson> = TEST_PEOPLE,
): Promise<Record<string, string[]>> {
  const decisions: Record<string, string[]> = {};
  for (const permission of permissions) {
    decisions[permission.name] = [];
    for (const [who, person] of Object.entries(people)) {
      const { result } = await policy.handle({ permission }, person);
      if (result === AuthorizeResult.ALLOW) {
        decisions[permission.name].push(who);
      }
    }
  }
  return decisions;
}
