import {
  CapabilityFlags,
  FlagSource,
  FlagSourceState,
  flagName,
} from './FlagSource';

/**
 * Seed 002's last flag source: environment variables (`CAP_MESSAGING_ENABLED=true`,
 * `CAP_MESSAGING_VERSION=v1`, `CAP_MESSAGING_DEGRADED=false`), read on every
 * request so that a change takes effect at once. Unset means off (the seed's
 * "default off"), version `v1`. For a capability run without any flag service,
 * and for tests of other parts that only need a capability to be on.
 */
export class EnvironmentFlagSource implements FlagSource {
  private constructor(
    private readonly env: Record<string, string | undefined>,
  ) {}

  static create(
    env: Record<string, string | undefined> = process.env,
  ): EnvironmentFlagSource {
    return new EnvironmentFlagSource(env);
  }

  read(capability: string): CapabilityFlags {
    const on = (value: string | undefined) =>
      /^(true|1|on|yes)$/i.test(value?.trim() ?? '');
    return {
      enabled: on(this.env[flagName(capability, 'ENABLED')]),
      version: this.env[flagName(capability, 'VERSION')]?.trim() || 'v1',
      forcedDegraded: on(this.env[flagName(capability, 'DEGRADED')]),
    };
  }

  state(): FlagSourceState {
    return { status: 'ok' };
  }

  async ready(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}
