import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  cloudwatchMetricsReadPermission,
  DEFAULT_METRIC_RANGE,
  METRIC_RANGE_NAMES,
} from '@internal/backstage-plugin-cloudwatch-common';
import { isoDateTime, parseInput } from '@internal/backstage-plugin-http-node';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { CloudWatchService, ViewRequest } from './service/CloudWatchService';

const NAME = /^[A-Za-z0-9._-]{1,253}$/;

const entityParams = z.object({
  kind: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{0,62}$/, 'is not an entity kind'),
  namespace: z.string().regex(NAME, 'is not a namespace'),
  name: z.string().regex(NAME, 'is not an entity name'),
});

const viewQuery = z
  .object({
    range: z
      .enum(METRIC_RANGE_NAMES as [string, ...string[]])
      .default(DEFAULT_METRIC_RANGE),
    end: isoDateTime.optional(),
  })
  .strict();

/**
 * Every route reads; each needs a signed-in user holding
 * `cloudwatch.metrics.read`, and an entity's views also need the entity to
 * be visible to them in the catalog (checked by the service).
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  service: CloudWatchService;
}): Promise<express.Router> {
  const { httpAuth, permissions, service } = options;
  const router = Router();

  const reader = async (req: Request): Promise<BackstageCredentials> => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize(
      [{ permission: cloudwatchMetricsReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not read CloudWatch metrics');
    }
    return credentials;
  };

  const refOf = (req: Request) =>
    stringifyEntityRef(parseInput(entityParams, req.params, 'entity'));

  const viewOf = (req: Request): ViewRequest => {
    const query = parseInput(viewQuery, req.query, 'view');
    return {
      range: query.range as ViewRequest['range'],
      end: query.end ? new Date(query.end) : undefined,
    };
  };

  router.get('/status', async (req, res) => {
    await reader(req);
    res.json(service.status());
  });

  router.get('/entities/:kind/:namespace/:name/target', async (req, res) => {
    const credentials = await reader(req);
    res.json(await service.getTarget(refOf(req), { credentials }));
  });

  router.get('/entities/:kind/:namespace/:name/metrics', async (req, res) => {
    const credentials = await reader(req);
    res.json(
      await service.getEntityMetrics(refOf(req), viewOf(req), { credentials }),
    );
  });

  router.get('/entities/:kind/:namespace/:name/alarms', async (req, res) => {
    const credentials = await reader(req);
    res.json(
      await service.getEntityAlarms(refOf(req), viewOf(req), { credentials }),
    );
  });

  router.get('/entities/:kind/:namespace/:name/dashboard', async (req, res) => {
    const credentials = await reader(req);
    res.json(
      await service.getEntityDashboard(refOf(req), viewOf(req), {
        credentials,
      }),
    );
  });

  router.get('/overview', async (req, res) => {
    const credentials = await reader(req);
    res.json(await service.getOverview(viewOf(req), { credentials }));
  });

  return router;
}
