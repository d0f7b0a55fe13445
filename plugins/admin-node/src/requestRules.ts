/**
 * The request gate's few rules about requests themselves. They decide on the
 * method; the only paths they name are exemptions (reads that are sent as
 * POST), and an exemption holds only for the path's one plain spelling: any
 * other spelling (percent-encoded, doubled slashes, dot segments, absolute
 * URLs...) is simply not exempt, so a new spelling can only ever be refused.
 */

/** Methods that never change anything. Everything else is a change. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Reads sent as POST because their question is too long for a URL: the
 * permission checks every page makes, the catalog's batch lookup and entity
 * validation, and the user settings every page loads.
 */
const READS_BY_POST = new Set([
  '/api/permission/authorize',
  '/api/catalog/entities/by-refs',
  '/api/catalog/validate-entity',
  '/api/user-settings/multiget',
]);
/** An impersonation token may end its own session. */
const IMPERSONATION_WRITES = new Set(['/api/admin/impersonation/stop']);
/** Signing in and out keeps working during maintenance. */
const AUTH_PREFIX = '/api/auth/';

/** Characters and sequences a plain path never has. */
const NOT_PLAIN = /%|\\|\/\/|\/\.{1,2}(\/|$)|\.\/|\.$|[^\x21-\x7e]|;/;

/** Whether the request's method can change something. */
export function isMutating(req: { method: string }): boolean {
  return !SAFE_METHODS.has(req.method.toUpperCase());
}

/**
 * The request's path in its plain spelling, lower-cased (the backend routes
 * without regard to case) and without a trailing slash; undefined when the
 * request is not written plainly, which makes it exempt from nothing.
 */
export function plainPathOf(req: { url: string }): string | undefined {
  if (!req.url.startsWith('/')) return undefined; // absolute-form request target
  const path = req.url.split('?')[0];
  if (NOT_PLAIN.test(path)) return undefined;
  const lower = path.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}

/** A POST to one of `paths`, in its plain spelling. */
function isPostTo(
  req: { method: string; url: string },
  paths: Set<string>,
): boolean {
  const path = plainPathOf(req);
  return (
    req.method.toUpperCase() === 'POST' && path !== undefined && paths.has(path)
  );
}

/** A change an impersonation token may make anyway: the reads sent as POST, and stopping. */
export function isImpersonationWriteExempt(req: {
  method: string;
  url: string;
}): boolean {
  return isPostTo(req, READS_BY_POST) || isPostTo(req, IMPERSONATION_WRITES);
}

/** A change that maintenance mode lets through: reads sent as POST, signing in and out. */
export function isMaintenanceExempt(req: {
  method: string;
  url: string;
}): boolean {
  return (
    isPostTo(req, READS_BY_POST) ||
    (plainPathOf(req)?.startsWith(AUTH_PREFIX) ?? false)
  );
}
