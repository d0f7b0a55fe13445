import type {
  Flag,
  FlagType,
  Freshness,
  Project,
  Strategy,
  StrategyInput,
  Variant,
} from '@internal/backstage-plugin-feature-flags-common';

/** A flag as a provider knows it: without the portal's own annotations (last change, entities). */
export type ProviderFlag = Omit<Flag, 'lastChange' | 'entities'>;

export interface ProviderEnvironment {
  name: string;
  type: string;
}

/** Everything a provider holds, read at one moment. */
export interface FlagSnapshot extends Freshness {
  projects: Project[];
  environments: ProviderEnvironment[];
  flags: ProviderFlag[];
}

export interface FlagRef {
  project: string;
  flag: string;
}

export interface FlagEnvRef extends FlagRef {
  environment: string;
}

export interface CreateFlagInput {
  project: string;
  name: string;
  description: string;
  type: FlagType;
  tags: Array<{ type: string; value: string }>;
}

export type { StrategyInput };

/** The person a change is made for; providers write it where their API lets them. */
export interface Actor {
  userEntityRef: string;
}

/**
 * Where flags live: the portal's own database (`local`) or an Unleash server
 * (`unleash`). The service speaks only to this interface.
 */
export interface FlagProvider {
  readonly kind: 'local' | 'unleash';
  /**
   * All flags with their per-environment state, strategies and variants.
   * `fresh`: read the source now. `stale`: answer from memory at once (a
   * refresh may start in the background, unless `refresh` is false); for
   * lookups that the write itself re-checks at the source, and for previews.
   */
  snapshot(options?: {
    fresh?: boolean;
    stale?: boolean;
    refresh?: boolean;
  }): Promise<FlagSnapshot>;
  /**
   * Sets a flag's state in an environment; false when it already was in that
   * state (as far as the provider knew: Unleash's copy may be behind a change
   * made in Unleash directly, and the toggle is then still sent).
   */
  setEnabled(ref: FlagEnvRef, enabled: boolean, actor: Actor): Promise<boolean>;
  createFlag(input: CreateFlagInput, actor: Actor): Promise<void>;
  archiveFlag(ref: FlagRef, actor: Actor): Promise<void>;
  /** Replaces a strategy's parameters and constraints; `strategyId` undefined adds one. */
  saveStrategy(
    ref: FlagEnvRef,
    strategyId: string | undefined,
    input: StrategyInput,
    actor: Actor,
  ): Promise<Strategy>;
  /** Replaces the variants of a flag in an environment (Unleash's environment variants). */
  setVariants(
    ref: FlagEnvRef,
    variants: Variant[],
    actor: Actor,
  ): Promise<Variant[]>;
}
