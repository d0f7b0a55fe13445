import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { RoleMapping } from '@internal/backstage-plugin-roles-common';
import { RoleHolder } from './sections';

/** Who holds which privileged role, through which group. */
export interface RoleDirectory {
  holders(): Promise<RoleHolder[]>;
  /** The groups holding a role (the compliance group is told when a report is ready). */
  groupsOf(role: string): string[];
}

const PRIVILEGED_ROLES = ['admin', 'compliance', 'support'] as const;

/** Role holders from the catalog's users and their group memberships (config `stackPortal.roles`). */
export class CatalogRoleDirectory implements RoleDirectory {
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
    return new CatalogRoleDirectory(
      options.catalog,
      options.auth,
      options.mapping,
    );
  }

  groupsOf(role: string): string[] {
    return this.mapping[role as keyof RoleMapping] ?? [];
  }

  async holders(): Promise<RoleHolder[]> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const { items } = await this.catalog.getEntities(
      {
        filter: { kind: 'user' },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'spec.profile',
          'relations',
        ],
      },
      { credentials },
    );
    const holders: RoleHolder[] = [];
    for (const user of items as Entity[]) {
      const ref = stringifyEntityRef(user);
      const groups = new Set(
        (user.relations ?? [])
          .filter(r => r.type === RELATION_MEMBER_OF)
          .map(r => r.targetRef.toLocaleLowerCase('en-US')),
      );
      const name =
        ((user.spec?.profile ?? {}) as { displayName?: string }).displayName ??
        user.metadata.name;
      for (const role of PRIVILEGED_ROLES) {
        for (const group of this.mapping[role] ?? []) {
          if (groups.has(group.toLocaleLowerCase('en-US')))
            holders.push({ role, group, person: ref, name });
        }
      }
    }
    return holders.sort(
      (a, b) =>
        a.role.localeCompare(b.role) ||
        a.group.localeCompare(b.group) ||
        a.person.localeCompare(b.person),
    );
  }
}
