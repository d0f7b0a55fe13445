/** A capability's flags as one request sees them. */
export interface CapabilityFlags {
  /** `CAP_<X>_ENABLED` */
  enabled: boolean;
  /** `CAP_<X>_VERSION`: the variant's payload (`v1`), `v1` when the flag gives none. */
  version: string;
  /** `CAP_<X>_DEGRADED` */
  forcedDegraded: boolean;
}

/**
 * Whether the flags can be trusted: `ok` (in sync), `stale` (the flag
 * service failed since the last sync: the last known values are used) or
 * `unavailable` (never read: nobody knows whether the capability is on).
 */
export interface FlagSourceState {
  status: 'ok' | 'stale' | 'unavailable';
  /** What went wrong, for the health check and the log. */
  message?: string;
}

/** Who a flag is evaluated for (Unleash constraints on `tenantId`). */
export interface FlagContext {
  tenantId?: string;
}

/** Where a capability reads `CAP_<X>_ENABLED`, `_VERSION` and `_DEGRADED`. */
export interface FlagSource {
  /** The flags of a capability for a caller; undefined while the source has never been read. */
  read(capability: string, context?: FlagContext): CapabilityFlags | undefined;
  state(): FlagSourceState;
  /** Resolves once the first read succeeded, or after `timeoutMs` (false then). */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** The name of a capability's flag: `CAP_MESSAGING_DEGRADED`. */
export function flagName(
  capability: string,
  flag: 'ENABLED' | 'VERSION' | 'DEGRADED',
): string {
  return `CAP_${capability.toUpperCase()}_${flag}`;
}
