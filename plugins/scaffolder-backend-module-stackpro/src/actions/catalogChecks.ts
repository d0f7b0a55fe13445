import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';

function parse(ref: string, defaultKind: string, what: string) {
  try {
    return parseEntityRef(ref.trim(), {
      defaultKind,
      defaultNamespace: 'default',
    });
  } catch (e) {
    throw new InputError(
      `${what}: "${ref}" is not an entity reference (${(e as Error).message})`,
    );
  }
}

/** The stack's name, if `ref` is a System of type stack; otherwise a message listing the stacks. */
export async function findStack(
  catalog: CatalogService,
  ref: string,
  credentials: BackstageCredentials,
): Promise<string> {
  const parsed = parse(ref, 'system', 'Stack');
  const entity =
    parsed.kind.toLocaleLowerCase('en-US') === 'system'
      ? await catalog.getEntityByRef(stringifyEntityRef(parsed), {
          credentials,
        })
      : undefined;
  if (!entity || entity.spec?.type !== 'stack') {
    const { items } = await catalog.getEntities(
      {
        filter: { kind: 'System', 'spec.type': 'stack' },
        fields: ['metadata.name'],
      },
      { credentials },
    );
    const known = items.map(e => e.metadata.name).sort();
    throw new InputError(
      `Stack: there is no stack "${ref}"; the stacks are ${
        known.join(', ') || 'none yet (create one with New stack)'
      }`,
    );
  }
  return entity.metadata.namespace && entity.metadata.namespace !== 'default'
    ? `${entity.metadata.namespace}/${entity.metadata.name}`
    : entity.metadata.name;
}

/** The owning group's short name, if `ref` is a Group in the catalog. */
export async function findOwner(
  catalog: CatalogService,
  ref: string,
  credentials: BackstageCredentials,
): Promise<string> {
  const parsed = parse(ref, 'group', 'Owner');
  const entity = await catalog.getEntityByRef(stringifyEntityRef(parsed), {
    credentials,
  });
  if (!entity || entity.kind !== 'Group') {
    throw new InputError(
      `Owner: there is no group "${ref}" in the catalog; pick a team`,
    );
  }
  return entity.metadata.namespace && entity.metadata.namespace !== 'default'
    ? `${entity.metadata.namespace}/${entity.metadata.name}`
    : entity.metadata.name;
}

/** The domain's name, if `ref` is a Domain in the catalog. */
export async function findDomain(
  catalog: CatalogService,
  ref: string,
  credentials: BackstageCredentials,
): Promise<string> {
  const parsed = parse(ref, 'domain', 'Domain');
  const entity = await catalog.getEntityByRef(stringifyEntityRef(parsed), {
    credentials,
  });
  if (!entity || entity.kind !== 'Domain') {
    throw new InputError(`Domain: there is no domain "${ref}" in the catalog`);
  }
  return entity.metadata.name;
}
