import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { DatabaseAdminStore } from './DatabaseAdminStore';

/**
 * The one admin store of the backend. Root scoped, like the audit store:
 * the request gate (root HTTP router), the auditor, the impersonation
 * sign-in (auth plugin) and the admin plugin all read the same sessions.
 *
 * @public
 */
export const adminStoreServiceRef = createServiceRef<DatabaseAdminStore>({
  id: 'admin.store',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        rootLogger: coreServices.rootLogger,
        rootLifecycle: coreServices.rootLifecycle,
      },
      async factory({ config, rootLogger, rootLifecycle }) {
        const logger = rootLogger.child({ plugin: 'admin' });
        const database = DatabaseManager.fromConfig(config, {
          rootLogger,
          rootLifecycle,
        }).forPlugin('admin', {
          logger,
          lifecycle: {
            addStartupHook: hook => rootLifecycle.addStartupHook(hook),
            addShutdownHook: hook => rootLifecycle.addShutdownHook(hook),
          },
        });
        return DatabaseAdminStore.create({ database });
      },
    }),
});
