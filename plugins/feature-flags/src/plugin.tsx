import FlagIcon from '@mui/icons-material/Flag';
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
import { FEATURE_FLAG_SEARCH_TYPE } from '@internal/backstage-plugin-feature-flags-common';
import { FeatureFlagsClient, featureFlagsApiRef } from './api';
import { rootRouteRef } from './routes';

const UNLEASH_FLAGS_ANNOTATION = 'stackportal.io/unleash-flags';

/** `api:feature-flags` */
export const featureFlagsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: featureFlagsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new FeatureFlagsClient({ discoveryApi, fetchApi }),
    }),
});

/** `page:feature-flags`, the Flags page at /feature-flags (its nav item takes the plugin's title and icon) */
export const featureFlagsPage = PageBlueprint.make({
  params: {
    path: '/feature-flags',
    routeRef: rootRouteRef,
    noHeader: true,
    loader: () => import('./components').then(m => <m.FeatureFlagsPage />),
  },
});

/** `entity-content:feature-flags/flags`, the "Feature flags" tab of entities that name flags */
export const entityFeatureFlagsContent = EntityContentBlueprint.make({
  name: 'flags',
  params: {
    path: 'feature-flags',
    title: 'Feature flags',
    filter: entity =>
      Boolean(entity.metadata.annotations?.[UNLEASH_FLAGS_ANNOTATION]),
    loader: () =>
      import('./components').then(m => <m.EntityFeatureFlagsContent />),
  },
});

/** `search-result-list-item:feature-flags`, how a flag shows among search results */
export const flagSearchResultListItem = SearchResultListItemBlueprint.make({
  params: {
    icon: <FlagIcon />,
    predicate: result => result.type === FEATURE_FLAG_SEARCH_TYPE,
    component: () =>
      import('./components/FlagSearchResultListItem').then(
        m => m.FlagSearchResultListItem,
      ),
  },
});

/** `search-filter-result-type:feature-flags`, the search page's "Feature flags" result type */
export const flagSearchResultType = SearchFilterResultTypeBlueprint.make({
  params: {
    value: FEATURE_FLAG_SEARCH_TYPE,
    name: 'Feature flags',
    icon: <FlagIcon />,
  },
});

export const featureFlagsPlugin = createFrontendPlugin({
  pluginId: 'feature-flags',
  title: 'Feature flags',
  icon: <FlagIcon fontSize="inherit" />,
  extensions: [
    featureFlagsApi,
    featureFlagsPage,
    entityFeatureFlagsContent,
    flagSearchResultListItem,
    flagSearchResultType,
  ],
  routes: {
    root: rootRouteRef,
  },
});
