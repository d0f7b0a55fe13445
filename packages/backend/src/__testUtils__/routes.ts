import type { Express } from 'express';

/** A route a plugin registered, with a path that reaches it. */
export interface Route {
  /** As registered, e.g. `/api/catalog/entities/by-name/:kind/:namespace/:name`. */
  path: string;
  /** The path with each parameter filled in. */
  samplePath: string;
  /** Upper-case methods, as Express knows them. */
  methods: string[];
}

interface Layer {
  regexp?: RegExp & { fast_slash?: boolean };
  route?: {
    path: string | RegExp | string[];
    methods: Record<string, boolean>;
  };
  handle?: { stack?: Layer[] };
  name?: string;
}

/** The path an Express 4 `use(path, ...)` layer was mounted at. */
function mountPathOf(layer: Layer): string | undefined {
  if (!layer.regexp || layer.regexp.fast_slash) return '';
  const source = layer.regexp.source
    .replace(/^\^/, '')
    .replace(/\\\/\?\(\?=\\\/\|\$\)$/, '')
    .replace(/\\\//g, '/');
  // parameters or patterns in a mount path: not a plain prefix
  return /[()[\]*+?|$]/.test(source) ? undefined : source;
}

function walk(stack: Layer[], prefix: string, into: Map<string, Set<string>>) {
  for (const layer of stack) {
    if (layer.route) {
      const paths = ([] as Array<string | RegExp>).concat(layer.route.path);
      for (const path of paths) {
        if (typeof path !== 'string') continue;
        const full = `${prefix}${path}`.replace(/\/+/g, '/');
        const methods = into.get(full) ?? new Set<string>();
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (!on) continue;
          if (method === '_all') {
            ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].forEach(m =>
              methods.add(m),
            );
          } else {
            methods.add(method.toUpperCase());
          }
        }
        into.set(full, methods);
      }
    } else if (layer.handle?.stack) {
      const mount = mountPathOf(layer);
      if (mount !== undefined)
        walk(layer.handle.stack, `${prefix}${mount}`, into);
    }
  }
}

const SAMPLE_PARAMS: Record<string, string> = {
  kind: 'component',
  namespace: 'default',
  name: 'stackpro-messaging',
  provider: 'development',
  env: 'production',
  environment: 'production',
  project: 'stackpro',
  flag: 'CAP_MESSAGING_ENABLED',
};

/** Every route under `/api/` that the backend's Express app knows, plugin by plugin. */
export function collectRoutes(app: Express): Route[] {
  const found = new Map<string, Set<string>>();
  walk(((app as any)._router?.stack ?? []) as Layer[], '', found);
  return [...found.entries()]
    .filter(([path]) => path.startsWith('/api/'))
    .map(([path, methods]) => ({
      path,
      methods: [...methods].sort(),
      samplePath: path
        .replace(
          /:(\w+)(\([^)]*\))?\??/g,
          (_, name: string) => SAMPLE_PARAMS[name] ?? 'x',
        )
        .replace(/\*/g, 'x'),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Ways of writing a path that reach the same route, or a neighbour of it,
 * in the backend: case, trailing slash, doubled slashes, percent-encoding,
 * dot segments, matrix parameters, a query, an absolute request target.
 */
export function spellingsOf(path: string, absoluteBase?: string): string[] {
  const [, api, plugin, ...rest] = path.split('/');
  const tail = rest.join('/');
  const encodedFirst = `%${plugin.charCodeAt(0).toString(16)}${plugin.slice(
    1,
  )}`;
  const spellings = [
    path,
    `/${api.toUpperCase()}/${plugin}/${tail}`,
    `/${api}/${plugin.toUpperCase()}/${tail}`,
    `${path}/`,
    `/${path}`,
    `/${api}//${plugin}/${tail}`,
    `/${api}/${encodedFirst}/${tail}`,
    `/${api}%2F${plugin}/${tail}`,
    `/${api}/./${plugin}/${tail}`,
    `/${api}/x/../${plugin}/${tail}`,
    `${path};x=1`,
    `${path}?x=1`,
  ];
  if (absoluteBase) spellings.push(`${absoluteBase}${path}`);
  return spellings;
}
