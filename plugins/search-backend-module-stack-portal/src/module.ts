import {
  coreServices,
  createBackendFeatureLoader,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogCollatorExtensionPoint } from '@backstage/plugin-search-backend-module-catalog';
import { PgSearchEngine } from '@backstage/plugin-search-backend-module-pg';
import { SearchEngine } from '@backstage/plugin-search-backend-node';
import {
  searchEngineRegistryExtensionPoint,
  searchIndexRegistryExtensionPoint,
} from '@backstage/plugin-search-backend-node/alpha';
import { stackPortalCatalogEntityTransformer } from './catalogEntityTransformer';
import { ExactNameFirstSearchEngine } from './ExactNameFirstSearchEngine';
import { ExactNamesDecoratorFactory } from './ExactNamesDecorator';
import { ExactNamesLunrSearchEngine } from './ExactNamesLunrSearchEngine';

/**
 * Stack Portal's search engine: PostgreSQL's full-text search when the search
 * plugin's database is PostgreSQL (production), Lunr in memory otherwise (the
 * embedded default on SQLite); either way a document named exactly what was
 * typed comes first (`ExactNameFirstSearchEngine`). It takes the place of
 * `@backstage/plugin-search-backend-module-pg`.
 *
 * @public
 */
export const searchModuleStackPortalEngine = createBackendModule({
  pluginId: 'search',
  moduleId: 'stack-portal-engine',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        logger: coreServices.logger,
        engineRegistry: searchEngineRegistryExtensionPoint,
        indexRegistry: searchIndexRegistryExtensionPoint,
      },
      async init({ config, database, logger, engineRegistry, indexRegistry }) {
        let engine: SearchEngine;
        if (await PgSearchEngine.supported(database)) {
          engine = await PgSearchEngine.fromConfig(config, {
            database,
            logger,
          });
          logger.info('Search on PostgreSQL, exact names first');
        } else {
          engine = new ExactNamesLunrSearchEngine({ logger });
          logger.info('Search on Lunr (in memory), exact names first');
        }
        engineRegistry.setSearchEngine(
          ExactNameFirstSearchEngine.wrap({ engine, logger }),
        );
        indexRegistry.addDecorator({
          factory: new ExactNamesDecoratorFactory(),
        });
      },
    });
  },
});

/**
 * Catalog documents with the entity's tags and name
 * (`stackPortalCatalogEntityTransformer`), through the catalog collator's
 * extension point.
 *
 * @public
 */
export const searchModuleStackPortalCatalogDocuments = createBackendModule({
  pluginId: 'search',
  moduleId: 'stack-portal-catalog-documents',
  register(reg) {
    reg.registerInit({
      deps: { catalogCollator: catalogCollatorExtensionPoint },
      async init({ catalogCollator }) {
        catalogCollator.setEntityTransformer(
          stackPortalCatalogEntityTransformer,
        );
      },
    });
  },
});

/**
 * Both modules:
 * `backend.add(import('@internal/backstage-plugin-search-backend-module-stack-portal'))`.
 *
 * @public
 */
export const searchModuleStackPortal = createBackendFeatureLoader({
  *loader() {
    yield searchModuleStackPortalEngine;
    yield searchModuleStackPortalCatalogDocuments;
  },
});
