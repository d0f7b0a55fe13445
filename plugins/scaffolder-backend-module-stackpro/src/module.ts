import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createCheckCapabilityAction } from './actions/checkCapability';
import { createCheckStackAction } from './actions/checkStack';
import { createFlagsAction } from './actions/createFlags';
import { createGenerateContractAction } from './actions/generateContract';
import { createPublishLocalGitAction } from './actions/publishLocalGit';
import { createRegisterLocalAction } from './actions/registerLocal';
import { createReportCapabilityAction } from './actions/reportCapability';

/**
 * The actions of the New capability and New stack templates:
 * `stackpro:capability:check`, `stackpro:capability:contract`,
 * `stackpro:flags:create`, `stackpro:capability:report`, `stackpro:stack:check`,
 * `publish:local-git` and `catalog:register:local`.
 *
 * @public
 */
export const scaffolderModuleStackpro = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'stackpro',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        permissions: coreServices.permissions,
        catalog: catalogServiceRef,
      },
      async init({
        scaffolder,
        config,
        auditor,
        auth,
        discovery,
        permissions,
        catalog,
      }) {
        const localRepositories = config.getOptionalString(
          'templates.localRepositories',
        );
        const defaultProject =
          config.getOptionalString('templates.flagsProject') ??
          config.getOptionalString('featureFlags.defaultProject') ??
          'default';
        scaffolder.addActions(
          createCheckCapabilityAction({ catalog, auditor, defaultProject }),
          createGenerateContractAction({ auditor }),
          createFlagsAction({ auth, discovery, auditor, defaultProject }),
          createReportCapabilityAction({ auth, discovery, auditor }),
          createCheckStackAction({ catalog, auditor }),
          createPublishLocalGitAction({
            auditor,
            permissions,
            catalog,
            localRepositories,
          }),
          createRegisterLocalAction({
            auditor,
            permissions,
            catalog,
            localRepositories,
            configuredLocations: (
              config.getOptionalConfigArray('catalog.locations') ?? []
            ).map(l => ({
              type: l.getString('type'),
              target: l.getString('target'),
            })),
          }),
        );
      },
    });
  },
});
