/** The config key that lets stack traces into error responses (a developer's own machine only). */
export const SHOW_STACK_TRACES_KEY = 'stackPortal.errors.showStackTraces';

interface JsonResponse {
  statusCode: number;
  json: (body: unknown) => unknown;
}

/**
 * Express middleware that takes `error.stack` out of every JSON error body
 * (Backstage's `{ error, request, response }` shape) unless `show` is true.
 * Backstage's error handler adds the stack whenever NODE_ENV is
 * `development`, which `backstage-cli package start` (and so `./portal
 * start`) sets: without this the portal's users would read the server's
 * file paths in every 4xx. The stack stays in the server's log.
 */
export function hideStackTraces(options: { show: boolean }) {
  return (_req: unknown, res: JsonResponse, next: () => void) => {
    if (!options.show) {
      const json = res.json;
      res.json = function jsonWithoutStack(this: unknown, body: unknown) {
        return json.call(
          this,
          res.statusCode >= 400 ? withoutStack(body) : body,
        );
      };
    }
    next();
  };
}

/** The body with the stack of its `error` (and of the error's cause) removed. */
export function withoutStack(body: unknown): unknown {
  if (!body || typeof body !== 'object' || !('error' in body)) return body;
  const { error } = body as { error: unknown };
  return { ...(body as object), error: strip(error) };
}

function strip(error: unknown): unknown {
  if (!error || typeof error !== 'object') return error;
  const {
    stack: _stack,
    cause,
    ...rest
  } = error as {
    stack?: unknown;
    cause?: unknown;
  };
  return cause === undefined ? rest : { ...rest, cause: strip(cause) };
}
