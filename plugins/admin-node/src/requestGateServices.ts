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
import {
  hideStackTraces,
  SHOW_STACK_TRACES_KEY,
} from '@internal/backstage-plugin-http-node';
import { readRoleMapping } from '@internal/backstage-plugin-roles-common';
import { serviceUnavailableErrors } from '@internal/backstage-plugin-resilience-node';
import { ErrorRequestHandler, RequestHandler } from 'express';
import { adminStoreServiceRef } from './adminStoreServiceRef';
import { impersonationSessionsServiceRef } from './ImpersonationSessions';
import { RequestGate } from './RequestGate';
import { UserTokenVerifier } from './UserTokenVerifier';

const USER_INFO_TIMEOUT_MS = 5_000;

/**
 * The backend's one request gate. The root HTTP router places it in front
 * of every plugin's routes; the gate service below gives it the stores once
 * they exist (root services cannot be handed to the router's configure step).
 */
const gate = RequestGate.create();

/**
 * The gate, bound to the admin and audit stores. The admin plugin depends on
 * it, so it is bound before the backend serves requests; until then the gate
 * answers 503.
 *
 * @public
 */
export const requestGateServiceRef = createServiceRef<RequestGate>({
  id: 'admin.request-gate',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        rootLogger: coreServices.rootLogger,
        store: adminStoreServiceRef,
        sessions: impersonationSessionsServiceRef,
        auditStore: auditStoreServiceRef,
      },
      factory({ config, rootLogger, store, sessions, auditStore }) {
        const discovery = HostDiscovery.fromConfig(config);
        gate.bind({
          async ownershipOf(token) {
            const response = await fetch(
              `${await discovery.getBaseUrl('auth')}/v1/userinfo`,
              {
                headers: { Authorization: `Bearer ${token}` },
                signal: AbortSignal.timeout(USER_INFO_TIMEOUT_MS),
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
          sessions,
          verifier: UserTokenVerifier.create({ discovery }),
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
 * Backstage's root HTTP router with the gate placed among its defaults:
 * after CORS, compression, request logging, rate limiting and the health
 * endpoints, before every plugin's routes, with the not-found and error
 * handlers after it, so its refusals look and are logged like any error.
 * Right after the routes, database outages become 503 with `Retry-After`
 * (plugins/resilience-node).
 * Error bodies leave without the server's stack trace unless
 * `stackPortal.errors.showStackTraces` is set.
 *
 * @public
 */
export const gatedRootHttpRouterServiceFactory = rootHttpRouterServiceFactory({
  configure({ app, config, routes, applyDefaults, logger }) {
    app.use(
      hideStackTraces({
        show: config.getOptionalBoolean(SHOW_STACK_TRACES_KEY) ?? false,
      }),
    );
    placeBefore(
      app,
      routes,
      gate.middleware(),
      applyDefaults,
      serviceUnavailableErrors({ logger }),
    );
  },
});

/**
 * Runs Backstage's `applyDefaults` and inserts `middleware` right before the
 * handler `anchor` is mounted (and `errorsAfter`, when given, right after
 * it). Fails the start if the anchor never comes, so a change in Backstage's
 * defaults can never leave the backend ungated.
 */
export function placeBefore(
  app: { use: (...handlers: any[]) => unknown },
  anchor: RequestHandler,
  middleware: RequestHandler,
  applyDefaults: () => void,
  errorsAfter?: ErrorRequestHandler,
): void {
  const use = app.use;
  let placed = false;
  app.use = function gatedUse(this: unknown, ...handlers: any[]) {
    if (handlers.includes(anchor)) {
      use.call(app, middleware);
      placed = true;
      const mounted = use.apply(app, handlers);
      if (errorsAfter) use.call(app, errorsAfter);
      return mounted;
    }
    return use.apply(app, handlers);
  };
  try {
    applyDefaults();
  } finally {
    app.use = use;
  }
  if (!placed) {
    throw new Error(
      'The request gate could not be placed before the plugin routes; refusing to start ungated',
    );
  }
}

/**
 * Tells the auditor who is behind an impersonation: the admin of the session
 * the request's verified token belongs to, in any form of the token.
 *
 * @public
 */
export const impersonationRealActorServiceFactory = createServiceFactory({
  service: auditRealActorServiceRef,
  deps: { sessions: impersonationSessionsServiceRef },
  factory({ sessions }) {
    return {
      async resolve(credentials) {
        return (await sessions.sessionOfCredentials(credentials))?.adminRef;
      },
    };
  },
});
