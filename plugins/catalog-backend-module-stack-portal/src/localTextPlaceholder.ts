import { InputError, NotAllowedError } from '@backstage/errors';
import {
  PlaceholderResolver,
  PlaceholderResolverParams,
} from '@backstage/plugin-catalog-node';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Largest file a `$text` placeholder may inline. */
export const MAX_PLACEHOLDER_BYTES = 1024 * 1024;

/**
 * `$text` for entities read from local files as well as from URLs.
 *
 * Backstage's own resolver refuses a relative path next to a `file` location
 * (it could read any file on the host). This one allows it only inside the
 * folders that config registers as file locations (the repo's `catalog/`),
 * refuses absolute paths and anything that escapes those folders, and caps
 * the size. URL-based entities keep Backstage's behaviour, limited to the
 * origin of the entity's own location.
 */
export function createTextPlaceholderResolver(options: {
  allowedRoots: string[];
}): PlaceholderResolver {
  const roots = options.allowedRoots.map(root => path.resolve(root) + path.sep);
  return async (params: PlaceholderResolverParams) => {
    const { value, baseUrl, key } = params;
    if (typeof value !== 'string' || !value) {
      throw new InputError(
        `Placeholder $${key} expects a relative path or URL`,
      );
    }
    if (path.isAbsolute(baseUrl)) {
      if (path.isAbsolute(value)) {
        throw new NotAllowedError(
          `Placeholder $${key} refuses the absolute path ${value}; use a path relative to ${baseUrl}`,
        );
      }
      const target = path.resolve(path.dirname(baseUrl), value);
      if (!roots.some(root => target.startsWith(root))) {
        throw new NotAllowedError(
          `Placeholder $${key} refuses ${value}: it leaves the registered catalog folders`,
        );
      }
      const stat = await fs.stat(target).catch(() => undefined);
      if (!stat?.isFile()) {
        throw new InputError(
          `Placeholder $${key} found no file at ${value} (next to ${baseUrl})`,
        );
      }
      if (stat.size > MAX_PLACEHOLDER_BYTES) {
        throw new InputError(
          `Placeholder $${key} refuses ${value}: ${stat.size} bytes is over the ${MAX_PLACEHOLDER_BYTES}-byte limit`,
        );
      }
      return fs.readFile(target, 'utf8');
    }
    const resolved = params.resolveUrl(value, baseUrl);
    if (new URL(resolved).origin !== new URL(baseUrl).origin) {
      throw new NotAllowedError(
        `Placeholder $${key} may only read from the origin of the entity's location`,
      );
    }
    const buffer = await params.read(resolved);
    return buffer.toString('utf8');
  };
}
