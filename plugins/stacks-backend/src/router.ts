import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  DOC_STATUSES,
  LAYERS,
  PRIORITIES,
  StacksFilter,
} from '@internal/backstage-plugin-stacks-common';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { StacksService } from './service';

/** A query value given once, repeated, or comma-separated, as a list. */
const list = <T extends z.ZodTypeAny>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform(value =>
      ([] as string[])
        .concat(value ?? [])
        .flatMap(v => v.split(','))
        .map(v => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));

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
    domain: list(domainRef),
    layer: list(z.enum(LAYERS)),
    priority: list(z.enum(PRIORITIES)),
    status: list(z.enum(DOC_STATUSES)),
  })
  .strict();

function describe(error: z.ZodError): string {
  return error.issues
    .map(issue => {
      const where = issue.path.filter(p => typeof p === 'string').join('.');
      if (issue.code === 'unrecognized_keys') {
        return `unknown parameter ${issue.keys.join(', ')}; allowed: domain, layer, priority, status`;
      }
      if (issue.code === 'invalid_enum_value') {
        return `${where}: "${issue.received}" is not one of ${issue.options.join(', ')}`;
      }
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  stacks: StacksService;
}): Promise<express.Router> {
  const { httpAuth, stacks } = options;
  const router = Router();
  router.use(express.json());

  router.get('/stacks', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const parsed = stacksQuery.safeParse(req.query);
    if (!parsed.success) {
      throw new InputError(`Invalid stacks query: ${describe(parsed.error)}`);
    }
    const filter: StacksFilter = parsed.data;
    res.json(await stacks.getStacks(filter, { credentials }));
  });

  return router;
}
