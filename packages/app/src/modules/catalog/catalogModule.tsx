import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityHeaderLayoutBlueprint,
} from '@backstage/plugin-catalog-react/alpha';

/**
 * `entity-card:catalog/relations`: one card for every relation of a
 * component, system, API, resource or domain that holds something; it stands
 * in for the catalog's per-relation tables, which show empty on most pages
 * (app-config.yaml disables those).
 */
const relationsCard = EntityCardBlueprint.make({
  name: 'relations',
  params: {
    type: 'content',
    filter: {
      kind: { $in: ['component', 'system', 'api', 'resource', 'domain'] },
    },
    loader: () =>
      import('./EntityRelationsCard').then(m => <m.EntityRelationsCard />),
  },
});

/**
 * `entity-header-layout:catalog/titles`: the entity page's header naming
 * owners and parents by their titles ("System: StackPro"); the catalog's own
 * header names parents by their slugs.
 */
const entityHeader = EntityHeaderLayoutBlueprint.make({
  name: 'titles',
  params: {
    loader: async () => (await import('./EntityPageHeader')).EntityPageHeader,
  },
});

export const catalogModule = createFrontendModule({
  pluginId: 'catalog',
  extensions: [relationsCard, entityHeader],
});
