import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readRoleMapping } from '@internal/backstage-plugin-roles-common';
import Router from 'express-promise-router';
import { devSignInAuthenticator } from './authenticator';
import { listDevSignInUsers } from './users';

/** The provider id: sign-in goes through `/api/auth/development/refresh`. */
export const DEV_PROVIDER_ID = 'development';

/**
 * Development sign-in: a person picks one of the catalog's users and gets a
 * real Backstage token with that user's ownership. Refused (not registered)
 * unless config `stackPortal.devSignIn.enabled` is true.
 *
 * @public
 */
export const authModuleDevelopmentProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'development-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
      },
      async init({ providers, config, logger, httpRouter, catalog, auth }) {
        if (!config.getOptionalBoolean('stackPortal.devSignIn.enabled')) {
          logger.info(
            'Development sign-in is off (stackPortal.devSignIn.enabled)',
          );
          return;
        }
        logger.warn(
          'Development sign-in is ON: anybody who reaches this backend can sign in as any catalog user',
        );
        const mapping = readRoleMapping(config);
        providers.registerProvider({
          providerId: DEV_PROVIDER_ID,
          factory: createProxyAuthProviderFactory({
            authenticator: devSignInAuthenticator,
            async signInResolver({ result }, ctx) {
              return ctx.signInWithCatalogUser({
                entityRef: { name: result.userName },
              });
            },
          }),
        });

        const router = Router();
        router.get('/dev-sign-in/users', async (_req, res) => {
          res.json({
            users: await listDevSignInUsers({ catalog, auth, mapping }),
          });
        });
        httpRouter.use(router);
        httpRouter.addAuthPolicy({
          path: '/dev-sign-in/users',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
