import {
  coreServices,
  createServiceFactory,
  HttpRouterService,
} from '@backstage/backend-plugin-api';
import { httpRouterServiceFactory } from '@backstage/backend-defaults/httpRouter';
import express from 'express';
import { serviceUnavailableErrors } from './unavailable';

/** Backstage's factory as the backend system calls it. */
const backstageHttpRouter = httpRouterServiceFactory as unknown as {
  factory?: (deps: unknown, context: unknown) => Promise<HttpRouterService>;
};

/**
 * Backstage's per-plugin HTTP router, with database outages answered 503
 * with `Retry-After` on every plugin's routes, ours and Backstage's.
 * Each plugin router ends with its own error handler, so a root-level
 * mapping never sees its errors: every handler a plugin adds is mounted
 * here followed by `serviceUnavailableErrors`, ahead of that handler. The
 * rest (rate limit, credentials barrier, auth policies, lifecycle) is
 * Backstage's own factory, called as the backend system calls it: a
 * workaround in this repo (docs/deployment.md), checked at start.
 *
 * @public
 */
export const unavailableAsServiceUnavailableHttpRouterServiceFactory =
  createServiceFactory({
    service: coreServices.httpRouter,
    initialization: 'always',
    deps: {
      plugin: coreServices.pluginMetadata,
      config: coreServices.rootConfig,
      lifecycle: coreServices.lifecycle,
      rootHttpRouter: coreServices.rootHttpRouter,
      auth: coreServices.auth,
      httpAuth: coreServices.httpAuth,
      logger: coreServices.logger,
    },
    async factory(deps): Promise<HttpRouterService> {
      if (typeof backstageHttpRouter.factory !== 'function') {
        throw new Error(
          "Backstage's httpRouter service factory changed shape; plugins/resilience-node must follow it",
        );
      }
      const router = await backstageHttpRouter.factory(deps, undefined);
      const errors = serviceUnavailableErrors({ logger: deps.logger });
      return {
        use(handler) {
          const mapped = express.Router();
          mapped.use(handler);
          mapped.use(errors);
          router.use(mapped);
        },
        addAuthPolicy(policy) {
          router.addAuthPolicy(policy);
        },
      };
    },
  });
