import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { FlagOwnerEntity } from '@internal/backstage-plugin-feature-flags-common';
import {
  STACK_ANNOTATIONS,
  STACK_LABELS,
} from '@internal/backstage-plugin-stacks-common';
import type { FlagSnapshot } from '../providers/FlagProvider';

/** A catalog entity that names flags through its annotations. */
export interface FlaggedEntity extends FlagOwnerEntity {
  project: string;
  flags: string[];
}

const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'metadata.labels',
  'spec.owner',
  'spec.type',
];

export function readFlaggedEntity(
  entity: Entity,
  defaultProject: string,
): FlaggedEntity | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const flags = (annotations[STACK_ANNOTATIONS.unleashFlags] ?? '')
    .split(/[,\s]+/)
    .map(f => f.trim())
    .filter(Boolean);
  if (!flags.length) return undefined;
  const owner =
    typeof entity.spec?.owner === 'string'
      ? stringifyEntityRef(
          parseEntityRef(entity.spec.owner, {
            defaultKind: 'group',
            defaultNamespace: 'default',
          }),
        )
      : undefined;
  return {
    entityRef: stringifyEntityRef(entity),
    title: entity.metadata.title,
    owner,
    stack: entity.metadata.labels?.[STACK_LABELS.stack],
    type: typeof entity.spec?.type === 'string' ? entity.spec.type : undefined,
    project:
      annotations[STACK_ANNOTATIONS.unleashProject]?.trim() || defaultProject,
    flags,
  };
}

/**
 * The entities naming each flag of a snapshot, keyed `project/flag`. An
 * annotation's project that the provider does not have (Unleash OSS has only
 * `default`) matches the flag of that name in any project.
 */
export function entitiesByFlag(
  snapshot: Pick<FlagSnapshot, 'projects' | 'flags'>,
  entities: FlaggedEntity[],
): Map<string, FlaggedEntity[]> {
  const projects = new Set(snapshot.projects.map(p => p.id));
  const map = new Map<string, FlaggedEntity[]>();
  for (const flag of snapshot.flags) {
    const named = entities.filter(
      e =>
        e.flags.includes(flag.name) &&
        (e.project === flag.project || !projects.has(e.project)),
    );
    if (named.length) map.set(`${flag.project}/${flag.name}`, named);
  }
  return map;
}

/**
 * Which catalog entities name which flags (`stackportal.io/unleash-project`
 * and `stackportal.io/unleash-flags`), read with the plugin's own credentials
 * and kept for a minute.
 */
export class CatalogFlagIndex {
  private cached?: { at: number; entities: FlaggedEntity[] };

  private constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
    private readonly defaultProject: string,
  ) {}

  static create(options: {
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    defaultProject: string;
  }) {
    return new CatalogFlagIndex(
      options.catalog,
      options.auth,
      options.logger,
      options.defaultProject,
    );
  }

  async entities(options?: { fresh?: boolean }): Promise<FlaggedEntity[]> {
    if (!options?.fresh && this.cached && Date.now() - this.cached.at < 60_000)
      return this.cached.entities;
    try {
      const { items } = await this.catalog.getEntities(
        {
          filter: {
            [`metadata.annotations.${STACK_ANNOTATIONS.unleashFlags}`]:
              CATALOG_FILTER_EXISTS,
          },
          fields: FIELDS,
        },
        { credentials: await this.auth.getOwnServiceCredentials() },
      );
      const entities = items.flatMap(
        e => readFlaggedEntity(e, this.defaultProject) ?? [],
      );
      this.cached = { at: Date.now(), entities };
      return entities;
    } catch (error) {
      this.logger.warn(
        `Could not read flag annotations from the catalog: ${
          (error as Error).message
        }`,
      );
      return this.cached?.entities ?? [];
    }
  }
}
