import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { StackPortalFieldsProcessor } from './StackPortalFieldsProcessor';

/**
 * Validates Stack Portal's catalog fields on ingestion.
 *
 * @public
 */
export const catalogModuleStackPortal = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'stack-portal',
  register(reg) {
    reg.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addProcessor(new StackPortalFieldsProcessor());
      },
    });
  },
});
