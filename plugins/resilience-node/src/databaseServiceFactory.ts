import {
  coreServices,
  createServiceFactory,
  DatabaseService,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { ConfigReader } from '@backstage/config';
import { serialiseMigrations } from './migrationLock';

/** A plugin's database whose knex client runs migrations under the advisory lock. */
export function withSerialisedMigrations(
  database: DatabaseService,
): DatabaseService {
  return {
    ...database,
    getClient: async () => serialiseMigrations(await database.getClient()),
  };
}

/**
 * Backstage's database service (the same DatabaseManager, configuration and
 * lifecycle), with every plugin's migrations serialised across replicas.
 * Backstage's own plugins (catalog, scheduler, search, auth ...) run
 * `knex.migrate.latest()` on their client at start; two replicas starting on
 * an empty database raced there and one never became ready. This is the
 * workaround in this repo until Backstage serialises them itself
 * (docs/deployment.md).
 *
 * @public
 */
export const serialisedMigrationsDatabaseServiceFactory = createServiceFactory({
  service: coreServices.database,
  deps: {
    config: coreServices.rootConfig,
    lifecycle: coreServices.lifecycle,
    logger: coreServices.logger,
    pluginMetadata: coreServices.pluginMetadata,
    rootLifecycle: coreServices.rootLifecycle,
    rootLogger: coreServices.rootLogger,
  },
  async createRootContext({ config, rootLifecycle, rootLogger }) {
    return DatabaseManager.fromConfig(
      config.getOptional('backend.database')
        ? config
        : new ConfigReader({
            backend: {
              database: { client: 'better-sqlite3', connection: ':memory:' },
            },
          }),
      { rootLifecycle, rootLogger },
    );
  },
  async factory({ pluginMetadata, lifecycle, logger }, manager) {
    return withSerialisedMigrations(
      manager.forPlugin(pluginMetadata.getId(), { lifecycle, logger }),
    );
  },
});
