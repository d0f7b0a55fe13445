import { LoggerService } from '@backstage/backend-plugin-api';
import {
  FlagEnvironment,
  parseCapabilityFlag,
} from '@internal/backstage-plugin-feature-flags-common';
import { defaultRollout } from '../providers/LocalFlagProvider';
import type { ProviderFlag } from '../providers/FlagProvider';
import { DatabaseFeatureFlagStore } from './DatabaseFeatureFlagStore';
import type { FlaggedEntity } from './CatalogFlagIndex';

/**
 * The flag a capability's annotation names, as the StackPro pattern defines
 * it: `_ENABLED` turns the capability on (on in development only, explicit
 * elsewhere), `_VERSION` routes to an API version through variants, and
 * `_DEGRADED` forces degraded mode (off).
 */
export function seedFlag(
  entity: FlaggedEntity,
  name: string,
  environments: string[],
): Omit<ProviderFlag, 'createdAt' | 'stale'> {
  const cap = parseCapabilityFlag(name);
  const capability = cap?.capability ?? entity.entityRef.split('/').pop()!;
  const tags = [
    { type: 'capability', value: capability },
    ...(entity.stack ? [{ type: 'stack', value: entity.stack }] : []),
  ];
  const envs = (
    enabled: (env: string) => boolean,
    variants: FlagEnvironment['variants'] = [],
  ): FlagEnvironment[] =>
    environments.map(env => ({
      name: env,
      enabled: enabled(env),
      strategies: [defaultRollout(name)],
      variants,
    }));
  switch (cap?.kind) {
    case 'ENABLED':
      return {
        name,
        project: entity.project,
        type: 'release',
        description: `Turns the ${capability} capability on (${entity.entityRef}).`,
        tags,
        environments: envs(env => env === 'development'),
      };
    case 'VERSION':
      return {
        name,
        project: entity.project,
        type: 'experiment',
        description: `Which API version of the ${capability} capability a tenant is routed to: the variant's payload.`,
        tags,
        environments: envs(
          () => true,
          [
            {
              name: 'v1',
              weight: 1000,
              weightType: 'variable',
              stickiness: 'default',
              payload: { type: 'string', value: 'v1' },
            },
          ],
        ),
      };
    case 'DEGRADED':
      return {
        name,
        project: entity.project,
        type: 'operational',
        description: `Forces the ${capability} capability into degraded mode (answers degraded: true).`,
        tags,
        environments: envs(() => false),
      };
    default:
      return {
        name,
        project: entity.project,
        type: 'release',
        description: `Named by ${entity.entityRef}.`,
        tags,
        environments: envs(() => false),
      };
  }
}

/** Creates the flags the catalog names and the local store lacks; never changes an existing one. */
export async function seedFromCatalog(options: {
  store: DatabaseFeatureFlagStore;
  entities: FlaggedEntity[];
  environments: string[];
  logger: LoggerService;
}): Promise<number> {
  let created = 0;
  for (const entity of options.entities) {
    for (const name of entity.flags) {
      if (
        await options.store.insertFlag(
          seedFlag(entity, name, options.environments),
          { ifMissing: true, createdBy: entity.entityRef },
        )
      ) {
        created++;
      }
    }
  }
  if (created)
    options.logger.info(
      `Seeded ${created} feature flags from catalog annotations`,
    );
  return created;
}
