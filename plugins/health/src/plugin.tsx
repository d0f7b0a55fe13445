import FactCheckIcon from '@mui/icons-material/FactCheck';
import MonitorHeartIcon from '@mui/icons-material/MonitorHeart';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { HealthClient, healthApiRef } from './api';
import { rootRouteRef, statusRouteRef } from './routes';

const HEALTH_ENDPOINT_ANNOTATION = 'stackportal.io/health-endpoint';

/** `api:health` */
export const healthApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: healthApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new HealthClient({ discoveryApi, fetchApi }),
    }),
});

/** `page:health`: every probed entity, at /health */
export const healthPage = PageBlueprint.make({
  params: {
    path: '/health',
    routeRef: rootRouteRef,
    loader: () => import('./components/HealthPage').then(m => <m.HealthPage />),
  },
});

/** `page:health/status`: the status page, at /status */
export const statusPage = PageBlueprint.make({
  name: 'status',
  params: {
    path: '/status',
    title: 'Status',
    icon: <FactCheckIcon fontSize="inherit" />,
    routeRef: statusRouteRef,
    loader: () => import('./components/StatusPage').then(m => <m.StatusPage />),
  },
});

/** `entity-content:health/health`: the "Health" tab of entities with a health endpoint */
export const entityHealthContent = EntityContentBlueprint.make({
  name: 'health',
  params: {
    path: 'health',
    title: 'Health',
    filter: entity =>
      !!entity.metadata.annotations?.[HEALTH_ENDPOINT_ANNOTATION],
    loader: () =>
      import('./components/EntityHealthContent').then(m => (
        <m.EntityHealthContent />
      )),
  },
});

/** `home-page-widget:health/overview` (component name `HealthOverview`) */
export const healthWidget = HomePageWidgetBlueprint.make({
  name: 'overview',
  params: {
    name: 'HealthOverview',
    title: 'Health',
    description: 'What is down, degraded or burning its error budget',
    components: () =>
      import('./components/HealthWidget').then(m => ({
        Content: m.HealthWidgetContent,
        Actions: m.HealthWidgetActions,
      })),
  },
});

export const healthPlugin = createFrontendPlugin({
  pluginId: 'health',
  title: 'Health',
  icon: <MonitorHeartIcon fontSize="inherit" />,
  extensions: [
    healthApi,
    healthPage,
    statusPage,
    entityHealthContent,
    healthWidget,
  ],
  routes: { root: rootRouteRef, status: statusRouteRef },
});
