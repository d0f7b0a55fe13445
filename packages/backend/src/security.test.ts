/*
 * The portal's backend as it runs (src/index.ts, every plugin ours and
 * Backstage's), attacked the way a person with an ordinary account or an
 * impersonation token would: every route of every plugin, in every spelling
 * of its path, with every method that changes something, and with live,
 * stopped, forged and re-encoded tokens. The request gate and the permission
 * policy must hold on all of them.
 */
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import type { BackendFeature } from '@backstage/backend-plugin-api';

type Backend = ReturnType<typeof createBackend>;
import { IMPERSONATION_SESSION_HEADER } from '@internal/backstage-plugin-admin-common';
import type { Express } from 'express';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { collectRoutes, Route, spellingsOf } from './__testUtils__/routes';

jest.setTimeout(300_000);

const backendDir = resolve(__dirname, '..');
const ADMIN = 'user:default/amara.okafor';
const ENGINEER = 'user:default/eli.martin';

/** Reads sent as POST and the stop of one's own session: the gate's only exemptions. */
const EXEMPT_PLAIN = new Set([
  'POST /api/permission/authorize',
  'POST /api/catalog/entities/by-refs',
  'POST /api/catalog/validate-entity',
  'POST /api/user-settings/multiget',
  'POST /api/admin/impersonation/stop',
]);

let app: Express;
let routes: Route[];
let port: number;
let backend: Backend | undefined;

/**
 * The features src/index.ts adds, in its order: the test runs the portal's
 * own backend, whatever plugins are added to it later.
 */
function featuresOfIndex(): BackendFeature[] {
  const source = readFileSync(resolve(__dirname, 'index.ts'), 'utf8');
  const named = new Map<string, string>();
  for (const [, names, from] of source.matchAll(
    /import\s*\{([^}]*)\}\s*from\s*'([^']+)'/g,
  )) {
    for (const name of names
      .split(',')
      .map(n => n.trim())
      .filter(Boolean)) {
      named.set(name, from);
    }
  }
  const features: BackendFeature[] = [];
  const adds = source.match(/backend\.add\(/g)?.length ?? 0;
  for (const [, dynamic, name] of source.matchAll(
    /backend\.add\(\s*(?:import\(\s*'([^']+)'\s*,?\s*\)|(\w+))\s*,?\s*\)/g,
  )) {
    if (dynamic) {
      features.push(require(dynamic).default);
    } else if (name !== undefined && named.has(name)) {
      features.push(require(named.get(name)!)[name]);
    } else {
      throw new Error(`src/index.ts adds ${name}, which this test cannot find`);
    }
  }
  if (features.length !== adds) {
    throw new Error(
      `src/index.ts has ${adds} backend.add calls; this test read ${features.length}`,
    );
  }
  return features;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, () => {
      const { port: free } = server.address() as { port: number };
      server.close(() => ok(free));
    });
  });
}

/** app-config.yaml as `./portal start` reads it, on a free port with in-memory databases. */
function portalConfig(listenPort: number) {
  const config = parseYaml(
    readFileSync(resolve(backendDir, '../../app-config.yaml'), 'utf8'),
  );
  const baseUrl = `http://localhost:${listenPort}`;
  return {
    ...config,
    app: { ...config.app, baseUrl },
    backend: {
      ...config.backend,
      baseUrl,
      listen: { port: listenPort },
      cors: { ...config.backend.cors, origin: baseUrl },
      database: { client: 'better-sqlite3', connection: ':memory:' },
    },
    auditLog: {
      ...config.auditLog,
      export: {
        signingKeyFile: join(
          mkdtempSync(join(tmpdir(), 'portal-security-')),
          'key.pem',
        ),
      },
    },
  };
}

beforeAll(async () => {
  process.chdir(backendDir); // the catalog's file locations are relative to it
  port = await freePort();
  const createServerSpy = jest.spyOn(http, 'createServer');
  backend = createBackend();
  // added first, so they replace the config and logger the backend would load
  backend.add(mockServices.rootConfig.factory({ data: portalConfig(port) }));
  backend.add(mockServices.rootLogger.factory({ level: 'error' }));
  for (const feature of featuresOfIndex()) backend.add(feature);
  await backend.start();
  // the root router's Express app: the listener of the server it created
  app = createServerSpy.mock.calls
    .flat()
    .find(arg => typeof arg === 'function') as unknown as Express;
  createServerSpy.mockRestore();
  routes = collectRoutes(app);
  // signing in needs the users, which the catalog reads from org.yaml after start
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await request(app)
      .get('/api/auth/development/refresh')
      .set('x-stack-portal-user', 'priya.nair');
    if (res.status === 200) break;
    if (Date.now() > deadline) {
      throw new Error(`Signing in never worked: ${res.status} ${res.text}`);
    }
    await new Promise(r => setTimeout(r, 500));
  }
});

afterAll(async () => {
  await backend?.stop();
});

async function signIn(name: string): Promise<string> {
  const res = await request(app)
    .get('/api/auth/development/refresh')
    .set('x-stack-portal-user', name);
  expect(res.status).toBe(200);
  return res.body.backstageIdentity.token;
}

async function impersonate(adminToken: string, target: string) {
  const start = await request(app)
    .post('/api/admin/impersonation/sessions')
    .auth(adminToken, { type: 'bearer' })
    .send({ target, reason: 'Security test: walking around the gate' });
  expect(start.status).toBe(201);
  const token = await request(app)
    .get('/api/auth/impersonation/refresh')
    .auth(adminToken, { type: 'bearer' })
    .set(IMPERSONATION_SESSION_HEADER, start.body.id);
  expect(token.status).toBe(200);
  return {
    sessionId: start.body.id as string,
    token: token.body.backstageIdentity.token as string,
  };
}

/** Sends a request with any method and any raw request target. */
function send(
  method: string,
  target: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: any }> {
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Promise((ok, fail) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: target,
        // one connection per request, whatever the server left unread
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': hasBody ? '2' : '0',
          ...headers,
        },
      },
      res => {
        let text = '';
        res.on('data', chunk => {
          text += chunk;
        });
        res.on('end', () => {
          let body: any;
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
          ok({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', fail);
    req.end(hasBody ? '{}' : undefined);
  });
}

const mutatingMethodsOf = (route: Route) =>
  route.methods.filter(m => !['GET', 'HEAD', 'OPTIONS'].includes(m));

describe('the backend, attacked', () => {
  it('knows the routes of every plugin it runs', () => {
    const plugins = new Set(routes.map(r => r.path.split('/')[2]));
    for (const plugin of [
      'auth',
      'catalog',
      'scaffolder',
      'permission',
      'search',
      'notifications',
      'user-settings',
      'admin',
      'audit-log',
      'feature-flags',
      'adr',
      'stacks',
    ]) {
      expect(plugins).toContain(plugin);
    }
    expect(routes.length).toBeGreaterThan(100);
  });

  it('refuses every change an impersonation makes, on every route, in every spelling and method', async () => {
    const adminToken = await signIn('amara.okafor');
    const { token } = await impersonate(adminToken, 'eli.martin');
    const headers = { Authorization: `Bearer ${token}` };
    const absolute = `http://127.0.0.1:${port}`;
    const leaks: string[] = [];
    const attempts: Array<[string, string, Route]> = [];
    const firstOfPlugin = new Set<string>();
    for (const [n, route] of routes.entries()) {
      const spellings = spellingsOf(route.samplePath, absolute);
      const methods = [...mutatingMethodsOf(route), 'PROPFIND'];
      const plugin = route.path.split('/')[2];
      if (methods.length > 1 && !firstOfPlugin.has(plugin)) {
        // one changing route of each plugin: every spelling with every method
        firstOfPlugin.add(plugin);
        for (const method of methods) {
          for (const target of spellings)
            attempts.push([method, target, route]);
        }
      } else {
        // every other route: every method, each with a different spelling
        for (const [m, method] of methods.entries()) {
          attempts.push([method, spellings[(n + m) % spellings.length], route]);
        }
      }
    }
    for (const [method, target, route] of attempts) {
      const sameRoute =
        target.split('?')[0].toLowerCase().replace(/\/$/, '') ===
        route.samplePath;
      if (EXEMPT_PLAIN.has(`${method} ${route.samplePath}`) && sameRoute)
        continue;
      const res = await send(method, target, headers);
      if (
        res.status !== 403 ||
        !/^Read-only/.test(res.body?.error?.message ?? '')
      ) {
        leaks.push(
          `${method} ${target} -> ${res.status} ${JSON.stringify(
            res.body,
          ).slice(0, 200)}`,
        );
      }
    }
    expect(leaks).toEqual([]);
    expect(attempts.length).toBeGreaterThan(routes.length);
    // the exempt reads still work, in their plain spelling and any case
    for (const target of [
      '/api/permission/authorize',
      '/API/Permission/Authorize/',
    ]) {
      const res = await send('POST', target, headers);
      expect({ target, status: res.status }).toEqual({ target, status: 400 }); // no items sent
    }
    const stop = await request(app)
      .post('/api/admin/impersonation/stop')
      .auth(token, { type: 'bearer' })
      .send({});
    expect(stop.status).toBe(200);
  });

  it('never lets an impersonation of a compliance user export the audit log or handle data subjects', async () => {
    const adminToken = await signIn('amara.okafor');
    const own = await signIn('priya.nair');
    const { token } = await impersonate(adminToken, 'priya.nair');
    const reads = [
      '/api/audit-log/export?format=csv',
      `/api/audit-log/subjects/export?ref=${encodeURIComponent(ENGINEER)}`,
      '/api/audit-log/reports',
    ];
    for (const path of reads) {
      expect(
        (await send('GET', path, { Authorization: `Bearer ${own}` })).status,
      ).toBe(200);
      for (const target of [path, path.replace('/api/', '/API/')]) {
        const res = await send('GET', target, {
          Authorization: `Bearer ${token}`,
        });
        expect({ target, status: res.status }).toEqual({ target, status: 403 });
      }
    }
    const erase = await send('POST', '/api/audit-log/subjects/erase', {
      Authorization: `Bearer ${token}`,
    });
    expect(erase.status).toBe(403);
    const stop = await request(app)
      .post('/api/admin/impersonation/stop')
      .auth(token, { type: 'bearer' })
      .send({});
    expect(stop.status).toBe(200);
  });

  it("refuses a stopped session's token on every route and path, for reads too", async () => {
    const adminToken = await signIn('amara.okafor');
    const { token } = await impersonate(adminToken, 'eli.martin');
    const stop = await request(app)
      .post('/api/admin/impersonation/stop')
      .auth(token, { type: 'bearer' })
      .send({});
    expect(stop.status).toBe(200);
    const leaks: string[] = [];
    for (const [n, route] of routes.entries()) {
      const spellings = spellingsOf(route.samplePath);
      for (const [m, method] of [
        'GET',
        ...mutatingMethodsOf(route),
      ].entries()) {
        const target = spellings[(n + m) % spellings.length];
        const res = await send(method, target, {
          Authorization: `Bearer ${token}`,
        });
        if (res.status !== 401)
          leaks.push(`${method} ${target} -> ${res.status}`);
      }
    }
    for (const target of [
      '/',
      '/catalog',
      '/.backstage/health/v1/liveness/x',
    ]) {
      const res = await send('GET', target, {
        Authorization: `Bearer ${token}`,
      });
      if (res.status !== 401) leaks.push(`GET ${target} -> ${res.status}`);
    }
    expect(leaks).toEqual([]);
  });

  it('during maintenance refuses every change of an engineer or a forged admin, naming only who is verified', async () => {
    const adminToken = await signIn('amara.okafor');
    const engineer = await signIn('eli.martin');
    const on = await request(app)
      .put('/api/admin/maintenance')
      .auth(adminToken, { type: 'bearer' })
      .send({ enabled: true, message: 'Security test until 10:00 UTC' });
    expect(on.status).toBe(200);
    const [header, payload, signature] = engineer.split('.');
    const forgedAdmin = [
      header,
      Buffer.from(
        JSON.stringify({
          ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
          sub: ADMIN,
        }),
      ).toString('base64url'),
      signature,
    ].join('.');
    const leaks: string[] = [];
    try {
      for (const [n, route] of routes.entries()) {
        if (route.path.startsWith('/api/auth/')) continue; // signing in keeps working
        const spellings = spellingsOf(route.samplePath);
        for (const [m, method] of mutatingMethodsOf(route).entries()) {
          const target = spellings[(n + m) % spellings.length];
          const sameRoute =
            target.split('?')[0].toLowerCase().replace(/\/$/, '') ===
            route.samplePath;
          if (EXEMPT_PLAIN.has(`${method} ${route.samplePath}`) && sameRoute)
            continue;
          for (const token of [engineer, forgedAdmin]) {
            const res = await send(method, target, {
              Authorization: `Bearer ${token}`,
            });
            if (res.status !== 503)
              leaks.push(`${method} ${target} -> ${res.status}`);
          }
        }
      }
    } finally {
      await request(app)
        .put('/api/admin/maintenance')
        .auth(adminToken, { type: 'bearer' })
        .send({ enabled: false });
    }
    expect(leaks).toEqual([]);
    const events = await request(app)
      .get('/api/audit-log/events?action=maintenance-write-refused&limit=500')
      .auth(await signIn('priya.nair'), { type: 'bearer' });
    expect(events.status).toBe(200);
    const actors = new Set(
      events.body.items.map(
        (e: any) => e.actor.ref ?? `none:${e.meta?.unverifiedClaims?.sub}`,
      ),
    );
    expect(actors).toEqual(new Set([ENGINEER, `none:${ADMIN}`]));
  });
});
