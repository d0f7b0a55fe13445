import {
  coreServices,
  createServiceFactory,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { supportPlugin } from '../plugin';

export const ENGINEER = 'user:default/eli.martin';
export const OWNER = 'user:default/omar.haddad';
export const SUPPORT = 'user:default/sofia.garcia';
export const OUTSIDER = 'user:default/jamie.lee';
export const MESSAGING = 'component:default/stackpro-messaging';

const GROUPS: Record<string, string[]> = {
  [ENGINEER]: ['group:default/team-identity'],
  [OWNER]: ['group:default/team-ai'],
  [SUPPORT]: ['group:default/support'],
  [OUTSIDER]: ['group:default/team-devex'],
};

/** The grants of permission-backend-module-support, decided from group membership. */
const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const who =
      (options.credentials.principal as { userEntityRef?: string })
        .userEntityRef ?? '';
    return requests.map(r => {
      const name = (r as { permission: { name: string } }).permission.name;
      const allow =
        name === 'support.ticket.manage'
          ? (GROUPS[who] ?? []).includes('group:default/support')
          : !!who;
      return { result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    });
  },
});

const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: any) {
      const ref = credentials.principal.userEntityRef as string;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(GROUPS[ref] ?? [])],
      };
    },
  }),
});

/** The repository's own StackPro entities and the people of the flow. */
export function catalogEntities(): Entity[] {
  const file = resolvePackagePath(
    '@internal/backstage-plugin-support-backend',
    '../../catalog/stackpro/catalog-info.yaml',
  );
  const stackpro = parseAllDocuments(readFileSync(file, 'utf8')).map(
    d => d.toJS() as Entity,
  );
  const user = (ref: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: ref.split('/')[1] },
    spec: {},
  });
  const group = (name: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name },
    spec: { type: 'team', children: [] },
  });
  return [
    ...stackpro.map(e =>
      e.metadata.name === 'stackpro-messaging'
        ? {
            ...e,
            metadata: {
              ...e.metadata,
              annotations: {
                ...e.metadata.annotations,
                'github.com/project-slug': 'stackpro/messaging',
              },
            },
          }
        : e,
    ),
    ...Object.keys(GROUPS).map(user),
    ...['team-ai', 'team-data', 'support'].map(group),
  ];
}

export const as = (ref: string) => mockCredentials.user.header(ref);

export const databases = TestDatabases.create({
  ids: ['POSTGRES_16', 'SQLITE_3'],
});

/** The support backend with its real store, a recorded notifications service and audit events. */
export async function startSupportBackend(
  databaseId: Parameters<typeof databases.init>[0],
  config: object = {},
) {
  const knex = await databases.init(databaseId);
  const sent: NotificationSendOptions[] = [];
  const audited: Array<{ eventId: string; meta?: unknown; outcome: string }> =
    [];
  const auditor = createServiceFactory({
    service: coreServices.auditor,
    deps: {},
    factory: () => ({
      async createEvent(options: any) {
        audited.push({
          eventId: options.eventId,
          meta: options.meta,
          outcome: 'initiated',
        });
        return {
          success: async (p?: any) =>
            void audited.push({
              eventId: options.eventId,
              meta: p?.meta,
              outcome: 'succeeded',
            }),
          fail: async (p: any) =>
            void audited.push({
              eventId: options.eventId,
              meta: p?.meta,
              outcome: 'failed',
            }),
        };
      },
    }),
  });
  // scheduled work runs when the test says so, as the scheduler would run it on one replica
  const tasks = new Map<string, () => Promise<void>>();
  const scheduler = createServiceFactory({
    service: coreServices.scheduler,
    deps: {},
    factory: () =>
      ({
        async scheduleTask(task: { id: string; fn: () => Promise<void> }) {
          tasks.set(task.id, () => task.fn());
        },
        createScheduledTaskRunner: () => ({
          run: async (task: { id: string; fn: () => Promise<void> }) =>
            void tasks.set(task.id, () => task.fn()),
        }),
        async triggerTask(id: string) {
          await tasks.get(id)!();
        },
        async getScheduledTasks() {
          return [...tasks.keys()].map(id => ({
            id,
            scope: 'global' as const,
            settings: { version: 1 },
          }));
        },
        async cancelTask() {},
      } as any),
  });
  const run = async (taskId: string) => {
    const task = tasks.get(taskId);
    if (!task)
      throw new Error(
        `No task ${taskId}; scheduled: ${[...tasks.keys()].join(', ')}`,
      );
    await task();
  };
  const { server } = await startTestBackend({
    features: [
      supportPlugin,
      scheduler,
      permissions.factory,
      userInfo,
      auditor,
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          send: async (n: NotificationSendOptions) => void sent.push(n),
        }),
      }),
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: catalogEntities() }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          stackPortal: { roles: { support: ['group:default/support'] } },
          ...config,
        },
      }),
    ],
  });
  return { server, sent, audited, knex, run };
}
