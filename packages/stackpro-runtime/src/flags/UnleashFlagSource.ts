import { InMemStorageProvider, Unleash } from 'unleash-client';
import {
  CapabilityFlags,
  FlagContext,
  FlagSource,
  FlagSourceState,
  flagName,
} from './FlagSource';

/** How to reach an Unleash client API: a real Unleash (`https://unleash.example.com/api/`) or the portal's. */
export interface UnleashFlagSourceOptions {
  /** Unleash client API URL; the portal's own is `<backend.baseUrl>/api/feature-flags/`. */
  url: string;
  /** Client token (it chooses the environment). */
  token: string;
  /** Name this client registers under. */
  appName: string;
  /** Milliseconds between two fetches. Default: 5000. */
  refreshIntervalMs?: number;
  /** Each fetch gives up after this many milliseconds. Default: 3000. */
  timeoutMs?: number;
  /** Told once when the flag service fails and once when it is back. */
  onStateChange?: (state: FlagSourceState) => void;
}

const DEFAULT_VERSION = 'v1';

/**
 * The flags through `unleash-client`: a real Unleash or the portal's Unleash
 * client API, the same code for both (only the URL and token differ). Values
 * are kept in memory; when the service fails the last known values stay in
 * force and the state says `stale`.
 */
export class UnleashFlagSource implements FlagSource {
  private synced = false;
  private failure: string | undefined;
  private readonly readyWaiters: Array<() => void> = [];

  private constructor(
    private readonly unleash: Unleash,
    private readonly options: UnleashFlagSourceOptions,
  ) {
    unleash.on('synchronized', () => {
      this.synced = true;
      this.readyWaiters.splice(0).forEach(wake => wake());
    });
    const healthy = () => {
      if (this.failure !== undefined) {
        this.failure = undefined;
        options.onStateChange?.(this.state());
      }
    };
    unleash.on('changed', healthy);
    unleash.on('unchanged', healthy);
    // without a listener, an 'error' event would end the process
    unleash.on('error', (error: Error) => {
      const message = `flags at ${options.url} could not be read: ${error.message}`;
      if (this.failure === undefined) {
        this.failure = message;
        options.onStateChange?.(this.state());
      }
      this.failure = message;
    });
    unleash.on('warn', () => {});
  }

  static create(options: UnleashFlagSourceOptions): UnleashFlagSource {
    const unleash = new Unleash({
      appName: options.appName,
      url: options.url,
      customHeaders: { Authorization: options.token },
      refreshInterval: options.refreshIntervalMs ?? 5000,
      timeout: options.timeoutMs ?? 3000,
      storageProvider: new InMemStorageProvider(),
      disableMetrics: true,
      skipInstanceCountWarning: true,
    });
    return new UnleashFlagSource(unleash, options);
  }

  read(
    capability: string,
    context: FlagContext = {},
  ): CapabilityFlags | undefined {
    if (!this.synced) return undefined;
    const ctx = {
      properties: context.tenantId ? { tenantId: context.tenantId } : {},
    };
    const variant = this.unleash.getVariant(
      flagName(capability, 'VERSION'),
      ctx,
    );
    const payload =
      variant.enabled && variant.payload?.type === 'string'
        ? variant.payload.value
        : undefined;
    return {
      enabled: this.unleash.isEnabled(flagName(capability, 'ENABLED'), ctx),
      version:
        payload ||
        (variant.enabled && variant.name !== 'disabled'
          ? variant.name
          : DEFAULT_VERSION),
      forcedDegraded: this.unleash.isEnabled(
        flagName(capability, 'DEGRADED'),
        ctx,
      ),
    };
  }

  state(): FlagSourceState {
    if (!this.synced) {
      return {
        status: 'unavailable',
        message: this.failure ?? `flags at ${this.options.url} not read yet`,
      };
    }
    return this.failure
      ? { status: 'stale', message: this.failure }
      : { status: 'ok' };
  }

  ready(timeoutMs: number): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise(resolve => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  async close(): Promise<void> {
    this.unleash.destroy();
  }
}
