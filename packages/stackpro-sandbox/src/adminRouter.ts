import { createHash, timingSafeEqual } from 'node:crypto';
import express, { NextFunction, Request, Response, Router } from 'express';
import {
  CapabilityRuntime,
  FaultSettingError,
  RuntimeLogger,
} from '@internal/stackpro-runtime';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function adminError(
  res: Response,
  status: number,
  code: string,
  message: string,
) {
  res.status(status).json({ error: { code, message } });
}

/**
 * The fault knob over HTTP, for demos and for tests that run the sandbox in
 * another process: `GET /admin/faults`, `PUT /admin/faults/:capability`
 * (`{ latencyMs, latencyJitterMs, errorRate, downDependencies }`, each
 * optional) and `DELETE /admin/faults/:capability`. Every route needs
 * `Authorization: Bearer <stackpro.sandbox.adminToken>`; without a token
 * configured the routes do not exist.
 */
export function createAdminRouter(options: {
  runtimes: Map<string, CapabilityRuntime>;
  adminToken: string | undefined;
  logger: RuntimeLogger;
}): Router {
  const { runtimes, adminToken, logger } = options;
  const router = express.Router();
  if (!adminToken) {
    router.use((_req, res) =>
      adminError(
        res,
        404,
        'NOT_FOUND',
        'The fault knob is off: stackpro.sandbox.adminToken is not set',
      ),
    );
    return router;
  }
  const expected = digest(`Bearer ${adminToken}`);
  router.use((req, res, next) => {
    // compared as digests: the time taken says nothing about the token
    if (!timingSafeEqual(digest(req.header('authorization') ?? ''), expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="stackpro-sandbox"');
      adminError(
        res,
        401,
        'UNAUTHORIZED',
        'Send Authorization: Bearer <stackpro.sandbox.adminToken>',
      );
      return;
    }
    next();
  });
  router.use(express.json({ limit: '16kb' }));

  const state = (runtime: CapabilityRuntime) => ({
    capability: runtime.capability,
    faults: runtime.faults.get(),
    dependencies: runtime.dependencyNames(),
    breakerOpen: runtime.breakerOpen(),
  });
  const runtimeOf = (req: Request, res: Response) => {
    const runtime = runtimes.get(req.params.capability);
    if (!runtime) {
      adminError(
        res,
        404,
        'NOT_FOUND',
        `No capability ${req.params.capability} here; the sandbox serves ${[
          ...runtimes.keys(),
        ].join(', ')}`,
      );
    }
    return runtime;
  };

  router.get('/faults', (_req, res) => {
    res.json({ capabilities: [...runtimes.values()].map(state) });
  });
  router.get('/faults/:capability', (req, res) => {
    const runtime = runtimeOf(req, res);
    if (runtime) res.json(state(runtime));
  });
  router.put('/faults/:capability', (req, res) => {
    const runtime = runtimeOf(req, res);
    if (!runtime) return;
    if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) {
      adminError(
        res,
        400,
        'VALIDATION_FAILED',
        'Send a JSON object such as {"errorRate": 0.05, "latencyMs": 300}',
      );
      return;
    }
    try {
      runtime.faults.set(req.body);
    } catch (error) {
      if (error instanceof FaultSettingError) {
        adminError(res, 400, 'VALIDATION_FAILED', error.message);
        return;
      }
      throw error;
    }
    logger.info(`faults of ${runtime.capability} set`, {
      capability: runtime.capability,
      faults: runtime.faults.get(),
    });
    res.json(state(runtime));
  });
  router.delete('/faults/:capability', (req, res) => {
    const runtime = runtimeOf(req, res);
    if (!runtime) return;
    runtime.faults.reset();
    logger.info(`faults of ${runtime.capability} cleared`, {
      capability: runtime.capability,
    });
    res.json(state(runtime));
  });
  router.use((_req, res) =>
    adminError(
      res,
      404,
      'NOT_FOUND',
      'The admin routes are /admin/faults[/<capability>]',
    ),
  );
  router.use(
    (error: any, _req: Request, res: Response, _next: NextFunction) => {
      if (error?.type === 'entity.parse.failed') {
        adminError(
          res,
          400,
          'MALFORMED_JSON',
          `The body is not valid JSON: ${error.message}`,
        );
        return;
      }
      logger.error(`sandbox admin route failed: ${error?.stack ?? error}`);
      adminError(res, 500, 'INTERNAL_ERROR', 'Unexpected failure');
    },
  );
  return router;
}
