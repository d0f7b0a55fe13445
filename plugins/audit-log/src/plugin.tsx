import PolicyIcon from '@mui/icons-material/Policy';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { AuditLogClient, auditLogApiRef } from './api';
import { rootRouteRef } from './routes';

/** `api:audit-log` */
export const auditLogApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: auditLogApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new AuditLogClient({ discoveryApi, fetchApi }),
    }),
});

/** `page:audit-log`, the Compliance page at /compliance (and its nav item) */
export const compliancePage = PageBlueprint.make({
  params: {
    path: '/compliance',
    routeRef: rootRouteRef,
    // The page draws its own Backstage header.
    noHeader: true,
    loader: () =>
      import('./components/CompliancePage').then(m => <m.CompliancePage />),
  },
});

/**
 * `entity-content:audit-log/audit`, the "Audit" tab on every entity: the
 * events whose target is the entity. Engineers see a refusal inside the tab.
 */
export const entityAuditContent = EntityContentBlueprint.make({
  name: 'audit',
  params: {
    path: 'audit',
    title: 'Audit',
    loader: () =>
      import('./components/EntityAuditContent').then(m => (
        <m.EntityAuditContent />
      )),
  },
});

export const auditLogPlugin = createFrontendPlugin({
  pluginId: 'audit-log',
  title: 'Compliance',
  icon: <PolicyIcon fontSize="inherit" />,
  extensions: [auditLogApi, compliancePage, entityAuditContent],
  routes: {
    root: rootRouteRef,
  },
});
