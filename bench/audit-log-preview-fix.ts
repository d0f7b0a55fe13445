// A bench-only preview of a suggested fix, for bench/audit-log.ts and
// bench/audit-export-server.ts. It changes no product code: it wraps one
// DatabaseAuditStore instance.
//
// The defect it previews: DatabaseAuditStore.applyFilter is `async` and ends
// with `return query`, the knex query builder it was given. A builder is a
// thenable, so resolving the async function's promise runs it: every
// `await this.applyFilter(query, filter)` (query, count, dailyActivity,
// iterate) first fetches EVERY row matching the filter, without order or
// limit, and throws it away, before the caller adds orderBy/limit and runs the
// real statement. The suggested fix is to end applyFilter without returning
// the builder (`Promise<void>`).
//
// The preview hands applyFilter a proxy of the builder whose `then` is hidden,
// so returning it no longer runs it; everything else is the original code.
import { DatabaseAuditStore } from '@internal/backstage-plugin-audit-log-node';

export function previewApplyFilterFix(
  store: DatabaseAuditStore,
): DatabaseAuditStore {
  const original = (store as any).applyFilter as (
    query: unknown,
    filter: unknown,
  ) => Promise<unknown>;
  (store as any).applyFilter = async function applyFilterWithoutReturn(
    query: object,
    filter: unknown,
  ) {
    const shield = new Proxy(query, {
      get(target, prop) {
        if (prop === 'then') return undefined;
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await original.call(this, shield, filter);
  };
  return store;
}
