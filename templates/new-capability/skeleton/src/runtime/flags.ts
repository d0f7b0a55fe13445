import unleashClient from 'unleash-client';

/** Where the capability reads its three flags (seed 002: CAP_<X>_ENABLED / _VERSION / _DEGRADED). */
export interface FlagSource {
  isEnabled(name: string): boolean;
  /** The variant's payload, for CAP_<X>_VERSION (`v1` when unset). */
  variant(name: string): string | undefined;
  close(): void;
}

/** Flags from environment variables (`CAP_<X>_ENABLED=true`): the seed's last fallback, and tests. */
export class EnvironmentFlags implements FlagSource {
  private readonly values: Record<string, string | undefined>;

  constructor(values: Record<string, string | undefined>) {
    this.values = values;
  }

  isEnabled(name: string): boolean {
    return this.values[name] === 'true';
  }

  variant(name: string): string | undefined {
    const value = this.values[name];
    return value && value !== 'true' && value !== 'false' ? value : undefined;
  }

  close(): void {}
}

/**
 * Flags read through unleash-client from Unleash, or from the portal's
 * Unleash-compatible client API on the embedded default
 * (`http://localhost:7007/api/feature-flags/`). Until the first answer every
 * flag is off; if Unleash stops answering the last answer is kept.
 */
export class UnleashFlags implements FlagSource {
  private readonly client: InstanceType<typeof unleashClient.Unleash>;

  private constructor(client: InstanceType<typeof unleashClient.Unleash>) {
    this.client = client;
  }

  static async start(options: {
    url: string;
    token: string;
    appName: string;
    environment?: string;
    refreshIntervalMs?: number;
    /** Wait at most this long for the first answer; then start with every flag off. */
    readyTimeoutMs?: number;
  }): Promise<UnleashFlags> {
    const client = new unleashClient.Unleash({
      url: options.url,
      appName: options.appName,
      environment: options.environment,
      customHeaders: { Authorization: options.token },
      refreshInterval: options.refreshIntervalMs ?? 5000,
      disableMetrics: true,
      timeout: 5000,
    });
    client.on('error', () => {
      // the last good flags stay in use; /v1/health reports what is read
    });
    await new Promise<void>(resolve => {
      const timer = setTimeout(resolve, options.readyTimeoutMs ?? 5000);
      client.once('synchronized', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return new UnleashFlags(client);
  }

  isEnabled(name: string): boolean {
    return this.client.isEnabled(name);
  }

  variant(name: string): string | undefined {
    const v = this.client.getVariant(name);
    return v.enabled && v.payload?.value ? String(v.payload.value) : undefined;
  }

  close(): void {
    this.client.destroy();
  }
}
