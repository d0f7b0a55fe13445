import SupportAgentIcon from '@mui/icons-material/SupportAgent';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { SupportClient, supportApiRef } from './api';
import { rootRouteRef } from './routes';

/** `api:support` */
export const supportApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: supportApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new SupportClient({ discoveryApi, fetchApi }),
    }),
});

/** `page:support`: My tickets, queues and each ticket, at /support */
export const supportPage = PageBlueprint.make({
  params: {
    path: '/support',
    routeRef: rootRouteRef,
    noHeader: true,
    loader: () =>
      import('./components/SupportPage').then(m => <m.SupportPage />),
  },
});

/** `entity-content:support/tickets`: the "Support" tab of every entity but users and groups */
export const entitySupportContent = EntityContentBlueprint.make({
  name: 'tickets',
  params: {
    path: 'support',
    title: 'Support',
    filter: entity =>
      !['user', 'group', 'location', 'template'].includes(
        entity.kind.toLocaleLowerCase('en-US'),
      ),
    loader: () =>
      import('./components/EntitySupportContent').then(m => (
        <m.EntitySupportContent />
      )),
  },
});

/** `home-page-widget:support/my-tickets` (component name `MyTickets`) */
export const myTicketsWidget = HomePageWidgetBlueprint.make({
  name: 'my-tickets',
  params: {
    name: 'MyTickets',
    title: 'My tickets',
    description: 'Your open support tickets, the nearest SLA breach first',
    components: () =>
      import('./components/MyTicketsWidget').then(m => ({
        Content: m.MyTicketsWidgetContent,
        Actions: m.MyTicketsWidgetActions,
      })),
  },
});

export const supportPlugin = createFrontendPlugin({
  pluginId: 'support',
  title: 'Support',
  icon: <SupportAgentIcon fontSize="inherit" />,
  extensions: [supportApi, supportPage, entitySupportContent, myTicketsWidget],
  routes: { root: rootRouteRef },
});
