import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import type { ProposedChange } from '@internal/backstage-plugin-feature-flags-common';
import type {
  FlagProvider,
  FlagRef,
  FlagSnapshot,
  ProviderFlag,
} from '../providers/FlagProvider';

/**
 * Finds what a request names in the provider's copy of the flags: 404s name
 * the unknown project, flag, environment or strategy; 503 when the flag may
 * exist but Unleash cannot be asked.
 */
export class FlagFinder {
  private constructor(private readonly provider: FlagProvider) {}

  static create(provider: FlagProvider) {
    return new FlagFinder(provider);
  }

  /** The flag, from the cached copy; asked at the source once when that copy does not have it yet. */
  async flag(
    project: string,
    name: string,
    refresh = true,
  ): Promise<{ snapshot: FlagSnapshot; flag: ProviderFlag }> {
    // the provider checks the flag again at the source when it writes
    let snapshot = await this.provider.snapshot({ stale: true, refresh });
    const find = () =>
      snapshot.flags.find(f => f.project === project && f.name === name);
    if (!find() && this.provider.kind !== 'local') {
      // a copy from before the flag was created (a moment ago, or in Unleash directly): ask the source once
      snapshot = await this.provider.snapshot({ fresh: true });
      if (snapshot.degraded && !find()) {
        throw new ServiceUnavailableError(
          `${name} is not in the last good copy and Unleash is not answering (${snapshot.reason}); nothing was changed`,
        );
      }
    }
    if (!snapshot.projects.some(p => p.id === project))
      throw new NotFoundError(`Project ${project} not found`);
    const flag = find();
    if (!flag)
      throw new NotFoundError(`Flag ${name} not found in project ${project}`);
    return { snapshot, flag };
  }

  checkEnvironment(snapshot: FlagSnapshot, environment: string) {
    if (!snapshot.environments.some(e => e.name === environment)) {
      throw new NotFoundError(
        `Environment ${environment} not found; the environments are ${snapshot.environments
          .map(e => e.name)
          .join(', ')}`,
      );
    }
  }

  /**
   * What a change names exists (a create: its project, on a current copy:
   * 503 when the provider's copy is not current); the snapshot it was
   * checked against. A name already taken is the provider's 409.
   */
  async changeTarget(
    ref: FlagRef,
    environment: string | undefined,
    change: ProposedChange,
  ): Promise<FlagSnapshot> {
    if (change.kind === 'create') {
      const snapshot = await this.provider.snapshot();
      if (snapshot.degraded) {
        throw new ServiceUnavailableError(
          `Unleash is not answering (${snapshot.reason}); the flag was not created`,
        );
      }
      if (!snapshot.projects.some(p => p.id === ref.project))
        throw new NotFoundError(`Project ${ref.project} not found`);
      return snapshot;
    }
    const { snapshot } = await this.flag(ref.project, ref.flag, false);
    if (environment !== undefined) this.checkEnvironment(snapshot, environment);
    if (change.kind === 'strategy' && change.strategyId) {
      const env = snapshot.flags
        .find(f => f.project === ref.project && f.name === ref.flag)
        ?.environments.find(e => e.name === environment);
      if (env && !env.strategies.some(st => st.id === change.strategyId)) {
        throw new NotFoundError(
          `Strategy ${change.strategyId} not found on ${ref.flag} in ${environment}`,
        );
      }
    }
    return snapshot;
  }
}
