import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { IMPERSONATION_SESSION_HEADER } from '@internal/backstage-plugin-admin-common';
import {
  gatedRootHttpRouterServiceFactory,
  impersonationRealActorServiceFactory,
} from '@internal/backstage-plugin-admin-node';
import { auditLogEventExportPermission } from '@internal/backstage-plugin-audit-log-common';
import {
  auditorServiceFactory,
  AuditStore,
  auditStoreServiceRef,
} from '@internal/backstage-plugin-audit-log-node';
import devSignIn from '@internal/backstage-plugin-auth-backend-module-development-provider';
import impersonationSignIn from '@internal/backstage-plugin-auth-backend-module-impersonation-provider';
import permissionModuleAdmin from '@internal/backstage-plugin-permission-backend-module-admin';
import permissionModuleAuditLog from '@internal/backstage-plugin-permission-backend-module-audit-log';
import permissionModuleRoles from '@internal/backstage-plugin-permission-backend-module-roles';
import Router from 'express-promise-router';
import request from 'supertest';
import { JsonObject } from '@backstage/types';
import { createServer } from 'node:net';
import { adminPlugin } from './plugin';

jest.setTimeout(60_000);

const ADMIN = 'user:default/amara.okafor';
const OTHER_ADMIN = 'user:default/chen.wei';
const ENGINEER = 'user:default/eli.martin';
const COMPLIANCE = 'user:default/priya.nair';

function userEntity(name: string, group: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name },
    spec: { profile: { displayName: name }, memberOf: [group] },
    relations: [{ type: 'memberOf', targetRef: `group:default/${group}` }],
  };
}
function groupEntity(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name },
    spec: { type: 'team', profile: { displayName: name }, children: [] },
  };
}
const entities = [
  userEntity('amara.okafor', 'platform-admins'),
  userEntity('chen.wei', 'platform-admins'),
  userEntity('eli.martin', 'team-identity'),
  userEntity('priya.nair', 'compliance'),
  groupEntity('platform-admins'),
  groupEntity('team-identity'),
  groupEntity('compliance'),
];

const sent: Array<{
  recipients: unknown;
  payload: { title: string; description?: string };
}> = [];
const notificationsMock = createServiceFactory({
  service: notificationService,
  deps: {},
  factory: () => ({
    send: async (n: any) => {
      sent.push(n);
    },
  }),
});

/** Stands in for any other plugin: a read and a write, both audited. */
function probePlugin() {
  return createBackendPlugin({
    pluginId: 'probe',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          permissions: coreServices.permissions,
          auditor: coreServices.auditor,
        },
        async init({ httpRouter, httpAuth, permissions, auditor }) {
          const router = Router();
          // a plugin checking a permission on the caller's behalf: the policy
          // sees the limited token Backstage forwards, not the caller's own
          router.get('/export', async (req, res) => {
            const credentials = await httpAuth.credentials(req, {
              allow: ['user'],
            });
            const [decision] = await permissions.authorize(
              [{ permission: auditLogEventExportPermission }],
              { credentials },
            );
            res.status(decision.result === 'ALLOW' ? 200 : 403).json(decision);
          });
          router.get('/things', async (req, res) => {
            const event = await auditor.createEvent({
              eventId: 'thing-read',
              severityLevel: 'medium',
              request: req,
            });
            await event.success();
            res.json({ things: [] });
          });
          router.post('/public-things', async (req, res) => {
            const event = await auditor.createEvent({
              eventId: 'public-thing-create',
              severityLevel: 'medium',
              request: req,
            });
            await event.success();
            res.status(201).json({ created: true });
          });
          router.post('/things', async (req, res) => {
            const event = await auditor.createEvent({
              eventId: 'thing-create',
              severityLevel: 'medium',
              request: req,
            });
            await event.success();
            res.status(201).json({ created: true });
          });
          httpRouter.use(router);
          httpRouter.addAuthPolicy({
            path: '/public-things',
            allow: 'unauthenticated',
          });
        },
      });
    },
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let auditStore: AuditStore;
const running: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map(b => b.stop()));
});

/**
 * A real backend as the portal runs it: Backstage's root HTTP router with the
 * admin gate in front of every plugin, real auth tokens, the real permission
 * policy; only the catalog's contents and the notification sender are stood in.
 */
async function startBackend(impersonation: JsonObject = {}) {
  sent.length = 0;
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const backend = createBackend();
  const features = [
    gatedRootHttpRouterServiceFactory,
    mockServices.rootLogger.factory(),
    mockServices.rootConfig.factory({
      data: {
        app: { baseUrl: 'http://localhost:3000' },
        backend: {
          baseUrl,
          listen: { port },
          database: { client: 'better-sqlite3', connection: ':memory:' },
        },
        auth: { providers: { development: {}, impersonation: {} } },
        permission: { enabled: true },
        stackPortal: {
          devSignIn: { enabled: true },
          roles: {
            admin: ['group:default/platform-admins'],
            compliance: ['group:default/compliance'],
          },
        },
        admin: { impersonation },
      },
    }),
    auditorServiceFactory,
    impersonationRealActorServiceFactory,
    notificationsMock,
    catalogServiceMock.factory({ entities }),
    authPlugin,
    devSignIn,
    impersonationSignIn,
    permissionPlugin,
    permissionModuleRoles,
    permissionModuleAuditLog,
    permissionModuleAdmin,
    adminPlugin,
    probePlugin(),
    createBackendPlugin({
      pluginId: 'storeprobe',
      register(env) {
        env.registerInit({
          deps: { store: auditStoreServiceRef },
          async init({ store }) {
            auditStore = store;
          },
        });
      },
    }),
  ];
  features.forEach(f => backend.add(f));
  await backend.start();
  running.push(backend);
  return baseUrl;
}

async function signIn(app: any, name: string): Promise<string> {
  const res = await request(app)
    .get('/api/auth/development/refresh')
    .set('x-stack-portal-user', name);
  expect(res.status).toBe(200);
  return res.body.backstageIdentity.token;
}

function claimsOf(token: string) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

async function impersonate(
  app: any,
  adminToken: string,
  target = 'eli.martin',
  extra: object = {},
) {
  const start = await request(app)
    .post('/api/admin/impersonation/sessions')
    .auth(adminToken, { type: 'bearer' })
    .send({
      target,
      reason: 'Ticket SUP-12: his stack page is empty',
      ticket: 'SUP-12',
      ...extra,
    });
  expect(start.status).toBe(201);
  const token = await request(app)
    .get('/api/auth/impersonation/refresh')
    .auth(adminToken, { type: 'bearer' })
    .set(IMPERSONATION_SESSION_HEADER, start.body.id);
  expect(token.status).toBe(200);
  return {
    session: start.body,
    token: token.body.backstageIdentity.token as string,
    identity: token.body.backstageIdentity.identity,
  };
}

const events = async (action: string) =>
  auditStore.query({ action: [action] }, { limit: 100 });

describe('admin backend: impersonation', () => {
  it('runs a read-only session as the user, naming the admin everywhere, until stopped', async () => {
    const app = await startBackend();
    const adminToken = await signIn(app, 'amara.okafor');
    const { session, token, identity } = await impersonate(app, adminToken);

    // the token is the engineer's, with his ownership, and names the admin and the session
    expect(identity).toEqual({
      type: 'user',
      userEntityRef: ENGINEER,
      ownershipEntityRefs: [ENGINEER, 'group:default/team-identity'],
    });
    expect(claimsOf(token)).toMatchObject({
      sub: ENGINEER,
      act: { sub: ADMIN },
      sp_isid: session.id,
    });
    expect(session).toMatchObject({
      adminRef: ADMIN,
      targetRef: ENGINEER,
      status: 'active',
      ticket: 'SUP-12',
    });
    const minutes =
      (Date.parse(session.expiresAt) - Date.parse(session.startedAt)) / 60_000;
    expect(minutes).toBe(15);

    // reads work as the engineer; the plugin's own audit event names both people
    const read = await request(app)
      .get('/api/probe/things')
      .auth(token, { type: 'bearer' });
    expect(read.status).toBe(200);
    const [readEvent] = await events('thing-read');
    expect(readEvent.actor.ref).toBe(ENGINEER);
    expect(readEvent.realActor?.ref).toBe(ADMIN);
    expect((await events('impersonation-request')).length).toBeGreaterThan(0);

    // permission checks are reads sent as POST: they keep working
    const check = await request(app)
      .post('/api/permission/authorize')
      .auth(token, { type: 'bearer' })
      .send({
        items: [{ id: '1', permission: auditLogEventExportPermission }],
      });
    expect(check.status).toBe(200);

    // writes are refused and audited
    const write = await request(app)
      .post('/api/probe/things')
      .auth(token, { type: 'bearer' })
      .send({});
    expect(write.status).toBe(403);
    expect(write.body.error.message).toMatch(
      /Read-only: you are impersonating user:default\/eli.martin/,
    );
    for (const path of [
      '/API/probe/things',
      '//api/probe/things',
      '/api/%70robe/things',
    ]) {
      const spelled = await request(app)
        .post(path)
        .auth(token, { type: 'bearer' })
        .send({});
      expect({ path, status: spelled.status }).toEqual({ path, status: 403 });
    }
    expect(await events('thing-create')).toEqual([]);
    const [refused] = await events('impersonation-write-refused');
    expect(refused).toMatchObject({
      actor: { ref: ENGINEER },
      realActor: { ref: ADMIN },
      severity: 'high',
      outcome: 'failed',
    });

    // the banner finds the session from the token
    const current = await request(app)
      .get('/api/admin/impersonation/current')
      .auth(token, { type: 'bearer' });
    expect(current.body.session).toMatchObject({
      id: session.id,
      targetRef: ENGINEER,
      reason: session.reason,
    });

    // stop with the impersonation token; the token is dead afterwards
    const stop = await request(app)
      .post('/api/admin/impersonation/stop')
      .auth(token, { type: 'bearer' })
      .send({});
    expect(stop.status).toBe(200);
    expect(stop.body).toMatchObject({ status: 'stopped', endedBy: ADMIN });
    const replay = await request(app)
      .get('/api/probe/things')
      .auth(token, { type: 'bearer' });
    expect(replay.status).toBe(401);
    expect(replay.body.error.message).toMatch(/was stopped/);
    const replayUpper = await request(app)
      .get('/API/probe/things')
      .auth(token, { type: 'bearer' });
    expect(replayUpper.status).toBe(401);
    expect((await events('impersonation-token-refused')).length).toBe(2);
    const renew = await request(app)
      .get('/api/auth/impersonation/refresh')
      .auth(adminToken, { type: 'bearer' })
      .set(IMPERSONATION_SESSION_HEADER, session.id);
    expect(renew.status).toBe(403);

    // the engineer is told who looked, when and why
    expect(sent).toHaveLength(1);
    expect(sent[0].recipients).toEqual({ type: 'entity', entityRef: ENGINEER });
    expect(sent[0].payload.title).toBe(`${ADMIN} viewed the portal as you`);
    expect(sent[0].payload.description).toContain(
      'Ticket SUP-12: his stack page is empty',
    );

    // start and stop are in the audit log naming both people
    const [started] = (await events('impersonation-start')).filter(
      e => e.outcome === 'succeeded',
    );
    expect(started).toMatchObject({ actor: { ref: ADMIN }, target: ENGINEER });
    expect(started.meta).toMatchObject({
      sessionId: session.id,
      reason: session.reason,
      ticket: 'SUP-12',
    });
    const [stopped] = (await events('impersonation-stop')).filter(
      e => e.outcome === 'succeeded',
    );
    expect(stopped.meta).toMatchObject({
      sessionId: session.id,
      targetRef: ENGINEER,
      adminRef: ADMIN,
    });
  });

  it('cannot escalate: no admin console, no nested impersonation, no audit export', async () => {
    const app = await startBackend({ allowWrites: true });
    const adminToken = await signIn(app, 'amara.okafor');
    const { token } = await impersonate(app, adminToken, 'priya.nair');

    const console = await request(app)
      .get('/api/admin/directory')
      .auth(token, { type: 'bearer' });
    expect(console.status).toBe(403);
    const nested = await request(app)
      .post('/api/admin/impersonation/sessions')
      .auth(token, { type: 'bearer' })
      .send({ target: 'eli.martin', reason: 'trying to nest a session' });
    expect(nested.status).toBe(403);
    const nestedToken = await request(app)
      .get('/api/auth/impersonation/refresh')
      .auth(token, { type: 'bearer' })
      .set(IMPERSONATION_SESSION_HEADER, 'anything');
    expect(nestedToken.status).toBe(403);

    // the compliance user's own token may export; the impersonation of them may not
    const authorize = (t: string) =>
      request(app)
        .post('/api/permission/authorize')
        .auth(t, { type: 'bearer' })
        .send({
          items: [{ id: '1', permission: auditLogEventExportPermission }],
        });
    const own = await authorize(await signIn(app, 'priya.nair'));
    expect(own.body.items[0].result).toBe('ALLOW');
    const impersonated = await authorize(token);
    expect(impersonated.body.items[0].result).toBe('DENY');
    // and when a plugin checks on the user's behalf, in whatever spelling
    const ownExport = await request(app)
      .get('/api/probe/export')
      .auth(await signIn(app, 'priya.nair'), { type: 'bearer' });
    expect(ownExport.status).toBe(200);
    for (const path of ['/api/probe/export', '/API/probe/export']) {
      const res = await request(app).get(path).auth(token, { type: 'bearer' });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }

    // with writes allowed by config, a write goes through and names both people
    const write = await request(app)
      .post('/api/probe/things')
      .auth(token, { type: 'bearer' })
      .send({});
    expect(write.status).toBe(201);
    const [created] = await events('thing-create');
    expect(created).toMatchObject({
      actor: { ref: COMPLIANCE },
      realActor: { ref: ADMIN },
    });
  });

  it('refuses bad start requests with a clear 4xx, starts nothing and audits the attempt', async () => {
    const app = await startBackend();
    const adminToken = await signIn(app, 'amara.okafor');
    const start = (body: object, token = adminToken) =>
      request(app)
        .post('/api/admin/impersonation/sessions')
        .auth(token, { type: 'bearer' })
        .send(body);
    const reason = 'Investigating ticket SUP-99';

    const cases: Array<[object, number, RegExp]> = [
      [
        { target: 'nobody.here', reason },
        404,
        /no user user:default\/nobody.here/,
      ],
      [
        { target: 'chen.wei', reason },
        403,
        /is an admin; admins cannot be impersonated/,
      ],
      [{ target: 'amara.okafor', reason }, 403, /cannot impersonate yourself/],
      [{ target: 'eli.martin' }, 400, /reason is required/],
      [
        { target: 'eli.martin', reason: 'too short' },
        400,
        /at least 10 characters/,
      ],
      [
        { target: 'eli.martin', reason, durationMinutes: 61 },
        400,
        /from 1 to 60/,
      ],
      [
        { target: 'eli.martin', reason, durationMinutes: 0 },
        400,
        /from 1 to 60/,
      ],
      [
        { target: 'group:default/compliance', reason },
        400,
        /Only users can be impersonated/,
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await start(body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(res.body.error.message).toMatch(message);
    }
    const engineer = await start(
      { target: 'priya.nair', reason },
      await signIn(app, 'eli.martin'),
    );
    expect(engineer.status).toBe(403);
    expect(engineer.body.error.message).toMatch(
      /admin.impersonation.start is for admins/,
    );

    const list = await request(app)
      .get('/api/admin/impersonation/sessions')
      .auth(adminToken, { type: 'bearer' });
    expect(list.body.items).toEqual([]);
    const failed = (await events('impersonation-start')).filter(
      e => e.outcome === 'failed' && e.actor.type === 'user',
    );
    expect(failed).toHaveLength(cases.length + 1);

    // a forged token (an engineer's, its subject changed to an admin's): the
    // attempt is on record as nobody's, with what the token claimed kept apart
    const engineerToken = await signIn(app, 'eli.martin');
    const [header, , signature] = engineerToken.split('.');
    const forgedAdmin = [
      header,
      Buffer.from(
        JSON.stringify({ ...claimsOf(engineerToken), sub: ADMIN }),
      ).toString('base64url'),
      signature,
    ].join('.');
    const forgedStart = await start(
      { target: 'priya.nair', reason },
      forgedAdmin,
    );
    expect(forgedStart.status).toBe(401);
    // Backstage refuses it before the route; nothing is recorded in anyone's name
    const adminAttempts = (await events('impersonation-start')).filter(
      e => e.actor.ref === ADMIN && e.outcome === 'failed',
    );
    expect(adminAttempts).toHaveLength(cases.length);
    // where a route lets anyone in, its audit event names nobody and keeps
    // what the token claimed apart
    const open = await request(app)
      .post('/api/probe/public-things')
      .auth(forgedAdmin, { type: 'bearer' })
      .send({});
    expect(open.status).toBe(201);
    const [openEvent] = (await events('public-thing-create')).filter(
      e => e.outcome === 'succeeded',
    );
    expect(openEvent.actor).toEqual({ type: 'none' });
    expect(openEvent.meta).toMatchObject({
      unverifiedClaims: { sub: ADMIN, typ: 'vnd.backstage.user' },
    });

    // a forged session id gets no token
    const forged = await request(app)
      .get('/api/auth/impersonation/refresh')
      .auth(adminToken, { type: 'bearer' })
      .set(IMPERSONATION_SESSION_HEADER, 'forged-session-id');
    expect(forged.status).toBe(403);
    const signIns = await events('impersonation-sign-in');
    expect(signIns.find(e => e.outcome === 'failed')).toMatchObject({
      plugin: 'auth',
      actor: { ref: ADMIN },
      meta: { sessionId: 'forged-session-id' },
    });
  });

  it('ends a session at its expiry on the server, with no browser involved', async () => {
    const app = await startBackend({
      defaultDuration: { seconds: 2 },
      expiryCheckInterval: { seconds: 1 },
    });
    const adminToken = await signIn(app, 'amara.okafor');
    const { session, token } = await impersonate(app, adminToken);
    expect(
      (
        await request(app)
          .get('/api/probe/things')
          .auth(token, { type: 'bearer' })
      ).status,
    ).toBe(200);

    await new Promise(resolve => setTimeout(resolve, 4_000));
    const list = await request(app)
      .get('/api/admin/impersonation/sessions')
      .auth(adminToken, { type: 'bearer' });
    expect(list.body.items[0]).toMatchObject({
      id: session.id,
      status: 'expired',
      endedBy: 'expiry',
    });
    const [expired] = await events('impersonation-expire');
    expect(expired).toMatchObject({
      actor: { ref: ENGINEER },
      realActor: { ref: ADMIN },
      target: ENGINEER,
    });
    expect(sent.map(n => n.payload.title)).toEqual([
      `${ADMIN} viewed the portal as you`,
    ]);

    const after = await request(app)
      .get('/api/probe/things')
      .auth(token, { type: 'bearer' });
    expect(after.status).toBe(401);
    expect(after.body.error.message).toMatch(/expired/);
  });
});

describe('admin backend: maintenance mode and the console', () => {
  it('refuses non-admins changes with 503 and the message while on, and audits the switch', async () => {
    const app = await startBackend();
    const adminToken = await signIn(app, 'amara.okafor');
    const engineerToken = await signIn(app, 'eli.martin');

    const denied = await request(app)
      .put('/api/admin/maintenance')
      .auth(engineerToken, { type: 'bearer' })
      .send({ enabled: true, message: 'x' });
    expect(denied.status).toBe(403);
    const noMessage = await request(app)
      .put('/api/admin/maintenance')
      .auth(adminToken, { type: 'bearer' })
      .send({ enabled: true });
    expect(noMessage.status).toBe(400);

    const on = await request(app)
      .put('/api/admin/maintenance')
      .auth(adminToken, { type: 'bearer' })
      .send({ enabled: true, message: 'Database upgrade until 10:00 UTC' });
    expect(on.body).toMatchObject({
      enabled: true,
      message: 'Database upgrade until 10:00 UTC',
      updatedBy: ADMIN,
    });

    const state = await request(app)
      .get('/api/admin/maintenance')
      .auth(engineerToken, { type: 'bearer' });
    expect(state.body.enabled).toBe(true);
    const write = await request(app)
      .post('/api/probe/things')
      .auth(engineerToken, { type: 'bearer' })
      .send({});
    expect(write.status).toBe(503);
    expect(write.body.error.message).toContain(
      'Database upgrade until 10:00 UTC',
    );
    expect(
      (
        await request(app)
          .get('/api/probe/things')
          .auth(engineerToken, { type: 'bearer' })
      ).status,
    ).toBe(200);
    expect(
      (
        await request(app)
          .post('/api/probe/things')
          .auth(adminToken, { type: 'bearer' })
          .send({})
      ).status,
    ).toBe(201);
    // signing in keeps working
    expect(
      (
        await request(app)
          .get('/api/auth/development/refresh')
          .set('x-stack-portal-user', 'noah.kim')
      ).status,
    ).not.toBe(503);
    expect((await events('maintenance-write-refused'))[0]).toMatchObject({
      actor: { ref: ENGINEER },
      outcome: 'failed',
    });

    await request(app)
      .put('/api/admin/maintenance')
      .auth(adminToken, { type: 'bearer' })
      .send({ enabled: false });
    expect(
      (
        await request(app)
          .post('/api/probe/things')
          .auth(engineerToken, { type: 'bearer' })
          .send({})
      ).status,
    ).toBe(201);
    const switches = (await events('maintenance-update')).filter(
      e => e.outcome === 'succeeded',
    );
    expect(switches.map(e => e.meta?.enabled)).toEqual([false, true]);
  });

  it('lists users with roles for admins only, marking who cannot be impersonated', async () => {
    const app = await startBackend();
    const adminToken = await signIn(app, 'amara.okafor');
    const res = await request(app)
      .get('/api/admin/directory')
      .auth(adminToken, { type: 'bearer' });
    expect(res.status).toBe(200);
    const byRef = Object.fromEntries(
      res.body.users.map((u: any) => [u.ref, u]),
    );
    expect(byRef[ENGINEER]).toMatchObject({
      roles: ['engineer'],
      impersonable: true,
      groups: ['team-identity'],
    });
    expect(byRef[OTHER_ADMIN]).toMatchObject({
      roles: ['engineer', 'admin'],
      impersonable: false,
    });
    expect(byRef[ADMIN].impersonable).toBe(false);
    expect(
      res.body.groups.find((g: any) => g.name === 'compliance'),
    ).toMatchObject({ memberCount: 1, roles: ['compliance'] });

    const engineer = await request(app)
      .get('/api/admin/directory')
      .auth(await signIn(app, 'eli.martin'), { type: 'bearer' });
    expect(engineer.status).toBe(403);
    const high = await request(app)
      .get('/api/admin/audit/high')
      .auth(await signIn(app, 'eli.martin'), { type: 'bearer' });
    expect(high.status).toBe(403);
  });
});
