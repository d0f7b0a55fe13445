import ArchitectureIcon from '@mui/icons-material/Architecture';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  SearchFilterResultTypeBlueprint,
  SearchResultListItemBlueprint,
} from '@backstage/plugin-search-react/alpha';
import {
  ADR_LOCATION_ANNOTATION,
  ADR_SEARCH_TYPE,
} from '@internal/backstage-plugin-adr-common';
import { STACK_ANNOTATIONS } from '@internal/backstage-plugin-stacks-common';
import { AdrClient, adrApiRef } from './api';
import { rootRouteRef } from './routes';

/** `api:adr` */
export const adrApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: adrApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new AdrClient({ discoveryApi, fetchApi }),
    }),
});

/** `page:adr`, the portal-wide Decisions page at /decisions */
export const decisionsPage = PageBlueprint.make({
  params: {
    path: '/decisions',
    routeRef: rootRouteRef,
    // The page draws its own Backstage header.
    noHeader: true,
    loader: () =>
      import('./components/DecisionsPage').then(m => <m.DecisionsPage />),
  },
});

/** `entity-content:adr/decisions`, the "Decisions" tab of entities with an ADR location */
export const entityDecisionsContent = EntityContentBlueprint.make({
  name: 'decisions',
  params: {
    path: 'decisions',
    title: 'Decisions',
    filter: entity =>
      Boolean(entity.metadata.annotations?.[ADR_LOCATION_ANNOTATION]),
    loader: () =>
      import('./components/EntityDecisionsContent').then(m => (
        <m.EntityDecisionsContent />
      )),
  },
});

/**
 * `entity-content:adr/docs`, the "Docs" tab of stacks with a documentation
 * location: the document the Stacks page's coverage grades, rendered safely.
 */
export const stackDocsContent = EntityContentBlueprint.make({
  name: 'docs',
  params: {
    path: 'docs',
    title: 'Docs',
    filter: entity =>
      Boolean(entity.metadata.annotations?.[STACK_ANNOTATIONS.docsLocation]),
    loader: () =>
      import('./components/StackDocsContent').then(m => <m.StackDocsContent />),
  },
});

/** `search-result-list-item:adr`, how a decision shows among search results: title, status, stacks */
export const adrSearchResultListItem = SearchResultListItemBlueprint.make({
  params: {
    icon: <ArchitectureIcon />,
    predicate: result => result.type === ADR_SEARCH_TYPE,
    component: () =>
      import('./components/AdrSearchResultListItem').then(
        m => m.AdrSearchResultListItem,
      ),
  },
});

/** `search-filter-result-type:adr`, the search page's "Decisions" result type */
export const adrSearchResultType = SearchFilterResultTypeBlueprint.make({
  params: {
    value: ADR_SEARCH_TYPE,
    name: 'Decisions',
    icon: <ArchitectureIcon />,
  },
});

export const adrPlugin = createFrontendPlugin({
  pluginId: 'adr',
  title: 'Decisions',
  icon: <ArchitectureIcon fontSize="inherit" />,
  extensions: [
    adrApi,
    decisionsPage,
    entityDecisionsContent,
    stackDocsContent,
    adrSearchResultListItem,
    adrSearchResultType,
  ],
  routes: {
    root: rootRouteRef,
  },
});
