import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { parseInput } from '@internal/backstage-plugin-http-node';
import { healthReadPermission } from '@internal/backstage-plugin-health-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { HealthService } from './service/HealthService';

const NAME = z.string().min(1).max(253);
const listQuery = z
  .object({
    stack: NAME.optional(),
    system: NAME.optional(),
    owner: NAME.optional(),
  })
  .strict();
const entityParams = z.object({
  kind: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,62}$/, 'not an entity kind'),
  namespace: z
    .string()
    .regex(/^[a-z0-9]+(?:[-._][a-z0-9]+)*$/i, 'not a namespace')
    .max(63),
  name: z
    .string()
    .regex(/^[a-z0-9]+(?:[-._][a-z0-9]+)*$/i, 'not an entity name')
    .max(253),
});
const entityQuery = z
  .object({ resolution: z.enum(['minute', 'hour']).default('minute') })
  .strict();

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  service: HealthService;
}

/**
 * The health API: reads only (probing is the scheduler's). Every route needs
 * a signed-in user holding `health.read`; the entities answered are those
 * the catalog shows that user.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, service } = options;
  const router = Router();

  async function reader(req: Request) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize(
      [{ permission: healthReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`You may not use ${healthReadPermission.name}`);
    }
    return credentials;
  }

  router.get('/entities', async (req, res) => {
    const credentials = await reader(req);
    const filter = parseInput(listQuery, req.query, 'query');
    res.json(await service.list(filter, credentials));
  });

  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    const credentials = await reader(req);
    const { kind, namespace, name } = parseInput(
      entityParams,
      req.params,
      'entity',
    );
    const { resolution } = parseInput(entityQuery, req.query, 'query');
    res.json(
      await service.entity(
        `${kind.toLocaleLowerCase('en-US')}:${namespace.toLocaleLowerCase(
          'en-US',
        )}/${name.toLocaleLowerCase('en-US')}`,
        resolution,
        credentials,
      ),
    );
  });

  router.get('/incidents', async (req, res) => {
    const credentials = await reader(req);
    res.json({ items: await service.incidents(credentials) });
  });

  router.get('/capabilities', async (req, res) => {
    const credentials = await reader(req);
    res.json(await service.capabilities(credentials));
  });

  return router;
}
