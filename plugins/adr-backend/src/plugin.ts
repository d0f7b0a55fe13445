import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { adrPermissions } from '@internal/backstage-plugin-adr-common';
import path from 'node:path';
import { LocationResolver } from './location/LocationResolver';
import { CachedDocumentReader } from './reader/DocumentReader';
import { SharedCatalogReads } from '@internal/backstage-plugin-resilience-node';
import { createRouter } from './router';
import { DefaultAdrService } from './service/AdrService';
import { DefaultCoverageService } from './service/CoverageService';

/**
 * Decision records: each entity's ADRs (tab), the portal-wide index (page),
 * stack documentation coverage (Stacks page) and the documents for search.
 *
 * @public
 */
export const adrPlugin = createBackendPlugin({
  pluginId: 'adr',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        logger,
        auth,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        urlReader,
        catalog,
      }) {
        permissionsRegistry.addPermissions(adrPermissions);
        const localRoots =
          config.getOptionalStringArray('adr.localRoots') ??
          (config.getOptionalConfigArray('catalog.locations') ?? [])
            .filter(location => location.getString('type') === 'file')
            .map(location => path.dirname(location.getString('target')));
        const resolver = LocationResolver.create({
          localRoots,
          integrations: ScmIntegrations.fromConfig(config),
        });
        const reader = CachedDocumentReader.create({
          urlReader,
          logger,
          localRoots: resolver.localRoots,
          ttlSeconds: config.getOptionalNumber('adr.cache.ttlSeconds'),
          timeoutSeconds: config.getOptionalNumber('adr.readTimeoutSeconds'),
        });
        logger.info(
          `Reading local decision records and documentation from ${
            resolver.localRoots.join(', ') || 'nowhere'
          }`,
        );
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            adrs: DefaultAdrService.create({
              catalog,
              resolver,
              reader,
              logger,
              reads: SharedCatalogReads.create({ auth, permissions }),
            }),
            coverage: DefaultCoverageService.create({
              catalog,
              resolver,
              reader,
            }),
          }),
        );
      },
    });
  },
});
