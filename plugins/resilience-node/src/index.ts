/**
 * What lets several replicas share one PostgreSQL and live through its
 * outages: migrations serialised under an advisory lock, database outages
 * answered 503 with `Retry-After`, a backend that cannot start exits.
 *
 * @packageDocumentation
 */
export { serialiseMigrations, withAdvisoryLock } from './migrationLock';
export {
  serialisedMigrationsDatabaseServiceFactory,
  withSerialisedMigrations,
} from './databaseServiceFactory';
export { unavailableAsServiceUnavailableHttpRouterServiceFactory } from './httpRouterServiceFactory';
export {
  isDatabaseUnavailableError,
  RETRY_AFTER_SECONDS,
  serviceUnavailableErrors,
} from './unavailable';
export { startOrExit } from './startOrExit';
export {
  SHARED_CATALOG_READ_TTL_MS,
  SharedCatalogReads,
} from './SharedCatalogReads';
