import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { AuditStore } from './AuditStore';
import { DatabaseAuditStore } from './DatabaseAuditStore';

/** How long a stopping backend waits for audit outcomes it still holds. */
const OUTCOME_FLUSH_MS = 10_000;

/**
 * The one audit store of the backend. Root scoped: it owns the audit
 * database's connection, so every plugin's auditor writes to the same place.
 *
 * @public
 */
export const auditStoreServiceRef = createServiceRef<AuditStore>({
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
        const store = await DatabaseAuditStore.create({ database, logger });
        // outcomes kept while the database was away get a last chance
        rootLifecycle.addBeforeShutdownHook(() =>
          store.flushOutcomes(OUTCOME_FLUSH_MS),
        );
        return store;
      },
    }),
});
