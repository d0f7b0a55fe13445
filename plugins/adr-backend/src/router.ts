import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  ADR_STATUSES,
  adrReadPermission,
} from '@internal/backstage-plugin-adr-common';
import express from 'express';
import Router from 'express-promise-router';
import {
  isoDate,
  parseInput,
  queryList,
} from '@internal/backstage-plugin-http-node';
import { z } from 'zod/v3';
import { AdrService } from './service/AdrService';
import { CoverageService } from './service/CoverageService';

/**
 * An entity reference of `kind`; a bare name (`stackpro`) or `namespace/name`
 * is read as that kind's reference in the default namespace, as the catalog
 * reads them (`/decisions?system=stackpro` is what people type).
 */
const entityRef = (kind: string) =>
  z
    .string()
    .transform(v => {
      if (/^[A-Za-z0-9._-]+$/.test(v)) return `${kind}:default/${v}`;
      if (/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/.test(v)) return `${kind}:${v}`;
      return v;
    })
    .pipe(
      z
        .string()
        .regex(
          new RegExp(`^${kind}:[A-Za-z0-9._-]+/[A-Za-z0-9._-]+$`, 'i'),
          `must be a reference such as ${kind}:default/name`,
        )
        .transform(v => v.toLocaleLowerCase('en-US')),
    );

const indexQuery = z
  .object({
    status: queryList(z.enum(ADR_STATUSES)),
    system: queryList(entityRef('system')),
    stack: queryList(entityRef('system')),
    decider: queryList(z.string().max(200)),
    from: isoDate.optional(),
    to: isoDate.optional(),
    q: z
      .string()
      .max(200, 'must be at most 200 characters')
      .transform(v => v.trim() || undefined)
      .optional(),
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

  /**
   * The index's reader: `adr.decision.read` and the caller's
   * `catalog.entity.read` decision (which decides whether they share the
   * catalog read, SharedCatalogReads) in one permission request. The
   * permission backend answers a basic permission in such a request with
   * ALLOW or DENY.
   */
  const indexReader = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision, catalogRead] = await permissions.authorizeConditional(
      [
        { permission: adrReadPermission as unknown as ResourcePermission },
        { permission: catalogEntityReadPermission },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not read decision records');
    }
    return { credentials, catalogRead };
  };

  const refOf = (params: unknown) => {
    const { kind, namespace, name } = parseInput(
      entityParams,
      params,
      'entity',
    );
    return stringifyEntityRef({ kind, namespace, name });
  };

  router.get('/entities/:kind/:namespace/:name/adrs', async (req, res) => {
    const credentials = await reader(req);
    res.json(await adrs.getEntityAdrs(refOf(req.params), { credentials }));
  });

  router.get('/entities/:kind/:namespace/:name/adrs/:key', async (req, res) => {
    const credentials = await reader(req);
    const key = parseInput(
      z.string().min(1).max(500),
      req.params.key,
      'decision key',
    );
    res.json(await adrs.getRecord(refOf(req.params), key, { credentials }));
  });

  router.get('/entities/:kind/:namespace/:name/assets', async (req, res) => {
    const credentials = await reader(req);
    const assetPath = parseInput(
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

  // a stack's documentation (stackportal.io/docs-location), for its Docs tab
  router.get(
    '/entities/:kind/:namespace/:name/documentation',
    async (req, res) => {
      const credentials = await reader(req);
      res.json(await coverage.getDocument(refOf(req.params), { credentials }));
    },
  );

  router.get('/adrs', async (req, res) => {
    const caller = await indexReader(req);
    const filter = parseInput(indexQuery, req.query, 'decisions query');
    res.json(await adrs.getIndex(filter, caller));
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
