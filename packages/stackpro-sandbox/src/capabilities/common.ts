import { randomBytes } from 'node:crypto';
import { DependencyUnavailableError } from '@internal/stackpro-runtime';

/** A record id as the contracts show them: `thr_8f3k2m`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(6)
    .toString('base64url')
    .replace(/[-_]/g, '')
    .toLowerCase()
    .slice(0, 8)}`;
}

/** The records of one kind, per tenant. */
export class TenantMap<T> {
  private readonly byTenant = new Map<string, Map<string, T>>();

  of(tenantId: string): Map<string, T> {
    let map = this.byTenant.get(tenantId);
    if (!map) {
      map = new Map();
      this.byTenant.set(tenantId, map);
    }
    return map;
  }
}

/** Whether an error means "answer from the fallback" rather than "fail". */
export function isUnavailable(
  error: unknown,
): error is DependencyUnavailableError {
  return error instanceof DependencyUnavailableError;
}

/** A field problem in the contracts' `details.fields` shape. */
export function fieldProblem(
  field: string,
  message: string,
  location = 'body',
) {
  return { fields: [{ in: location, field, message }] };
}
