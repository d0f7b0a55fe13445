import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { FlagCollatorFactory } from './FlagCollatorFactory';

/**
 * Search module: indexes feature flags (type `feature-flag`), so that
 * searching `CAP_MESSAGING_ENABLED` finds the flag and opens its dialog.
 *
 * @public
 */
export const searchModuleFeatureFlagsCollator = createBackendModule({
  pluginId: 'search',
  moduleId: 'feature-flags-collator',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        indexRegistry: searchIndexRegistryExtensionPoint,
      },
      async init({
        config,
        discovery,
        auth,
        logger,
        scheduler,
        indexRegistry,
      }) {
        const schedule = config.has('featureFlags.search.schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              config.getConfig('featureFlags.search.schedule'),
            )
          : {
              frequency: { minutes: 10 },
              timeout: { minutes: 5 },
              initialDelay: { seconds: 10 },
            };
        indexRegistry.addCollator({
          schedule: scheduler.createScheduledTaskRunner(schedule),
          factory: FlagCollatorFactory.fromConfig({ discovery, auth, logger }),
        });
      },
    });
  },
});
