import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { TicketCollatorFactory } from './TicketCollatorFactory';

/**
 * Search module: indexes support tickets (type `support-ticket`), so that
 * searching finds a ticket by its title, description or labels.
 *
 * @public
 */
export const searchModuleSupportCollator = createBackendModule({
  pluginId: 'search',
  moduleId: 'support-collator',
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
        const schedule = config.has('support.search.schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              config.getConfig('support.search.schedule'),
            )
          : {
              frequency: { minutes: 10 },
              timeout: { minutes: 5 },
              initialDelay: { seconds: 10 },
            };
        indexRegistry.addCollator({
          schedule: scheduler.createScheduledTaskRunner(schedule),
          factory: TicketCollatorFactory.fromConfig({
            discovery,
            auth,
            logger,
          }),
        });
      },
    });
  },
});
