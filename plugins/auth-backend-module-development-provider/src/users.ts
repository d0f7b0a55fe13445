import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  Role,
  RoleMapping,
  rolesOf,
} from '@internal/backstage-plugin-roles-common';

/** A user the development sign-in page offers. */
export interface DevSignInUser {
  name: string;
  displayName: string;
  email?: string;
  teams: string[];
  roles: Role[];
}

/** Lists the catalog's users with their groups and derived roles. */
export async function listDevSignInUsers(options: {
  catalog: CatalogService;
  auth: AuthService;
  mapping: RoleMapping;
}): Promise<DevSignInUser[]> {
  const credentials = await options.auth.getOwnServiceCredentials();
  const { items } = await options.catalog.getEntities(
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
  const groupRefs = new Set<string>();
  const memberships = (user: Entity) =>
    (user.relations ?? [])
      .filter(r => r.type === RELATION_MEMBER_OF)
      .map(r => r.targetRef);
  items.forEach(user => memberships(user).forEach(ref => groupRefs.add(ref)));
  const groups = groupRefs.size
    ? await options.catalog.getEntitiesByRefs(
        {
          entityRefs: [...groupRefs],
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'spec.profile',
          ],
        },
        { credentials },
      )
    : { items: [] };
  const groupTitle = new Map<string, string>();
  for (const group of groups.items) {
    if (group) {
      const profile = group.spec?.profile as
        | { displayName?: string }
        | undefined;
      groupTitle.set(
        stringifyEntityRef(group),
        profile?.displayName ?? group.metadata.name,
      );
    }
  }
  return items
    .map(user => {
      const profile = (user.spec?.profile ?? {}) as {
        displayName?: string;
        email?: string;
      };
      const member = memberships(user);
      return {
        name: user.metadata.name,
        displayName: profile.displayName ?? user.metadata.name,
        email: profile.email,
        teams: member.map(
          ref => groupTitle.get(ref) ?? parseEntityRef(ref).name,
        ),
        roles: rolesOf([stringifyEntityRef(user), ...member], options.mapping),
      };
    })
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
}
