import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { adminPermissions } from '@internal/backstage-plugin-admin-common';
import {
  adminStoreServiceRef,
  impersonationSessionsServiceRef,
  requestGateServiceRef,
} from '@internal/backstage-plugin-admin-node';
import { auditStoreServiceRef } from '@internal/backstage-plugin-audit-log-node';
import { readRoleMapping } from '@internal/backstage-plugin-roles-common';
import { createRouter } from './router';
import { CatalogDirectory } from './service/directory';
import { SessionEnder } from './service/SessionEnder';
import { ImpersonationSettings } from './service/settings';

/**
 * The admin console's backend: users, groups and roles from the catalog,
 * impersonation sessions (started, stopped, ended at expiry by the
 * scheduler) and maintenance mode.
 *
 * @public
 */
export const adminPlugin = createBackendPlugin({
  pluginId: 'admin',
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
        auditor: coreServices.auditor,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        notifications: notificationService,
        store: adminStoreServiceRef,
        auditStore: auditStoreServiceRef,
        sessions: impersonationSessionsServiceRef,
        // the backend-wide request gate is bound to its stores by this dependency
        gate: requestGateServiceRef,
      },
      async init(deps) {
        const { config, logger, scheduler, store, auditStore } = deps;
        deps.permissionsRegistry.addPermissions(adminPermissions);
        const settings = ImpersonationSettings.fromConfig(config);
        const directory = CatalogDirectory.create({
          catalog: deps.catalog,
          auth: deps.auth,
          mapping: readRoleMapping(config),
        });
        const ender = SessionEnder.create({
          store,
          auditStore,
          notifications: deps.notifications,
          logger,
        });

        // sessions end at expiry on the server, whether or not a browser is left
        await scheduler.scheduleTask({
          id: 'admin-impersonation-expiry',
          frequency: { milliseconds: settings.expiryCheckMs },
          timeout: { minutes: 1 },
          fn: async () => {
            await ender.expireDue();
          },
        });

        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            logger,
            store,
            auditStore,
            sessions: deps.sessions,
            directory,
            settings,
            ender,
          }),
        );
      },
    });
  },
});
