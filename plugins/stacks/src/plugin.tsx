import LayersIcon from '@mui/icons-material/Layers';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { STACK_SYSTEM_TYPE } from '@internal/backstage-plugin-stacks-common';
import { StacksClient, stacksApiRef } from './api';
import { rootRouteRef } from './routes';

/** `api:stacks` */
export const stacksApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: stacksApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new StacksClient({ discoveryApi, fetchApi }),
    }),
});

/** `page:stacks`, at /stacks */
export const stacksPage = PageBlueprint.make({
  params: {
    path: '/stacks',
    routeRef: rootRouteRef,
    // The page draws its own Backstage header.
    noHeader: true,
    loader: () => import('./components/StacksPage').then(m => <m.StacksPage />),
  },
});

/** `entity-card:stacks/stack`, on Systems of type `stack` only */
export const stackEntityCard = EntityCardBlueprint.make({
  name: 'stack',
  params: {
    filter: { kind: 'system', 'spec.type': STACK_SYSTEM_TYPE },
    loader: () => import('./components/StackCard').then(m => <m.StackCard />),
  },
});

/** `home-page-widget:stacks/summary` (component name `StacksSummary`) */
export const stacksSummaryWidget = HomePageWidgetBlueprint.make({
  name: 'summary',
  params: {
    name: 'StacksSummary',
    title: 'Stacks summary',
    description:
      'Documentation status of every stack by priority, from the architecture review',
    components: () =>
      import('./components/StacksSummaryWidget').then(m => ({
        Content: m.StacksSummaryWidgetContent,
        Actions: m.StacksSummaryWidgetActions,
      })),
  },
});

export const stacksPlugin = createFrontendPlugin({
  pluginId: 'stacks',
  title: 'Stacks',
  icon: <LayersIcon fontSize="inherit" />,
  extensions: [stacksApi, stacksPage, stackEntityCard, stacksSummaryWidget],
  routes: {
    root: rootRouteRef,
  },
});
