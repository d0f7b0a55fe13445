import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { SharedCatalogReads } from '@internal/backstage-plugin-resilience-node';
import { createRouter } from './router';
import { DefaultStacksService } from './service';

/**
 * The stacks backend: one request answers the whole Stacks overview.
 *
 * @public
 */
export const stacksPlugin = createBackendPlugin({
  pluginId: 'stacks',
  register(env) {
    env.registerInit({
      deps: {
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        catalog: catalogServiceRef,
      },
      async init({ auth, httpAuth, httpRouter, permissions, catalog }) {
        httpRouter.use(
          await createRouter({
            httpAuth,
            stacks: DefaultStacksService.create({
              catalog,
              reads: SharedCatalogReads.create({ auth, permissions }),
            }),
          }),
        );
      },
    });
  },
});
