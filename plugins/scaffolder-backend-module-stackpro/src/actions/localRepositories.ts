import { InputError, NotAllowedError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';

/** A repository's folder name: what `publish:local-git` accepts. */
export const REPOSITORY_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/** The configured folder of local repositories (`templates.localRepositories`), created if missing. */
export async function repositoriesRoot(
  configured: string | undefined,
): Promise<string> {
  if (!configured) {
    throw new NotAllowedError(
      'Publishing to a local repository is off: set templates.localRepositories to a folder (the embedded default uses data/repositories); production publishes to GitHub',
    );
  }
  const root = path.resolve(configured);
  await fs.mkdir(root, { recursive: true });
  return fs.realpath(root);
}

/** The folder of repository `name` under the root, refusing names that leave it. */
export function repositoryFolder(root: string, name: string): string {
  if (!REPOSITORY_NAME.test(name) || name === '.' || name === '..') {
    throw new InputError(
      `"${name}" is not a repository name: lowercase letters, digits and . _ - (at most 100), not starting with a dot`,
    );
  }
  return path.join(root, name);
}
