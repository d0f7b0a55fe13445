import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createAdrAction } from './actions/createAdr';

/**
 * The `adr:create` scaffolder action, used by the "New ADR" template.
 *
 * @public
 */
export const scaffolderModuleAdr = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'adr',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, auditor, catalog }) {
        scaffolder.addActions(
          createAdrAction({
            catalog,
            auditor,
            integrations: ScmIntegrations.fromConfig(config),
            localRepository: config.getOptionalString(
              'adr.scaffolder.localRepository',
            ),
          }),
        );
      },
    });
  },
});
