import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  auditorServiceFactory,
  auditStoreServiceRef,
  DatabaseAuditStore,
} from '@internal/backstage-plugin-audit-log-node';
import { featureFlagsPlugin } from '../plugin';
import {
  notificationsRecorder,
  permissions,
  stackproEntities,
  userInfo,
} from './fixtures';

export const CLIENT_TOKEN = 'default:development.local-client-token';

/**
 * The plugin on the embedded provider with the real auditor and audit store,
 * on one of the test databases. `auditStore` lets a test put a failing store
 * in front of the real one (a database that is briefly away).
 */
export async function startFlagsBackend(
  databases: TestDatabases,
  databaseId: Parameters<TestDatabases['init']>[0],
  extraConfig: object = {},
  options: {
    auditStore?: (store: DatabaseAuditStore) => DatabaseAuditStore;
  } = {},
) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database({ knex, migrations: { skip: false } });
  const auditStore = await DatabaseAuditStore.create({ database });
  const notifications = notificationsRecorder();
  const usedStore = options.auditStore
    ? options.auditStore(auditStore)
    : auditStore;
  const { server } = await startTestBackend({
    features: [
      featureFlagsPlugin,
      auditorServiceFactory,
      permissions.factory,
      userInfo,
      notifications.factory,
      createServiceFactory({
        service: auditStoreServiceRef,
        deps: {},
        factory: () => usedStore,
      }),
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: stackproEntities() }),
      mockServices.rootConfig.factory({
        data: {
          stackPortal: { roles: { admin: ['group:default/platform-admins'] } },
          featureFlags: {
            environments: ['development', 'staging', 'production'],
            protectedEnvironments: ['production'],
            clientTokens: [{ token: CLIENT_TOKEN, environment: 'development' }],
            ...extraConfig,
          },
        },
      }),
    ],
  });
  return { server, auditStore, notifications: notifications.sent, knex };
}
