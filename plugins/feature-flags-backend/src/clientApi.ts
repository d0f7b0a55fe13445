import { LoggerService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FeatureFlagsService } from './service/FeatureFlagsService';

/** Characters of the body's SHA-256 (base64url) that make its ETag. */
const ETAG_LENGTH = 27;

/**
 * Unleash's client API, for a capability's own unleash-client in
 * development: open to requests without a portal token (the plugin's auth
 * policy), each one carrying a client token of `featureFlags.clientTokens`
 * that names its environment.
 */
export function createClientApiRouter(options: {
  service: FeatureFlagsService;
  logger: LoggerService;
  clientTokens: Array<{ token: string; environment: string }>;
}): express.Router {
  const { service, logger } = options;
  const router = Router();

  const tokens = options.clientTokens.map(t => ({
    ...t,
    digest: createHash('sha256').update(t.token).digest(),
  }));
  function clientEnvironment(req: Request): string {
    const presented = req.header('authorization') ?? '';
    const digest = createHash('sha256').update(presented).digest();
    const match = tokens.find(t => timingSafeEqual(t.digest, digest));
    if (!match) {
      throw new NotAllowedError(
        'A client token from featureFlags.clientTokens is required in the Authorization header',
      );
    }
    return match.environment;
  }

  router.get('/client/features', async (req, res) => {
    const body = await service.clientFeatures(clientEnvironment(req));
    const etag = `"${createHash('sha256')
      .update(JSON.stringify(body))
      .digest('base64url')
      .slice(0, ETAG_LENGTH)}"`;
    res.setHeader('ETag', etag);
    if (req.header('if-none-match') === etag) {
      res.status(304).end();
      return;
    }
    res.json(body);
  });

  router.post('/client/register', async (req, res) => {
    clientEnvironment(req);
    logger.debug(
      `unleash-client registered: ${JSON.stringify(req.body?.appName ?? '')}`,
    );
    res.status(202).end();
  });

  router.post('/client/metrics', async (req, res) => {
    clientEnvironment(req);
    res.status(202).end();
  });

  return router;
}
