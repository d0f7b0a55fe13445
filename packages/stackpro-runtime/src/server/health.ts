import type { CapabilityFlags, FlagSourceState } from '../flags/FlagSource';

/** One entry of `checks[]` in `GET /v1/health`. */
export interface HealthCheck {
  name: string;
  status: 'ok' | 'degraded' | 'down';
  latencyMs?: number;
}

/** The contract's `Health` answer. */
export interface HealthBody {
  status: 'ok' | 'degraded' | 'down';
  capability: string;
  version: string;
  flags: { enabled: boolean; version: string; forcedDegraded: boolean };
  checks: HealthCheck[];
  checkedAt: string;
  degraded: boolean;
  [key: string]: unknown;
}

const FLAG_CHECK_STATUS: Record<
  FlagSourceState['status'],
  HealthCheck['status']
> = {
  ok: 'ok',
  stale: 'degraded',
  unavailable: 'down',
};

/** The flags check: `ok` in sync, `degraded` on last known values, `down` never read. */
export function flagsCheck(state: FlagSourceState): HealthCheck {
  return {
    name: 'flags',
    status: FLAG_CHECK_STATUS[state.status],
  };
}

/**
 * The health of a capability from its flags and its dependencies' checks:
 * - `down` (503) when the flags were never read, the capability is disabled
 *   (`CAP_<X>_ENABLED` off: `flags.enabled` false tells it apart) or a fault
 *   was injected;
 * - `degraded` (200, `degraded: true`) when `CAP_<X>_DEGRADED` forces it, a
 *   dependency is down (answers come from fallbacks) or the flags are stale;
 * - `ok` (200) otherwise.
 */
export function healthOf(input: {
  capability: string;
  contractVersion: string;
  flags: CapabilityFlags | undefined;
  flagState: FlagSourceState;
  dependencyChecks: HealthCheck[];
  injectedFailure: boolean;
  now: Date;
}): { status: number; body: HealthBody } {
  const flags = input.flags ?? {
    enabled: false,
    version: 'v1',
    forcedDegraded: false,
  };
  const checks = [flagsCheck(input.flagState), ...input.dependencyChecks];
  if (input.injectedFailure)
    checks.push({ name: 'injected-fault', status: 'down' });
  const down = !input.flags || !flags.enabled || input.injectedFailure;
  const degraded =
    down || flags.forcedDegraded || checks.some(c => c.status !== 'ok');
  let status: HealthBody['status'] = 'ok';
  if (down) status = 'down';
  else if (degraded) status = 'degraded';
  return {
    status: down ? 503 : 200,
    body: {
      status,
      capability: input.capability,
      version: input.contractVersion,
      flags: {
        enabled: flags.enabled,
        version: flags.version,
        forcedDegraded: flags.forcedDegraded,
      },
      checks,
      checkedAt: input.now.toISOString(),
      degraded,
    },
  };
}
