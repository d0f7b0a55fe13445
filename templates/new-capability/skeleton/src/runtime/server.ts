import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FlagSource } from './flags.ts';
import {
  MetricsRecorder,
  observe,
  stdoutLog,
  type LogWriter,
  type ObservedFields,
} from './observability.ts';

/** One operation of the contract, as the SDK generator wrote it to src/generated/routes.ts. */
export interface RouteSpec {
  operationId: string;
  method: 'GET' | 'POST';
  /** `/v1/orders` or `/v1/orders/{id}` */
  path: string;
  /** list and create work on a collection, get on one item of it */
  kind: 'list' | 'create' | 'get';
  /** the collection's name: the list's property in the answer */
  collection: string;
}

export interface FlagNames {
  enabled: string;
  version: string;
  degraded: string;
}

/** Consecutive failures that open the circuit breaker, and how long it stays open. */
const BREAKER_THRESHOLD = 5;
const BREAKER_OPEN_MS = 30_000;
const MAX_BODY_BYTES = 64 * 1024;
const MAX_NAME_LENGTH = 200;

type Res = ServerResponse & ObservedFields;

interface Item {
  id: string;
  name: string;
  createdAt: string;
}

class HttpProblem extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function send(res: Res, status: number, body: Record<string, unknown>) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body));
}

function refuse(res: Res, problem: HttpProblem, degraded = false) {
  res.degraded = degraded;
  send(res, problem.status, {
    error: {
      code: problem.code,
      message: problem.message,
      requestId: res.requestId,
    },
    degraded,
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new HttpProblem(
        413,
        'TOO_LARGE',
        `The body is over ${MAX_BODY_BYTES} bytes`,
      );
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  } catch {
    throw new HttpProblem(400, 'INVALID_JSON', 'The body is not JSON');
  }
}

function matcher(path: string): RegExp {
  const pattern = path
    .split('/')
    .map(part =>
      /^\{.+\}$/.test(part)
        ? '([^/]+)'
        : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${pattern}$`);
}

/**
 * The capability's handler: GET /v1/health (no credentials), the contract's
 * operations behind CAP_<X>_ENABLED (off: 503 with `degraded: true`),
 * answers degraded when CAP_<X>_DEGRADED is on or the breaker is open, and
 * the observability middleware on every request.
 */
export function createCapabilityServer(options: {
  capability: string;
  flags: FlagSource;
  flagNames: FlagNames;
  routes: RouteSpec[];
  metrics?: MetricsRecorder;
  log?: LogWriter;
}): { server: http.Server; metrics: MetricsRecorder } {
  const { capability, flags, flagNames } = options;
  const metrics = options.metrics ?? new MetricsRecorder();
  const routes = options.routes.map(r => ({ ...r, regex: matcher(r.path) }));
  // items per tenant and collection; a real capability replaces this with its store
  const data = new Map<string, Item[]>();
  let failures = 0;
  let openUntil = 0;
  const breakerOpen = () => Date.now() < openUntil;
  const middleware = observe({
    capability,
    metrics,
    log: options.log ?? stdoutLog,
    breakerOpen,
  });

  function health(res: Res) {
    const enabled = flags.isEnabled(flagNames.enabled);
    const degraded =
      enabled && (flags.isEnabled(flagNames.degraded) || breakerOpen());
    res.route = '/v1/health';
    res.degraded = degraded;
    let status = 'ok';
    if (!enabled) status = 'disabled';
    else if (degraded) status = 'degraded';
    send(res, 200, {
      status,
      capability,
      version: flags.variant(flagNames.version) ?? 'v1',
      flags: { enabled, degraded: flags.isEnabled(flagNames.degraded) },
      breakerOpen: breakerOpen(),
      degraded,
    });
  }

  async function operation(
    req: IncomingMessage,
    res: Res,
    route: (typeof routes)[number],
    id?: string,
  ) {
    res.route = route.path;
    if (!flags.isEnabled(flagNames.enabled)) {
      throw Object.assign(
        new HttpProblem(
          503,
          'CAPABILITY_DISABLED',
          `${flagNames.enabled} is off`,
        ),
        { degraded: true },
      );
    }
    const tenant = req.headers['x-tenant-id'];
    if (typeof tenant !== 'string' || !tenant.trim()) {
      throw new HttpProblem(
        400,
        'TENANT_REQUIRED',
        'The X-Tenant-Id header is required',
      );
    }
    const key = `${tenant}\u0000${route.collection}`;
    const degraded = flags.isEnabled(flagNames.degraded) || breakerOpen();
    if (route.kind === 'list') {
      res.degraded = degraded;
      send(res, 200, {
        [route.collection]: degraded ? [] : data.get(key) ?? [],
        degraded,
      });
      return;
    }
    if (degraded) {
      throw Object.assign(
        new HttpProblem(
          503,
          'DEGRADED',
          `${capability} is degraded: try again later`,
        ),
        { degraded: true },
      );
    }
    if (route.kind === 'get') {
      const item = (data.get(key) ?? []).find(i => i.id === id);
      if (!item)
        throw new HttpProblem(
          404,
          'NOT_FOUND',
          `No item ${id} in ${route.collection}`,
        );
      send(res, 200, { item, degraded: false });
      return;
    }
    const body = (await readJson(req)) as { name?: unknown } | null;
    const name = typeof body?.name === 'string' ? body.name.trim() : '';
    if (!name || name.length > MAX_NAME_LENGTH) {
      throw new HttpProblem(
        400,
        'INVALID_BODY',
        `name is required: a string of 1 to ${MAX_NAME_LENGTH} characters`,
      );
    }
    const item: Item = {
      id: randomUUID(),
      name,
      createdAt: new Date().toISOString(),
    };
    data.set(key, [...(data.get(key) ?? []), item]);
    send(res, 201, { item, degraded: false });
  }

  const server = http.createServer(async (req, res: Res) => {
    middleware(req, res);
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/v1/health') {
        if (req.method !== 'GET')
          throw new HttpProblem(
            405,
            'METHOD_NOT_ALLOWED',
            'Only GET /v1/health',
          );
        health(res);
        return;
      }
      const candidates = routes.filter(r => r.regex.test(path));
      if (!candidates.length)
        throw new HttpProblem(
          404,
          'NOT_FOUND',
          `No route ${path} in the contract`,
        );
      const route = candidates.find(r => r.method === req.method);
      if (!route) {
        throw new HttpProblem(
          405,
          'METHOD_NOT_ALLOWED',
          `${req.method} is not in the contract for ${path}`,
        );
      }
      const id = route.regex.exec(path)?.[1];
      await operation(
        req,
        res,
        route,
        id === undefined ? undefined : decodeURIComponent(id),
      );
      failures = 0;
    } catch (error) {
      if (error instanceof HttpProblem) {
        refuse(res, error, Boolean((error as { degraded?: boolean }).degraded));
        return;
      }
      failures += 1;
      if (failures >= BREAKER_THRESHOLD)
        openUntil = Date.now() + BREAKER_OPEN_MS;
      refuse(
        res,
        new HttpProblem(
          500,
          'INTERNAL',
          'The capability failed; the request id names the log line',
        ),
        true,
      );
    }
  });
  return { server, metrics };
}
