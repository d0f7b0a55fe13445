import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { cloudwatchPermissions } from '@internal/backstage-plugin-cloudwatch-common';
import { CloudWatchAccounts } from './aws/CloudWatchAccounts';
import { CloudWatchCaller } from './aws/CloudWatchCaller';
import { AwsCloudWatchReader } from './aws/CloudWatchReader';
import { LocalCloudWatchSeeder } from './local/LocalCloudWatchSeeder';
import { createRouter } from './router';
import {
  DefaultCloudWatchService,
  objectivesFromConfig,
} from './service/CloudWatchService';
import { EntityTargets } from './service/EntityTargets';
import { ViewCache } from './service/ViewCache';

/**
 * CloudWatch metrics, alarms and dashboards of the catalog's entities, and
 * every capability side by side, read with the AWS SDK per configured
 * account and cached briefly.
 *
 * @public
 */
export const cloudwatchPlugin = createBackendPlugin({
  pluginId: 'cloudwatch',
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
        cache: coreServices.cache,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { config, logger, catalog } = deps;
        deps.permissionsRegistry.addPermissions(cloudwatchPermissions);
        const accounts = CloudWatchAccounts.fromConfig(config);
        const caller = CloudWatchCaller.create({
          timeoutMs: config.getOptionalNumber('cloudwatch.timeoutMs'),
          attempts: config.getOptionalNumber('cloudwatch.retry.attempts'),
          baseDelayMs: config.getOptionalNumber('cloudwatch.retry.baseDelayMs'),
        });
        const objectives = objectivesFromConfig(config);
        const service = DefaultCloudWatchService.create({
          accounts,
          targets: EntityTargets.create({ catalog, accounts }),
          reader: AwsCloudWatchReader.create({ accounts, caller }),
          cache: ViewCache.create({
            cache: deps.cache,
            logger,
            ttlSeconds: config.getOptionalNumber('cloudwatch.cache.ttlSeconds'),
          }),
          objectives,
        });
        logger.info(
          accounts.configured
            ? `CloudWatch accounts: ${accounts
                .list()
                .map(a => `${a.id} (${a.endpoint ?? a.region})`)
                .join(', ')}`
            : 'CloudWatch is not configured (cloudwatch.accounts): the Metrics tab says how to configure it',
        );

        const seeder = LocalCloudWatchSeeder.create({
          accounts,
          caller,
          catalog,
          auth: deps.auth,
          logger,
          objectives,
        });
        if (seeder.enabled) {
          // a local CloudWatch forgets everything when it restarts: look again now and then
          await deps.scheduler.scheduleTask({
            id: 'cloudwatch-seed-local',
            frequency: { minutes: 1 },
            timeout: { minutes: 1 },
            initialDelay: { seconds: 5 },
            fn: async () => {
              await seeder.seed();
            },
          });
        }

        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            service,
          }),
        );
      },
    });
  },
});
