import { NotFoundError } from '@backstage/errors';
import type {
  Strategy,
  Variant,
} from '@internal/backstage-plugin-feature-flags-common';
import { randomUUID } from 'node:crypto';
import { DatabaseFeatureFlagStore } from '../service/DatabaseFeatureFlagStore';
import type {
  Actor,
  CreateFlagInput,
  FlagEnvRef,
  FlagProvider,
  FlagRef,
  FlagSnapshot,
  ProviderEnvironment,
  StrategyInput,
} from './FlagProvider';

/** The strategy Unleash gives a flag that is simply on: everyone, sticky on the default. */
export function defaultRollout(flag: string, rollout = 100): Strategy {
  return {
    id: randomUUID(),
    name: 'flexibleRollout',
    disabled: false,
    parameters: {
      rollout: String(rollout),
      stickiness: 'default',
      groupId: flag,
    },
    constraints: [],
    variants: [],
  };
}

/**
 * The embedded default: flags in the portal's own database. There is no
 * remote to lose, so it is never degraded.
 */
export class LocalFlagProvider implements FlagProvider {
  readonly kind = 'local' as const;

  private constructor(
    private readonly store: DatabaseFeatureFlagStore,
    private readonly environments: ProviderEnvironment[],
    readonly project: string,
    private readonly seed?: () => Promise<boolean>,
  ) {}

  /**
   * `seed` creates the flags the catalog names; it runs before reads until it
   * has seen the catalog once, so the first page load already has them.
   */
  static create(options: {
    store: DatabaseFeatureFlagStore;
    environments: string[];
    defaultProject?: string;
    seed?: () => Promise<boolean>;
  }) {
    return new LocalFlagProvider(
      options.store,
      options.environments.map(name => ({
        name,
        type: name === 'production' ? 'production' : 'development',
      })),
      options.defaultProject ?? 'default',
      options.seed,
    );
  }

  private seeded = false;
  private seeding?: Promise<void>;

  private checkEnvironment(environment: string) {
    if (!this.environments.some(e => e.name === environment)) {
      throw new NotFoundError(
        `Environment ${environment} not found; the environments are ${this.environments
          .map(e => e.name)
          .join(', ')}`,
      );
    }
  }

  async snapshot(): Promise<FlagSnapshot> {
    if (this.seed && !this.seeded) {
      this.seeding ??= this.seed()
        .then(done => {
          this.seeded = done;
        })
        .finally(() => {
          this.seeding = undefined;
        });
      await this.seeding;
    }
    const flags = await this.store.listFlags(
      this.environments.map(e => e.name),
    );
    const projectIds = new Set([this.project, ...flags.map(f => f.project)]);
    return {
      provider: 'local',
      degraded: false,
      ageMs: 0,
      projects: [...projectIds].sort().map(id => ({ id, name: id })),
      environments: this.environments,
      flags,
    };
  }

  private async checkFlag(ref: FlagRef) {
    if (!(await this.store.flagExists(ref.project, ref.flag))) {
      throw new NotFoundError(
        `Flag ${ref.flag} not found in project ${ref.project}`,
      );
    }
  }

  async setEnabled(
    ref: FlagEnvRef,
    enabled: boolean,
    _actor: Actor,
  ): Promise<boolean> {
    this.checkEnvironment(ref.environment);
    await this.checkFlag(ref);
    const changed = await this.store.setEnabled(
      ref.project,
      ref.flag,
      ref.environment,
      enabled,
    );
    // as Unleash does: a flag switched on without a strategy gets the default rollout
    if (
      changed &&
      enabled &&
      (await this.store.getStrategies(ref.project, ref.flag, ref.environment))
        .length === 0
    ) {
      await this.store.setStrategies(ref.project, ref.flag, ref.environment, [
        defaultRollout(ref.flag),
      ]);
    }
    return changed;
  }

  async createFlag(input: CreateFlagInput, actor: Actor): Promise<void> {
    await this.store.insertFlag(
      {
        project: input.project,
        name: input.name,
        description: input.description,
        type: input.type,
        tags: input.tags,
        environments: this.environments.map(env => ({
          name: env.name,
          enabled: false,
          strategies: [defaultRollout(input.name)],
          variants: [],
        })),
      },
      { createdBy: actor.userEntityRef },
    );
  }

  async archiveFlag(ref: FlagRef): Promise<void> {
    await this.store.archiveFlag(ref.project, ref.flag);
  }

  async saveStrategy(
    ref: FlagEnvRef,
    strategyId: string | undefined,
    input: StrategyInput,
  ): Promise<Strategy> {
    this.checkEnvironment(ref.environment);
    await this.checkFlag(ref);
    const strategies = await this.store.getStrategies(
      ref.project,
      ref.flag,
      ref.environment,
    );
    let saved: Strategy;
    if (strategyId === undefined) {
      saved = {
        id: randomUUID(),
        name: input.name ?? 'flexibleRollout',
        title: input.title,
        disabled: input.disabled ?? false,
        parameters: input.parameters,
        constraints: input.constraints,
        variants: [],
      };
      strategies.push(saved);
    } else {
      const index = strategies.findIndex(s => s.id === strategyId);
      if (index < 0) {
        throw new NotFoundError(
          `Strategy ${strategyId} not found on ${ref.flag} in ${ref.environment}`,
        );
      }
      saved = {
        ...strategies[index],
        title: input.title ?? strategies[index].title,
        disabled: input.disabled ?? strategies[index].disabled,
        parameters: input.parameters,
        constraints: input.constraints,
      };
      strategies[index] = saved;
    }
    await this.store.setStrategies(
      ref.project,
      ref.flag,
      ref.environment,
      strategies,
    );
    return saved;
  }

  async setVariants(ref: FlagEnvRef, variants: Variant[]): Promise<Variant[]> {
    this.checkEnvironment(ref.environment);
    await this.checkFlag(ref);
    await this.store.setVariants(
      ref.project,
      ref.flag,
      ref.environment,
      variants,
    );
    return variants;
  }
}
