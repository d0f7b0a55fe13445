import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { featureFlagsPermissions } from '@internal/backstage-plugin-feature-flags-common';
import { FlagProvider } from './providers/FlagProvider';
import { LocalFlagProvider } from './providers/LocalFlagProvider';
import { UnleashFlagProvider } from './providers/UnleashFlagProvider';
import { createRouter } from './router';
import { CatalogFlagIndex } from './service/CatalogFlagIndex';
import { DatabaseFeatureFlagStore } from './service/DatabaseFeatureFlagStore';
import { DefaultFeatureFlagsService } from './service/DefaultFeatureFlagsService';
import { PendingWrites } from './service/PendingWrites';
import { seedFromCatalog } from './service/seed';

const DEFAULT_ENVIRONMENTS = ['development', 'staging', 'production'];

/**
 * Feature flags on Unleash, or on the portal's own database when no Unleash
 * is configured: list, toggle per environment, target tenants, preview what a
 * client gets, and route protected environments through a second admin.
 *
 * @public
 */
export const featureFlagsPlugin = createBackendPlugin({
  pluginId: 'feature-flags',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        cache: coreServices.cache,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { config, logger, scheduler } = deps;
        deps.permissionsRegistry.addPermissions(featureFlagsPermissions);

        const ff = config.getOptionalConfig('featureFlags');
        const unleashUrl = config.getOptionalString('unleash.url');
        const providerName =
          ff?.getOptionalString('provider') ??
          (unleashUrl ? 'unleash' : 'local');
        if (providerName !== 'local' && providerName !== 'unleash') {
          throw new Error(
            `featureFlags.provider must be local or unleash, not ${providerName}`,
          );
        }
        const environments =
          ff?.getOptionalStringArray('environments') ?? DEFAULT_ENVIRONMENTS;
        const defaultProject =
          ff?.getOptionalString('defaultProject') ?? 'default';
        const store = await DatabaseFeatureFlagStore.create({
          database: deps.database,
        });
        const index = CatalogFlagIndex.create({
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          defaultProject,
        });

        let provider: FlagProvider;
        if (providerName === 'unleash') {
          if (!unleashUrl)
            throw new Error(
              'featureFlags.provider is unleash but unleash.url is not set',
            );
          provider = UnleashFlagProvider.create({
            url: unleashUrl,
            adminToken: config.getString('unleash.adminToken'),
            timeoutMs: config.getOptionalNumber('unleash.timeoutMs'),
            cacheTtlMs: config.getOptionalNumber('unleash.cacheTtlMs'),
            snapshotTimeoutMs: config.getOptionalNumber(
              'unleash.snapshotTimeoutMs',
            ),
            searchIntervalMs: config.getOptionalNumber(
              'unleash.searchIntervalMs',
            ),
            cache: deps.cache,
            logger,
          });
          logger.info(`Feature flags on Unleash at ${unleashUrl}`);
        } else {
          const seed = async () => {
            const entities = await index.entities({ fresh: true });
            await seedFromCatalog({ store, entities, environments, logger });
            return entities.length > 0;
          };
          provider = LocalFlagProvider.create({
            store,
            environments,
            defaultProject,
            seed,
          });
          logger.info(
            `Feature flags on the embedded provider (${environments.join(
              ', ',
            )})`,
          );
          await scheduler.scheduleTask({
            id: 'feature-flags-seed-from-catalog',
            frequency: { minutes: 2 },
            timeout: { minutes: 1 },
            initialDelay: { seconds: 5 },
            fn: async () => {
              await seed();
            },
          });
        }

        const writes = PendingWrites.create({ logger });
        deps.lifecycle.addShutdownHook(() => writes.stop());
        const adminRefs =
          config.getOptionalStringArray('stackPortal.roles.admin') ?? [];
        const service = DefaultFeatureFlagsService.create({
          provider,
          store,
          index,
          logger,
          notifications: deps.notifications,
          writes,
          settings: {
            protectedEnvironments: ff?.getOptionalStringArray(
              'protectedEnvironments',
            ) ?? ['production'],
            approverRefs: ff?.getOptionalStringArray('approvers') ?? adminRefs,
            ownersMayToggle: ff?.getOptionalBoolean('ownersMayToggle') ?? false,
          },
        });

        deps.httpRouter.addAuthPolicy({
          path: '/client',
          allow: 'unauthenticated',
        });
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            userInfo: deps.userInfo,
            permissions: deps.permissions,
            auditor: deps.auditor,
            logger,
            service,
            defaultProject,
            clientTokens: (
              ff?.getOptionalConfigArray('clientTokens') ?? []
            ).map(t => ({
              token: t.getString('token'),
              environment: t.getString('environment'),
            })),
          }),
        );
      },
    });
  },
});
