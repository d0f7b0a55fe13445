import PolicyIcon from '@mui/icons-material/Policy';
import {
  ApiBlueprint,
  AppRootElementBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { AuditLogClient, auditLogApiRef } from './api';
import { AuditAccessProbe, auditReadAccess } from './components/AuditAccess';
import { AuditReportsClient, auditReportsApiRef } from './reportsApi';
import { reportsRouteRef, rootRouteRef } from './routes';

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

/** `api:audit-log/reports` */
export const auditReportsApi = ApiBlueprint.make({
  name: 'reports',
  params: defineParams =>
    defineParams({
      api: auditReportsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new AuditReportsClient({ discoveryApi, fetchApi }),
    }),
});

/** `page:audit-log/reports`, audit reports at /audit-reports (compliance only) */
export const reportsPage = PageBlueprint.make({
  name: 'reports',
  params: {
    path: '/audit-reports',
    routeRef: reportsRouteRef,
    noHeader: true,
    loader: () =>
      import('./components/ReportsPage').then(m => <m.ReportsPage />),
  },
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
 * `app-root-element:audit-log/access-probe`: asks once after sign-in whether
 * the person may read the audit log, for the Audit tab's filter.
 */
export const auditAccessProbe = AppRootElementBlueprint.make({
  name: 'access-probe',
  params: { element: <AuditAccessProbe /> },
});

/**
 * `entity-content:audit-log/audit`, the "Audit" tab on every entity: the
 * events whose target is the entity or one of its flags. Hidden from those
 * who may not read the audit log (engineers) once the permission backend has
 * said so; a page opened before that shows the refusal inside the tab.
 */
export const entityAuditContent = EntityContentBlueprint.make({
  name: 'audit',
  params: {
    path: 'audit',
    title: 'Audit',
    filter: () => auditReadAccess.get() !== false,
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
  extensions: [
    auditLogApi,
    auditReportsApi,
    compliancePage,
    reportsPage,
    auditAccessProbe,
    entityAuditContent,
  ],
  routes: {
    root: rootRouteRef,
    reports: reportsRouteRef,
  },
});
