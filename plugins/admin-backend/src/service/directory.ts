import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AdminGroup, AdminUser } from '@internal/backstage-plugin-admin-common';
import { RoleMapping, rolesOf } from '@internal/backstage-plugin-roles-common';

const USER_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'spec.profile',
  'relations',
];

function membershipsOf(user: Entity): string[] {
  return (user.relations ?? [])
    .filter(r => r.type === RELATION_MEMBER_OF)
    .map(r => r.targetRef);
}

function displayNameOf(entity: Entity): string {
  const profile = (entity.spec?.profile ?? {}) as { displayName?: string };
  return profile.displayName ?? entity.metadata.name;
}

/** A user of the catalog and the roles their groups give them. */
export interface DirectoryUser {
  ref: string;
  displayName: string;
  roles: string[];
}

/** The catalog's users and groups with the roles the portal derives from them. */
export class CatalogDirectory {
  private constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly mapping: RoleMapping,
  ) {}

  static create(options: {
    catalog: CatalogService;
    auth: AuthService;
    mapping: RoleMapping;
  }) {
    return new CatalogDirectory(options.catalog, options.auth, options.mapping);
  }

  /** Every user with groups and roles, and every group with its members' count. */
  async list(
    callerRef: string,
  ): Promise<{ users: AdminUser[]; groups: AdminGroup[] }> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const [users, groups] = await Promise.all([
      this.catalog.getEntities(
        { filter: { kind: 'user' }, fields: USER_FIELDS },
        { credentials },
      ),
      this.catalog.getEntities(
        {
          filter: { kind: 'group' },
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'spec.profile',
          ],
        },
        { credentials },
      ),
    ]);
    const groupTitle = new Map(
      groups.items.map(g => [stringifyEntityRef(g), displayNameOf(g)]),
    );
    const members = new Map<string, number>();
    const adminUsers = users.items.map(user => {
      const ref = stringifyEntityRef(user);
      const memberOf = membershipsOf(user);
      memberOf.forEach(g => members.set(g, (members.get(g) ?? 0) + 1));
      const roles = rolesOf([ref, ...memberOf], this.mapping);
      const profile = (user.spec?.profile ?? {}) as { email?: string };
      return {
        ref,
        name: user.metadata.name,
        displayName: displayNameOf(user),
        email: profile.email,
        groups: memberOf.map(g => groupTitle.get(g) ?? parseEntityRef(g).name),
        roles,
        impersonable: !roles.includes('admin') && ref !== callerRef,
      };
    });
    const adminGroups = groups.items.map(group => {
      const ref = stringifyEntityRef(group);
      return {
        ref,
        name: group.metadata.name,
        displayName: displayNameOf(group),
        memberCount: members.get(ref) ?? 0,
        // the roles a group gives; everybody is an engineer anyway
        roles: rolesOf([ref], this.mapping).filter(r => r !== 'engineer'),
      };
    });
    return {
      users: adminUsers.sort((a, b) =>
        a.displayName.localeCompare(b.displayName),
      ),
      groups: adminGroups.sort((a, b) =>
        a.displayName.localeCompare(b.displayName),
      ),
    };
  }

  /** The user a name or ref names; 400 for a ref of another kind, 404 when unknown. */
  async findUser(nameOrRef: string): Promise<DirectoryUser> {
    let ref;
    try {
      ref = parseEntityRef(nameOrRef, {
        defaultKind: 'user',
        defaultNamespace: 'default',
      });
    } catch (e) {
      throw new InputError(
        `"${nameOrRef}" is not a user name or user reference`,
      );
    }
    if (ref.kind.toLocaleLowerCase('en-US') !== 'user') {
      throw new InputError(
        `Only users can be impersonated; ${stringifyEntityRef(ref)} is a ${
          ref.kind
        }`,
      );
    }
    const credentials = await this.auth.getOwnServiceCredentials();
    const user = await this.catalog.getEntityByRef(ref, { credentials });
    if (!user) {
      throw new NotFoundError(
        `There is no user ${stringifyEntityRef(ref)} in the catalog`,
      );
    }
    const userRef = stringifyEntityRef(user);
    return {
      ref: userRef,
      displayName: displayNameOf(user),
      roles: rolesOf([userRef, ...membershipsOf(user)], this.mapping),
    };
  }
}
