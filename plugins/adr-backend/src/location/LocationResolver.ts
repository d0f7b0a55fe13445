import {
  ANNOTATION_LOCATION,
  Entity,
  parseLocationRef,
} from '@backstage/catalog-model';
import { ScmIntegrationRegistry } from '@backstage/integration';
import path from 'node:path';

/** Where documents are read from, once the annotation is resolved and checked. */
export type ResolvedLocation =
  | {
      type: 'file';
      /** Absolute path of the folder (or file). */
      path: string;
      /** The allowed root it lies in. */
      root: string;
      /** What to show: the path relative to the root's parent. */
      display: string;
      key: string;
    }
  | {
      type: 'url';
      url: string;
      display: string;
      key: string;
    };

/** Why a location cannot be read: the reason is shown to the user. */
export class LocationProblem extends Error {
  readonly name = 'LocationProblem';
  constructor(
    message: string,
    readonly severity: 'error' | 'warning' = 'error',
  ) {
    super(message);
  }
}

/** `/owner/repo/blob/ref/` (GitHub, Gitea) or `/group/repo/-/blob/ref/` (GitLab). */
function repositoryPrefix(url: URL): string | undefined {
  const match = url.pathname.match(
    /^(\/[^/]+\/[^/]+\/(?:-\/)?(?:blob|tree|src\/branch|src)\/[^/]+\/)/,
  );
  return match?.[1].replace(/\/(?:-\/)?tree\//, '/blob/');
}

const sameRepository = (base: URL, target: URL) => {
  if (base.origin !== target.origin) return false;
  const basePrefix = repositoryPrefix(base);
  if (basePrefix === undefined) {
    // Not a repository URL: stay under the folder of the entity's file.
    const folder = base.pathname.replace(/[^/]*$/, '');
    return target.pathname.startsWith(folder);
  }
  return basePrefix === repositoryPrefix(target);
};

/**
 * Resolves `backstage.io/adr-location` and `stackportal.io/docs-location`
 * against the entity's own location, the way the community ADR plugin does,
 * and refuses what must not be read:
 *
 * - absolute paths (`/etc`, `C:\`, `file:`), always;
 * - next to a `file` location: anything outside the allowed local roots
 *   (`../` escapes, symlinks are checked again when read);
 * - next to a `url` location: anything outside the entity's repository and
 *   branch; an absolute URL only on a host with a configured integration.
 */
export class LocationResolver {
  private constructor(
    private readonly roots: string[],
    private readonly integrations: ScmIntegrationRegistry,
  ) {}

  static create(options: {
    localRoots: string[];
    integrations: ScmIntegrationRegistry;
  }): LocationResolver {
    return new LocationResolver(
      options.localRoots.map(root => path.resolve(root)),
      options.integrations,
    );
  }

  get localRoots(): string[] {
    return this.roots;
  }

  resolve(
    entity: Entity,
    value: string | undefined,
    annotation: string,
  ): ResolvedLocation {
    const written = (value ?? '').trim();
    if (!written) {
      throw new LocationProblem(`${annotation} is empty`);
    }
    if (
      written.startsWith('/') ||
      written.startsWith('\\') ||
      /^[A-Za-z]:[\\/]/.test(written) ||
      /^file:/i.test(written)
    ) {
      throw new LocationProblem(
        `${annotation} "${written}" is an absolute path; write a path relative to the entity's file`,
      );
    }
    if (/^https?:\/\//i.test(written)) {
      if (!this.integrations.byUrl(written)) {
        throw new LocationProblem(
          `${annotation} "${written}" is on a host with no configured integration`,
        );
      }
      return {
        type: 'url',
        url: written.replace(/\/+$/, ''),
        display: written,
        key: `url:${written}`,
      };
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(written)) {
      throw new LocationProblem(
        `${annotation} "${written}" is not a relative path or an http(s) URL`,
      );
    }
    if (written.includes('\0')) {
      throw new LocationProblem(`${annotation} contains a NUL character`);
    }

    const managedBy = entity.metadata.annotations?.[ANNOTATION_LOCATION];
    if (!managedBy) {
      throw new LocationProblem(
        `the entity has no ${ANNOTATION_LOCATION} to resolve ${annotation} "${written}" against`,
      );
    }
    const base = parseLocationRef(managedBy);
    if (base.type === 'file') {
      const basePath = base.target.replace(/^file:\/\//, '');
      const target = path.resolve(path.dirname(basePath), written);
      const root = this.roots.find(
        r => target === r || target.startsWith(r + path.sep),
      );
      if (!root) {
        throw new LocationProblem(
          `${annotation} "${written}" leaves the folders the portal may read (${this.roots
            .map(r => path.basename(r))
            .join(', ')})`,
        );
      }
      const display =
        path.relative(path.dirname(root), target) || path.basename(target);
      return {
        type: 'file',
        path: target,
        root,
        display,
        key: `file:${target}`,
      };
    }
    if (base.type === 'url') {
      const baseUrl = new URL(base.target);
      const resolved = this.integrations.resolveUrl({
        url: written,
        base: base.target,
      });
      const target = new URL(resolved);
      if (!sameRepository(baseUrl, target)) {
        throw new LocationProblem(
          `${annotation} "${written}" leaves the entity's repository (${
            baseUrl.origin
          }${repositoryPrefix(baseUrl) ?? baseUrl.pathname})`,
        );
      }
      const url = target.toString().replace(/\/+$/, '');
      return { type: 'url', url, display: url, key: `url:${url}` };
    }
    throw new LocationProblem(
      `the entity's location type "${base.type}" is not supported; use a file or url location`,
    );
  }
}
