import {
  AuditorService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { catalogLocationCreatePermission } from '@backstage/plugin-catalog-common/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { auditedStep, initiatorOf, requirePermission } from './common';
import { repositoriesRoot } from './localRepositories';

const POLL_MS = 500;

/**
 * The catalog's Location entity for the configured file location that reads
 * every local repository's catalog-info.yaml, named as the catalog names
 * the Location entities of its configured locations. Found in the
 * configuration, not the catalog: while no repository exists the location
 * matches no file, and the catalog keeps such a Location out of its
 * entities until it does.
 */
export function localLocationRef(
  configuredLocations: Array<{ type: string; target: string }>,
  localRepositories: string,
): { entityRef?: string; wanted: string; seen: string[] } {
  const wanted = path.join(
    path.resolve(localRepositories),
    '*',
    'catalog-info.yaml',
  );
  const files = configuredLocations
    .filter(l => l.type === 'file')
    .map(l => path.resolve(l.target));
  if (!files.includes(wanted)) return { wanted, seen: files };
  const hash = createHash('sha1').update(`file:${wanted}`).digest('hex');
  return {
    entityRef: `location:default/generated-${hash}`,
    wanted,
    seen: files,
  };
}

/**
 * `catalog:register:local`: registers a repository published by
 * `publish:local-git`. The embedded default's catalog reads
 * `<templates.localRepositories>/*\/catalog-info.yaml` through one file
 * location (app-config); this refreshes that location so the new entities
 * are read now, and waits until the catalog shows them. Refused for people
 * who may not register entities by hand.
 */
export function createRegisterLocalAction(options: {
  auditor: AuditorService;
  permissions: PermissionsService;
  catalog: CatalogService;
  localRepositories?: string;
  /** `catalog.locations` of the configuration, targets resolved as the catalog resolves them. */
  configuredLocations: Array<{ type: string; target: string }>;
  /** For tests. */
  pollMs?: number;
}) {
  const { catalog } = options;
  return createTemplateAction({
    id: 'catalog:register:local',
    description:
      "Registers a local repository's catalog-info.yaml (published by publish:local-git) and waits until the catalog shows its entities",
    supportsDryRun: true,
    schema: {
      input: {
        localPath: z =>
          z
            .string()
            .describe(
              'The repository folder (publish:local-git output localPath)',
            ),
        timeoutSeconds: z => z.number().int().min(1).max(600).default(90),
      },
      output: {
        entityRef: z => z.string(),
        entityRefs: z => z.array(z.string()),
        catalogInfoPath: z => z.string(),
      },
    },
    async handler(ctx) {
      const { credentials, userEntityRef } = await initiatorOf(ctx);
      await requirePermission(
        options.permissions,
        catalogLocationCreatePermission,
        credentials,
        'register new entities in the catalog',
      );
      const root = await repositoriesRoot(options.localRepositories);
      const folder = path.resolve(ctx.input.localPath);
      if (path.dirname(folder) !== root) {
        throw new InputError(
          `${ctx.input.localPath} is not a repository in ${root}`,
        );
      }
      const file = path.join(folder, 'catalog-info.yaml');
      await auditedStep(
        options.auditor,
        {
          eventId: 'template-register-local',
          ctx,
          userEntityRef,
          meta: { file },
        },
        async () => {
          const {
            entityRef: location,
            wanted,
            seen,
          } = localLocationRef(
            options.configuredLocations,
            options.localRepositories!,
          );
          if (!location) {
            throw new NotAllowedError(
              `The catalog reads no file location ${wanted} (its file locations: ${
                seen.join(', ') || 'none'
              }): add it to catalog.locations (rules allowing Component, API, System) to register local repositories`,
            );
          }
          if (ctx.isDryRun) {
            ctx.logger.info(
              `Dry run: would register ${file} through ${location}`,
            );
            ctx.output('entityRef', '');
            ctx.output('entityRefs', []);
            ctx.output('catalogInfoPath', file);
            return { result: undefined };
          }
          const text = await fs.readFile(file, 'utf8').catch(() => {
            throw new InputError(
              `${file} does not exist: publish the repository first`,
            );
          });
          const refs = parseAllDocuments(text)
            .map(d => d.toJS() as Entity)
            .filter(e => e?.kind && e?.metadata?.name)
            .map(e => stringifyEntityRef(e));
          if (!refs.length) throw new InputError(`${file} holds no entity`);
          await catalog.refreshEntity(location, { credentials });
          const timeoutSeconds = ctx.input.timeoutSeconds ?? 90;
          const deadline = Date.now() + timeoutSeconds * 1000;
          const missing = new Set(refs);
          while (missing.size && Date.now() < deadline) {
            for (const ref of [...missing]) {
              if (await catalog.getEntityByRef(ref, { credentials }))
                missing.delete(ref);
            }
            if (missing.size)
              await new Promise(r => setTimeout(r, options.pollMs ?? POLL_MS));
          }
          if (missing.size) {
            throw new ServiceUnavailableError(
              `${file} is published, but the catalog has not shown ${[
                ...missing,
              ].join(
                ', ',
              )} after ${timeoutSeconds}s: look at the catalog's processing errors for that file; it is registered and will appear once valid`,
            );
          }
          ctx.logger.info(`The catalog shows ${refs.join(', ')}`);
          ctx.output('entityRef', refs[0]);
          ctx.output('entityRefs', refs);
          ctx.output('catalogInfoPath', file);
          return { result: undefined, meta: { entityRefs: refs } };
        },
      );
    },
  });
}
