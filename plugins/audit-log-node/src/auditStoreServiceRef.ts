import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { DatabaseAuditStore } from './DatabaseAuditStore';

/**
 * The one audit store of the backend. Root scoped: it owns the audit
 * database's connection, so every plugin's auditor writes to the same place.
 *
 * @public
 */
export const auditStoreServiceRef = createServiceRef<DatabaseAuditStore>({
  id: 'audit-log.store',
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
        const logger = rootLogger.child({ plugin: 'audit-log' });
        const database = DatabaseManager.fromConfig(config, {
          rootLogger,
          rootLifecycle,
        }).forPlugin('audit-log', {
          logger,
          lifecycle: {
            addStartupHook: hook => rootLifecycle.addStartupHook(hook),
            addShutdownHook: hook => rootLifecycle.addShutdownHook(hook),
          },
        });
        return DatabaseAuditStore.create({ database, logger });
      },
    }),
});
