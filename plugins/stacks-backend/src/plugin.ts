import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
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
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        catalog: catalogServiceRef,
      },
      async init({ httpAuth, httpRouter, catalog }) {
        httpRouter.use(
          await createRouter({
            httpAuth,
            stacks: DefaultStacksService.create({ catalog }),
          }),
        );
      },
    });
  },
});
