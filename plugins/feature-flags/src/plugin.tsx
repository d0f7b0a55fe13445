import FlagIcon from '@mui/icons-material/Flag';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
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

export const featureFlagsPlugin = createFrontendPlugin({
  pluginId: 'feature-flags',
  title: 'Feature flags',
  icon: <FlagIcon fontSize="inherit" />,
  extensions: [featureFlagsApi, featureFlagsPage, entityFeatureFlagsContent],
  routes: {
    root: rootRouteRef,
  },
});
