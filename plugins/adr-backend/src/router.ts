import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ADR_STATUSES,
  adrReadPermission,
} from '@internal/backstage-plugin-adr-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { AdrService } from './service/AdrService';
import { CoverageService } from './service/CoverageService';

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

const entityRef = (kind: string) =>
  z
    .string()
    .regex(
      new RegExp(`^${kind}:[A-Za-z0-9._-]+/[A-Za-z0-9._-]+$`, 'i'),
      `must be a reference such as ${kind}:default/name`,
    )
    .transform(v => v.toLocaleLowerCase('en-US'));

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine(
    v => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)),
    'must be a real date',
  );

const indexQuery = z
  .object({
    status: list(z.enum(ADR_STATUSES)),
    system: list(entityRef('system')),
    stack: list(entityRef('system')),
    decider: list(z.string().max(200)),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .strict()
  .refine(q => !q.from || !q.to || q.from <= q.to, {
    message: 'from must not be after to',
    path: ['from'],
  });

const NAME = /^[A-Za-z0-9._-]{1,253}$/;
const entityParams = z.object({
  kind: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{0,62}$/, 'is not an entity kind'),
  namespace: z.string().regex(NAME, 'is not a namespace'),
  name: z.string().regex(NAME, 'is not an entity name'),
});

function describe(error: z.ZodError): string {
  return error.issues
    .map(issue => {
      const where = issue.path.filter(p => typeof p === 'string').join('.');
      if (issue.code === 'unrecognized_keys') {
        return `unknown parameter ${issue.keys.join(
          ', ',
        )}; allowed: status, system, stack, decider, from, to`;
      }
      if (issue.code === 'invalid_enum_value') {
        return `${where}: "${
          issue.received
        }" is not one of ${issue.options.join(', ')}`;
      }
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

function parse<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new InputError(`Invalid ${what}: ${describe(parsed.error)}`);
  return parsed.data;
}

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  adrs: AdrService;
  coverage: CoverageService;
}): Promise<express.Router> {
  const { httpAuth, permissions, adrs, coverage } = options;
  const router = Router();
  router.use(express.json());

  /** Every route reads; reading is `adr.decision.read`, checked here, server side. */
  const reader = async (
    req: express.Request,
    allow: Array<'user' | 'service'> = ['user'],
  ): Promise<BackstageCredentials> => {
    const credentials = await httpAuth.credentials(req, { allow });
    const [decision] = await permissions.authorize(
      [{ permission: adrReadPermission }],
      {
        credentials,
      },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not read decision records');
    }
    return credentials;
  };

  const refOf = (params: unknown) => {
    const { kind, namespace, name } = parse(entityParams, params, 'entity');
    return stringifyEntityRef({ kind, namespace, name });
  };

  router.get('/entities/:kind/:namespace/:name/adrs', async (req, res) => {
    const credentials = await reader(req);
    res.json(await adrs.getEntityAdrs(refOf(req.params), { credentials }));
  });

  router.get('/entities/:kind/:namespace/:name/adrs/:key', async (req, res) => {
    const credentials = await reader(req);
    const key = parse(
      z.string().min(1).max(500),
      req.params.key,
      'decision key',
    );
    res.json(await adrs.getRecord(refOf(req.params), key, { credentials }));
  });

  router.get('/entities/:kind/:namespace/:name/assets', async (req, res) => {
    const credentials = await reader(req);
    const assetPath = parse(
      z
        .string()
        .min(1)
        .max(500)
        .refine(
          p => !p.startsWith('/') && !p.includes('\0'),
          'must be relative',
        ),
      req.query.path,
      'asset path',
    );
    const asset = await adrs.getAsset(refOf(req.params), assetPath, {
      credentials,
    });
    res
      .status(200)
      .set('Content-Type', asset.contentType)
      .set(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      )
      .set('X-Content-Type-Options', 'nosniff')
      .send(asset.body);
  });

  router.get('/adrs', async (req, res) => {
    const credentials = await reader(req);
    const filter = parse(indexQuery, req.query, 'decisions query');
    res.json(await adrs.getIndex(filter, { credentials }));
  });

  router.get('/coverage', async (req, res) => {
    const credentials = await reader(req, ['user', 'service']);
    res.json(await coverage.getCoverage({ credentials }));
  });

  // For the search collator: every decision with its text, read as the service.
  router.get('/search-documents', async (req, res) => {
    const credentials = await reader(req, ['service']);
    res.json({ documents: await adrs.getSearchDocuments({ credentials }) });
  });

  return router;
}
