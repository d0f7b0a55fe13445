import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { HostDiscovery } from '@backstage/backend-defaults/discovery';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { ResponseError } from '@backstage/errors';
import {
  auditRealActorServiceRef,
  auditStoreServiceRef,
} from '@internal/backstage-plugin-audit-log-node';
import { readRoleMapping } from '@internal/backstage-plugin-roles-common';
import { AdminRequestGate } from './AdminRequestGate';
import { adminStoreServiceRef } from './adminStoreServiceRef';
import {
  bearerTokenOf,
  decodeUnverified,
  impersonationOf,
} from './impersonationToken';

/**
 * The backend's one request gate. The root HTTP router mounts its middleware
 * before any plugin's routes; the gate service below gives it the stores once
 * they exist (root services cannot be handed to the router's configure step).
 */
const gate = AdminRequestGate.create();

/**
 * The gate, bound to the admin and audit stores. The admin plugin depends on
 * it, so it is ready before the backend serves requests.
 *
 * @public
 */
export const adminRequestGateServiceRef = createServiceRef<AdminRequestGate>({
  id: 'admin.request-gate',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        rootLogger: coreServices.rootLogger,
        store: adminStoreServiceRef,
        auditStore: auditStoreServiceRef,
      },
      factory({ config, rootLogger, store, auditStore }) {
        const discovery = HostDiscovery.fromConfig(config);
        gate.bind({
          async ownershipOf(token) {
            const response = await fetch(
              `${await discovery.getBaseUrl('auth')}/v1/userinfo`,
              {
                headers: { Authorization: `Bearer ${token}` },
                signal: AbortSignal.timeout(5_000),
              },
            );
            if (!response.ok) {
              throw await ResponseError.fromResponse(response);
            }
            const { claims } = (await response.json()) as {
              claims?: { ent?: unknown };
            };
            return Array.isArray(claims?.ent)
              ? claims.ent.filter((e): e is string => typeof e === 'string')
              : undefined;
          },
          store,
          auditStore,
          mapping: readRoleMapping(config),
          logger: rootLogger.child({
            plugin: 'admin',
            service: 'request-gate',
          }),
        });
        return gate;
      },
    }),
});

/**
 * Backstage's root HTTP router with the admin gate in front of every
 * plugin's routes: impersonation is read-only and ends with its session,
 * maintenance mode refuses non-admins' changes.
 *
 * @public
 */
export const adminRootHttpRouterServiceFactory = rootHttpRouterServiceFactory({
  configure({ app, applyDefaults }) {
    app.use(gate.middleware());
    applyDefaults();
  },
});

/**
 * Tells the auditor who is behind an impersonation token: the admin named by
 * its `act` claim, when the token's session is one the admin store knows.
 *
 * @public
 */
export const impersonationRealActorServiceFactory = createServiceFactory({
  service: auditRealActorServiceRef,
  deps: { store: adminStoreServiceRef },
  factory({ store }) {
    return {
      async resolve(credentials, request) {
        if (!request || credentials.principal === undefined) return undefined;
        const principal = credentials.principal as {
          type?: string;
          userEntityRef?: string;
        };
        if (principal.type !== 'user') return undefined;
        const claims = impersonationOf(
          decodeUnverified(bearerTokenOf(request))?.payload,
        );
        // the verified credentials must be the bearer token's
        if (
          !claims ||
          claims.userRef !== principal.userEntityRef ||
          !claims.sessionId
        ) {
          return undefined;
        }
        const session = await store.findSession(claims.sessionId);
        if (
          !session ||
          session.adminRef !== claims.actorRef ||
          session.targetRef !== claims.userRef
        ) {
          return undefined;
        }
        // an ended session's token is refused by the gate; name the admin regardless
        return session.adminRef;
      },
    };
  },
});
