/*
 * Stack Portal's backend: Backstage's plugins and ours, on the new backend system.
 * Each line adds one feature; behaviour lives in the plugins under plugins/.
 */
import { createBackend } from '@backstage/backend-defaults';
import { auditorServiceFactory } from '@internal/backstage-plugin-audit-log-node';
import {
  serialisedMigrationsDatabaseServiceFactory,
  startOrExit,
  unavailableAsServiceUnavailableHttpRouterServiceFactory,
} from '@internal/backstage-plugin-resilience-node';
import {
  gatedRootHttpRouterServiceFactory,
  impersonationRealActorServiceFactory,
} from '@internal/backstage-plugin-admin-node';

const backend = createBackend();

// every plugin's migrations under a PostgreSQL advisory lock, so replicas
// starting together on an empty database all become ready (docs/deployment.md)
backend.add(serialisedMigrationsDatabaseServiceFactory);
// a database outage answers 503 with Retry-After on every plugin's routes
backend.add(unavailableAsServiceUnavailableHttpRouterServiceFactory);

// every plugin's audit events: logged as before, and stored in the audit log
backend.add(auditorServiceFactory);
// admin: the request gate before every plugin's routes, on verified tokens
// and methods (impersonation is read-only and ends with its session;
// maintenance mode), and the admin behind an impersonation named in every
// audit event (docs/adr/0006)
backend.add(gatedRootHttpRouterServiceFactory);
backend.add(impersonationRealActorServiceFactory);

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// auth: GitHub in production, the development sign-in on the embedded default
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));
backend.add(
  import('@internal/backstage-plugin-auth-backend-module-development-provider'),
);
backend.add(
  import(
    '@internal/backstage-plugin-auth-backend-module-impersonation-provider'
  ),
);

// catalog, with validation of Stack Portal's fields
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(
  import('@internal/backstage-plugin-catalog-backend-module-stack-portal'),
);

// permissions: roles from group membership, and each plugin's grants
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@internal/backstage-plugin-permission-backend-module-roles'),
);
backend.add(
  import('@internal/backstage-plugin-permission-backend-module-audit-log'),
);
backend.add(
  import('@internal/backstage-plugin-permission-backend-module-feature-flags'),
);
backend.add(
  import('@internal/backstage-plugin-permission-backend-module-admin'),
);
backend.add(
  import('@internal/backstage-plugin-permission-backend-module-cloudwatch'),
);

// search: PostgreSQL in production, Lunr on the embedded default; a name
// typed exactly comes first, catalog documents carry their tags
backend.add(import('@backstage/plugin-search-backend'));
backend.add(
  import('@internal/backstage-plugin-search-backend-module-stack-portal'),
);
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// Stack Portal
backend.add(import('@internal/backstage-plugin-stacks-backend'));
backend.add(import('@internal/backstage-plugin-audit-log-backend'));
// feature flags: Unleash, or the embedded provider when no Unleash is configured;
// search finds a flag by its name and opens its dialog
backend.add(import('@internal/backstage-plugin-feature-flags-backend'));
backend.add(import('@internal/backstage-plugin-feature-flags-backend/search'));
// admin console: users and roles, impersonation, maintenance mode
backend.add(import('@internal/backstage-plugin-admin-backend'));
// ADRs: entity tab, portal page, search, and the scaffolder action for a first ADR
backend.add(import('@internal/backstage-plugin-adr-backend'));
backend.add(import('@internal/backstage-plugin-adr-backend/search'));
backend.add(import('@internal/backstage-plugin-scaffolder-backend-module-adr'));
// New capability and New stack: catalog checks, contract and SDK, flags, local git publishing
backend.add(
  import('@internal/backstage-plugin-scaffolder-backend-module-stackpro'),
);
// support tickets: queues, SLA clocks, GitHub Issues sync, search, and who may do what
backend.add(import('@internal/backstage-plugin-support-backend'));
backend.add(import('@internal/backstage-plugin-support-backend/search'));
backend.add(
  import('@internal/backstage-plugin-permission-backend-module-support'),
);
// CloudWatch: Metrics tab (metrics, alarms, dashboard) and the Metrics page
backend.add(import('@internal/backstage-plugin-cloudwatch-backend'));
// health: probes, SLOs and burn-rate alerts, incidents, status page, capability discovery
backend.add(import('@internal/backstage-plugin-health-backend'));
backend.add(
  import('@internal/backstage-plugin-permission-backend-module-health'),
);

// a backend that cannot start exits non-zero with the reason
startOrExit(backend);
