import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  DOC_STATUSES,
  LAYERS,
  PRIORITIES,
  StacksFilter,
} from '@internal/backstage-plugin-stacks-common';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { parseInput, queryList } from '@internal/backstage-plugin-http-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { StacksService } from './service';

const domainRef = z.string().transform((value, ctx) => {
  try {
    const ref = parseEntityRef(value, {
      defaultKind: 'domain',
      defaultNamespace: 'default',
    });
    if (
      ref.kind.toLocaleLowerCase('en-US') === 'domain' &&
      /^[A-Za-z0-9._-]+$/.test(ref.name)
    ) {
      return stringifyEntityRef(ref);
    }
  } catch {
    // reported below
  }
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    message: `"${value}" is not a domain reference such as domain:default/core-infrastructure`,
  });
  return z.NEVER;
});

const stacksQuery = z
  .object({
    domain: queryList(domainRef),
    layer: queryList(z.enum(LAYERS)),
    priority: queryList(z.enum(PRIORITIES)),
    status: queryList(z.enum(DOC_STATUSES)),
  })
  .strict();

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  stacks: StacksService;
}): Promise<express.Router> {
  const { httpAuth, stacks } = options;
  const router = Router();
  router.use(express.json());

  router.get('/stacks', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const filter: StacksFilter = parseInput(
      stacksQuery,
      req.query,
      'stacks query',
    );
    res.json(await stacks.getStacks(filter, { credentials }));
  });

  return router;
}
