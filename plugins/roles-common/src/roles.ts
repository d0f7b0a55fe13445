import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/** The portal's roles. Everybody signed in is an engineer. */
export const ROLES = ['engineer', 'admin', 'compliance', 'support'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return ROLES.includes(value as Role);
}

/**
 * Which groups hold which role, from config `stackPortal.roles`
 * (for example `admin: [group:default/platform-admins]`).
 */
export type RoleMapping = Partial<Record<Role, string[]>>;

/** The part of config this package reads (a `Config` satisfies it). */
export interface RoleConfigReader {
  getOptionalConfig(
    key: string,
  ): { keys(): string[]; getStringArray(key: string): string[] } | undefined;
}

function normalizeGroupRef(ref: string): string {
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultKind: 'group', defaultNamespace: 'default' }),
  );
}

/** Reads and checks `stackPortal.roles`; an unknown role name is an error. */
export function readRoleMapping(config: RoleConfigReader): RoleMapping {
  const section = config.getOptionalConfig('stackPortal.roles');
  const mapping: RoleMapping = {};
  for (const key of section?.keys() ?? []) {
    if (!isRole(key)) {
      throw new Error(
        `stackPortal.roles.${key} is not a role; the roles are ${ROLES.join(
          ', ',
        )}`,
      );
    }
    mapping[key] = section!.getStringArray(key).map(normalizeGroupRef);
  }
  return mapping;
}

/**
 * The roles of a user, from the entity refs they own through (their user ref
 * and the groups they are a member of, as in their Backstage token).
 * Always includes `engineer`.
 */
export function rolesOf(
  ownershipEntityRefs: string[],
  mapping: RoleMapping,
): Role[] {
  const owned = new Set(
    ownershipEntityRefs.map(ref => ref.toLocaleLowerCase('en-US')),
  );
  const roles: Role[] = ['engineer'];
  for (const role of ROLES) {
    if (role === 'engineer') continue;
    if (
      (mapping[role] ?? []).some(g => owned.has(g.toLocaleLowerCase('en-US')))
    ) {
      roles.push(role);
    }
  }
  return roles;
}
