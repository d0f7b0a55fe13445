import {
  ANNOTATION_LOCATION,
  Entity,
  parseLocationRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { ADR_LOCATION_ANNOTATION } from '@internal/backstage-plugin-adr-common';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Where a new record of an entity is written. */
export type AdrTarget =
  | { type: 'local'; folder: string; display: string }
  | {
      type: 'github';
      /** The folder's URL, for credentials. */
      url: string;
      apiBaseUrl: string;
      owner: string;
      repo: string;
      ref: string;
      folder: string;
    };

/** The nearest existing ancestor's real path, so that links cannot lead out of the repository. */
async function realAncestor(target: string): Promise<string> {
  let current = target;
  for (;;) {
    try {
      return path.join(
        await fs.realpath(current),
        path.relative(current, target),
      );
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return target;
      current = parent;
    }
  }
}

/**
 * Resolves an entity's `backstage.io/adr-location` for writing, with the
 * same refusals as reading: no absolute paths; for entities from local files
 * only inside the configured local repository folder; for repository
 * entities only inside the same repository, on a GitHub integration.
 */
export async function resolveAdrTarget(
  entity: Entity,
  options: { integrations: ScmIntegrationRegistry; localRepository?: string },
): Promise<AdrTarget> {
  const annotation =
    entity.metadata.annotations?.[ADR_LOCATION_ANNOTATION]?.trim();
  if (!annotation) {
    throw new InputError(
      `The entity has no ${ADR_LOCATION_ANNOTATION} annotation: there is nowhere to write a decision`,
    );
  }
  if (/^([/\\]|[A-Za-z]:[\\/]|file:)/i.test(annotation)) {
    throw new NotAllowedError(
      `${ADR_LOCATION_ANNOTATION} "${annotation}" is an absolute path`,
    );
  }
  const managedBy = entity.metadata.annotations?.[ANNOTATION_LOCATION];
  if (!managedBy) {
    throw new InputError(
      `The entity has no ${ANNOTATION_LOCATION} to resolve ${annotation} against`,
    );
  }
  const base = parseLocationRef(managedBy);

  if (base.type === 'file' && !/^https?:/i.test(annotation)) {
    if (!options.localRepository) {
      throw new NotAllowedError(
        'Writing decisions for entities from local files is off: set adr.scaffolder.localRepository to the local repository folder',
      );
    }
    const root = await fs.realpath(path.resolve(options.localRepository));
    const folder = path.resolve(path.dirname(base.target), annotation);
    const real = await realAncestor(folder);
    if (!(real === root || real.startsWith(root + path.sep))) {
      throw new NotAllowedError(
        `${ADR_LOCATION_ANNOTATION} "${annotation}" leaves the local repository folder`,
      );
    }
    return { type: 'local', folder: real, display: path.relative(root, real) };
  }

  const url = /^https?:/i.test(annotation)
    ? annotation
    : options.integrations.resolveUrl({ url: annotation, base: base.target });
  const integration = options.integrations.github.byUrl(url);
  if (!integration) {
    throw new NotAllowedError(
      `${url} is not in a repository behind a configured GitHub integration`,
    );
  }
  const parsed = new URL(url);
  const match = parsed.pathname.match(
    /^\/([^/]+)\/([^/]+)\/(?:tree|blob)\/([^/]+)\/?(.*)$/,
  );
  if (!match) {
    throw new InputError(
      `${url} is not a folder URL such as https://github.com/owner/repo/tree/main/docs/adr`,
    );
  }
  const [, owner, repo, ref, folder] = match;
  if (!/^https?:/i.test(annotation)) {
    const baseMatch = new URL(base.target).pathname.match(
      /^\/([^/]+)\/([^/]+)\/(?:tree|blob)\/([^/]+)\//,
    );
    if (
      !baseMatch ||
      baseMatch[1] !== owner ||
      baseMatch[2] !== repo ||
      baseMatch[3] !== ref
    ) {
      throw new NotAllowedError(
        `${ADR_LOCATION_ANNOTATION} "${annotation}" leaves the entity's repository`,
      );
    }
  }
  return {
    type: 'github',
    url,
    apiBaseUrl: integration.config.apiBaseUrl ?? 'https://api.github.com',
    owner,
    repo,
    ref,
    folder: decodeURIComponent(folder).replace(/\/+$/, ''),
  };
}
