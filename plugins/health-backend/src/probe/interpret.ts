import { ProbeStatus } from '@internal/backstage-plugin-health-common';
import type { ProbeFlags } from './HttpProber';

const HTTP_OK_MIN = 200;
const HTTP_OK_MAX = 299;
const MAX_VERSION_LENGTH = 64;

function parseBody(body: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

function flagsOf(
  body: Record<string, unknown> | undefined,
): ProbeFlags | undefined {
  const flags = body?.flags;
  if (!flags || typeof flags !== 'object') return undefined;
  const f = flags as Record<string, unknown>;
  return {
    enabled: typeof f.enabled === 'boolean' ? f.enabled : undefined,
    version:
      typeof f.version === 'string'
        ? f.version.slice(0, MAX_VERSION_LENGTH)
        : undefined,
    forcedDegraded:
      typeof f.forcedDegraded === 'boolean' ? f.forcedDegraded : undefined,
  };
}

/**
 * A health answer's status. A StackPro answer is `{ status, degraded,
 * version, checks[] }`: `degraded: true` or `status: degraded` is degraded;
 * `status: down` with `flags.enabled: false` is a disabled capability, not
 * an outage. Another 2xx answer is up; anything else is down.
 */
export function interpretAnswer(answer: { status: number; body: string }): {
  status: ProbeStatus;
  error?: string;
  version?: string;
  flags?: ProbeFlags;
} {
  const body = parseBody(answer.body);
  const flags = flagsOf(body);
  const version =
    typeof body?.version === 'string'
      ? body.version.slice(0, MAX_VERSION_LENGTH)
      : undefined;
  const reported = typeof body?.status === 'string' ? body.status : undefined;
  if (flags?.enabled === false) return { status: 'disabled', version, flags };
  const ok = answer.status >= HTTP_OK_MIN && answer.status <= HTTP_OK_MAX;
  if (!ok) {
    const failing = Array.isArray(body?.checks)
      ? (body!.checks as Array<Record<string, unknown>>)
          .filter(c => c && c.status === 'down' && typeof c.name === 'string')
          .map(c => c.name as string)
      : [];
    return {
      status: 'down',
      error: `HTTP ${answer.status}${
        failing.length ? `; failing: ${failing.join(', ')}` : ''
      }`,
      version,
      flags,
    };
  }
  if (reported === 'down') {
    return {
      status: 'down',
      error: 'the endpoint reports status "down"',
      version,
      flags,
    };
  }
  if (body?.degraded === true || reported === 'degraded') {
    return { status: 'degraded', version, flags };
  }
  return { status: 'up', version, flags };
}
