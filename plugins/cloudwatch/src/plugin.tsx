import ShowChartIcon from '@mui/icons-material/ShowChart';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { hasCloudWatchAnnotations } from '@internal/backstage-plugin-cloudwatch-common';
import { CloudWatchClient, cloudwatchApiRef } from './api';
import { rootRouteRef } from './routes';

/** `api:cloudwatch` */
export const cloudwatchApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: cloudwatchApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new CloudWatchClient({ discoveryApi, fetchApi }),
    }),
});

/** `page:cloudwatch`, the Metrics page at /metrics: every capability side by side */
export const cloudwatchMetricsPage = PageBlueprint.make({
  params: {
    path: '/metrics',
    routeRef: rootRouteRef,
    noHeader: true,
    loader: () =>
      import('./components/MetricsPage').then(m => <m.MetricsPage />),
  },
});

/** `entity-content:cloudwatch/metrics`, the "Metrics" tab of entities with CloudWatch annotations */
export const entityMetricsContent = EntityContentBlueprint.make({
  name: 'metrics',
  params: {
    path: 'metrics',
    title: 'Metrics',
    filter: hasCloudWatchAnnotations,
    loader: () =>
      import('./components/EntityMetricsContent').then(m => (
        <m.EntityMetricsContent />
      )),
  },
});

export const cloudwatchPlugin = createFrontendPlugin({
  pluginId: 'cloudwatch',
  title: 'Metrics',
  icon: <ShowChartIcon fontSize="inherit" />,
  extensions: [cloudwatchApi, cloudwatchMetricsPage, entityMetricsContent],
  routes: {
    root: rootRouteRef,
  },
});
