import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { AdrCollatorFactory } from './AdrCollatorFactory';

/**
 * Search module: indexes decision records (type `adr`) so that searching for
 * "WebSocket" finds SmartStack's ADR-004.
 *
 * @public
 */
export const searchModuleAdrCollator = createBackendModule({
  pluginId: 'search',
  moduleId: 'adr-collator',
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
        const schedule = config.has('adr.search.schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              config.getConfig('adr.search.schedule'),
            )
          : {
              frequency: { minutes: 10 },
              timeout: { minutes: 5 },
              initialDelay: { seconds: 5 },
            };
        indexRegistry.addCollator({
          schedule: scheduler.createScheduledTaskRunner(schedule),
          factory: AdrCollatorFactory.fromConfig({ discovery, auth, logger }),
        });
      },
    });
  },
});
