import AdminPanelSettingsIcon from '@mui/icons-material/AdminPanelSettings';
import {
  ApiBlueprint,
  AppRootElementBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { AdminClient, adminApiRef } from './api';
import { PortalBanners } from './components/PortalBanners';
import { rootRouteRef } from './routes';

/** `api:admin` */
export const adminApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: adminApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new AdminClient({ discoveryApi, fetchApi }),
    }),
});

/** `page:admin`, the admin console at /admin (and its nav item) */
export const adminPage = PageBlueprint.make({
  params: {
    path: '/admin',
    routeRef: rootRouteRef,
    noHeader: true,
    loader: () => import('./components/AdminPage').then(m => <m.AdminPage />),
  },
});

/** `app-root-element:admin/banners`: impersonation and maintenance banners on every page */
export const adminBanners = AppRootElementBlueprint.make({
  name: 'banners',
  params: { element: <PortalBanners /> },
});

export const adminPlugin = createFrontendPlugin({
  pluginId: 'admin',
  title: 'Admin console',
  icon: <AdminPanelSettingsIcon fontSize="inherit" />,
  extensions: [adminApi, adminPage, adminBanners],
  routes: {
    root: rootRouteRef,
  },
});
