import {
  coreServices,
  createServiceFactory,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { notificationService } from '@backstage/plugin-notifications-node';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

export const ADMIN = 'user:default/amara.okafor';
export const ADMIN2 = 'user:default/chen.wei';
export const ENGINEER = 'user:default/eli.martin';
export const OWNER = 'user:default/omar.haddad';

const ADMINS = [ADMIN, ADMIN2];
/** Who holds what, as the role policy decides it from group membership. */
export const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const who =
      (options.credentials.principal as { userEntityRef?: string })
        .userEntityRef ?? '';
    return requests.map(r => {
      const name = (r as { permission: { name: string } }).permission.name;
      const allow =
        name === 'feature-flags.flag.read'
          ? Boolean(who)
          : ADMINS.includes(who);
      return { result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    });
  },
});

/** Group memberships of the seeded users (catalog/org/org.yaml). */
export const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: any) {
      const ref = credentials.principal.userEntityRef as string;
      const groups: Record<string, string[]> = {
        [ADMIN]: [
          'group:default/platform-admins',
          'group:default/team-platform',
        ],
        [ADMIN2]: [
          'group:default/platform-admins',
          'group:default/team-platform',
        ],
        [ENGINEER]: ['group:default/team-identity'],
        [OWNER]: ['group:default/team-ai'],
      };
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(groups[ref] ?? [])],
      };
    },
  }),
});

/** The StackPro entities of the repository's own catalog. */
export function stackproEntities(): Entity[] {
  const file = resolvePackagePath(
    '@internal/backstage-plugin-feature-flags-backend',
    '../../catalog/stackpro/catalog-info.yaml',
  );
  return parseAllDocuments(readFileSync(file, 'utf8')).map(
    d => d.toJS() as Entity,
  );
}

/** Records what the plugin would send to Backstage's notifications backend. */
export function notificationsRecorder() {
  const sent: NotificationSendOptions[] = [];
  const factory = createServiceFactory({
    service: notificationService,
    deps: {},
    factory: () => ({
      send: async (n: NotificationSendOptions) => void sent.push(n),
    }),
  });
  return { sent, factory };
}

export const as = (ref: string) => mockCredentials.user.header(ref);
