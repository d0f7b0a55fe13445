import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import path from 'node:path';
import { createTextPlaceholderResolver } from './localTextPlaceholder';
import { StackPortalFieldsProcessor } from './StackPortalFieldsProcessor';

/**
 * Validates Stack Portal's catalog fields on ingestion, and lets entities in
 * the local catalog folder inline their API contracts with `$text`.
 *
 * @public
 */
export const catalogModuleStackPortal = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'stack-portal',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ catalog, config }) {
        catalog.addProcessor(new StackPortalFieldsProcessor());
        const fileRoots = (
          config.getOptionalConfigArray('catalog.locations') ?? []
        )
          .filter(location => location.getString('type') === 'file')
          .map(location =>
            globBase(path.resolve(location.getString('target'))),
          );
        catalog.addPlaceholderResolver(
          'text',
          createTextPlaceholderResolver({ allowedRoots: fileRoots }),
        );
      },
    });
  },
});

/**
 * The folder a file location reads from: its file's folder, or for a glob
 * (`data/repositories/*\/catalog-info.yaml`) the folder before the first
 * segment with a wildcard.
 */
export function globBase(target: string): string {
  const segments = target.split(path.sep);
  const wild = segments.findIndex(s => /[*?[{]/.test(s));
  if (wild === -1) return path.dirname(target);
  return segments.slice(0, wild).join(path.sep) || path.sep;
}
