export interface Config {
  /** Stack Portal's feature flags (plugin id `feature-flags`). */
  featureFlags?: {
    /**
     * `local` (flags in the portal's database, the embedded default) or
     * `unleash` (a real Unleash server, see `unleash`). Defaults to `unleash`
     * when `unleash.url` is set, `local` otherwise.
     */
    provider?: 'local' | 'unleash';
    /** Environments of the local provider. Default: development, staging, production. */
    environments?: string[];
    /** Toggles here become change requests that a second admin approves. Default: [production]. */
    protectedEnvironments?: string[];
    /** Lets the owners of an entity naming a flag toggle it in non-protected environments. Default: false. */
    ownersMayToggle?: boolean;
    /** Project of flags whose entity names none, and of new flags. Default: default. */
    defaultProject?: string;
    /** Who is notified of a pending change request (entity refs). Default: stackPortal.roles.admin. */
    approvers?: string[];
    /**
     * Tokens with which an `unleash-client` reads the local provider's flags at
     * `/api/feature-flags/client/features`; each is bound to one environment.
     */
    clientTokens?: Array<{
      /** @visibility secret */
      token: string;
      environment: string;
    }>;
    /** The search collator (`feature-flags-backend/search`). */
    search?: {
      /** How often the flags are re-indexed. Default every 10 minutes. */
      schedule?: {
        frequency?: { minutes?: number; seconds?: number };
        timeout?: { minutes?: number; seconds?: number };
        initialDelay?: { minutes?: number; seconds?: number };
      };
    };
  };
  /** An Unleash server the feature-flags plugin manages through its Admin API. */
  unleash?: {
    /** Base URL, e.g. https://unleash.example.com */
    url: string;
    /**
     * An admin API token.
     * @visibility secret
     */
    adminToken: string;
    /** Each call to Unleash gives up after this many milliseconds. Default: 2000. */
    timeoutMs?: number;
    /**
     * Reads younger than this many milliseconds answer from memory; older
     * ones refresh (in the background once a copy exists). Default: 15000,
     * the refresh interval of Unleash's own SDKs. The portal's own changes
     * show at once whatever this is.
     */
    cacheTtlMs?: number;
    /** The bulk read of all flags gives up after this many milliseconds. Default: 10000. */
    snapshotTimeoutMs?: number;
    /**
     * Unleash's feature search (the potentially stale and completed marks) is
     * read at most this often, apart from the flags. Unleash 8 allows 15
     * searches a minute per client address, shared by every replica behind
     * one egress; each read makes two. Default: 300000.
     */
    searchIntervalMs?: number;
  };
}
