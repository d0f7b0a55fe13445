import AdminPanelSettingsIcon from '@mui/icons-material/AdminPanelSettings';
import {
  ApiBlueprint,
  AppRootElementBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { writeAccessApiRef } from '@internal/backstage-plugin-admin-react';
import { AdminClient, adminApiRef } from './api';
import { PortalBanners } from './components/PortalBanners';
import { rootRouteRef } from './routes';
import { DefaultWriteAccessApi } from './writeAccess';

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

/**
 * `api:admin/write-access`: whether the person may write now (not while
 * impersonating read-only, not during maintenance unless an admin), for the
 * write controls of every plugin (`useWriteAccess` of `-admin-react`).
 */
export const writeAccessApi = ApiBlueprint.make({
  name: 'write-access',
  params: defineParams =>
    defineParams({
      api: writeAccessApiRef,
      deps: { admin: adminApiRef, permissionApi: permissionApiRef },
      factory: ({ admin, permissionApi }) =>
        DefaultWriteAccessApi.create({ adminApi: admin, permissionApi }),
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
  extensions: [adminApi, writeAccessApi, adminPage, adminBanners],
  routes: {
    root: rootRouteRef,
  },
});
