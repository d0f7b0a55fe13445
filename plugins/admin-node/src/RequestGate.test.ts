import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { DatabaseAuditStore } from '@internal/backstage-plugin-audit-log-node';
import express from 'express';
import request from 'supertest';
import { forge, TestTokenIssuer } from './__testUtils__/tokenIssuer';
import { DatabaseAdminStore } from './DatabaseAdminStore';
import { DefaultImpersonationSessions } from './ImpersonationSessions';
import { RequestGate } from './RequestGate';
import { placeBefore } from './requestGateServices';
import { UserTokenVerifier } from './UserTokenVerifier';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

const ADMIN = 'user:default/amara.okafor';
const ENGINEER = 'user:default/eli.martin';
const ORIGIN = 'http://portal.example';

const OWNERSHIP: Record<string, string[]> = {
  [ADMIN]: ['group:default/platform-admins'],
  [ENGINEER]: ['group:default/team-identity'],
};

/** Every method that can change something, including ones no route knows. */
const MUTATING = ['post', 'put', 'patch', 'delete'] as const;

/** Ways of writing `/api/catalog/refresh` that the backend routes the same or near enough. */
const SPELLINGS = [
  '/api/catalog/refresh',
  '/API/catalog/refresh',
  '/Api/Catalog/Refresh',
  '/aPI/catalog/refresh/',
  '//api/catalog/refresh',
  '/api//catalog/refresh',
  '/api/%63atalog/refresh',
  '/api%2Fcatalog/refresh',
  '/api/./catalog/refresh',
  '/api/x/../catalog/refresh',
  '/api/catalog/refresh.',
  '/api/catalog/refresh;x=1',
  '/api/catalog/refresh?x=1',
  '/api/permission/authorize/../../catalog/refresh',
  '/api/permission/%61uthorize',
  '/api/auth/../catalog/refresh',
];

let issuer: TestTokenIssuer;
beforeAll(async () => {
  issuer = await TestTokenIssuer.create();
});
afterAll(async () => {
  await issuer.close();
});

async function setup(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database({ knex, migrations: { skip: false } });
  const store = await DatabaseAdminStore.create({ database });
  const auditStore = await DatabaseAuditStore.create({ database });
  const sessions = DefaultImpersonationSessions.create({ store });
  const gate = RequestGate.create();
  gate.bind({
    store,
    sessions,
    verifier: UserTokenVerifier.create({ discovery: issuer.discovery }),
    auditStore,
    mapping: { admin: ['group:default/platform-admins'] },
    logger: mockServices.logger.mock(),
    ownershipOf: async t =>
      OWNERSHIP[
        JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString()).sub
      ],
  });

  // the gate placed among Backstage's own defaults, as the backend places it
  const app = express();
  const middleware = MiddlewareFactory.create({
    config: mockServices.rootConfig({
      data: { backend: { cors: { origin: ORIGIN, credentials: true } } },
    }),
    logger: mockServices.logger.mock(),
  });
  const routes = express.Router();
  routes.all('*', (_req, res) => {
    res.status(200).json({ reached: true });
  });
  placeBefore(app, routes, gate.middleware(), () => {
    app.use(middleware.cors());
    app.use(routes);
    app.use(middleware.error());
  });

  const events = async (action?: string) =>
    auditStore.query(action ? { action: [action] } : {}, { limit: 500 });
  const startSession = async (allowWrites = false) => {
    const session = await store.startSession({
      adminRef: ADMIN,
      targetRef: ENGINEER,
      reason: 'Ticket SUP-12: his stack page is empty',
      durationMs: 15 * 60_000,
      allowWrites,
    });
    const token = await issuer.userToken({
      sub: ENGINEER,
      act: { sub: ADMIN },
      sp_isid: session.id,
    });
    await sessions.recordToken(session, token);
    return { session, token };
  };
  return { app, store, events, startSession };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe.each(databases.eachSupportedId())('RequestGate on %p', databaseId => {
  it("during maintenance refuses a verified engineer's change in every spelling, lets admins, reads and sign-in through", async () => {
    const { app, store, events } = await setup(databaseId);
    await store.setMaintenance({
      enabled: true,
      message: 'Upgrade until 10:00 UTC',
      updatedBy: ADMIN,
    });
    const engineer = await issuer.userToken({ sub: ENGINEER });
    const admin = await issuer.userToken({ sub: ADMIN });

    for (const path of SPELLINGS) {
      for (const method of MUTATING) {
        const res = await request(app)
          [method](path)
          .set(bearer(engineer))
          .set('Origin', ORIGIN);
        expect({ path, method, status: res.status }).toEqual({
          path,
          method,
          status: 503,
        });
        expect(res.body.error).toMatchObject({
          name: 'ServiceUnavailableError',
        });
        expect(res.body.error.message).toContain('Upgrade until 10:00 UTC');
        expect(res.headers['retry-after']).toBe('60');
        // refused through the backend's own error handling: CORS headers included
        expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
      }
    }
    const refusals = await events('maintenance-write-refused');
    expect(refusals).toHaveLength(SPELLINGS.length * MUTATING.length);
    expect(new Set(refusals.map(e => e.actor.ref))).toEqual(
      new Set([ENGINEER]),
    );

    const passes: Array<[string, request.Test]> = Object.entries({
      'a read': request(app).get('/API/catalog/entities').set(bearer(engineer)),
      HEAD: request(app).head('/api/catalog/entities').set(bearer(engineer)),
      OPTIONS: request(app)
        .options('/api/catalog/refresh')
        .set(bearer(engineer)),
      'a permission check': request(app)
        .post('/api/permission/authorize')
        .set(bearer(engineer)),
      'a permission check in capitals': request(app)
        .post('/API/Permission/Authorize/')
        .set(bearer(engineer)),
      'signing out': request(app).post('/api/auth/development/logout'),
      "an admin's change": request(app)
        .post('/api/catalog/refresh')
        .set(bearer(admin)),
      "an admin's change in capitals": request(app)
        .post('/API/catalog/refresh')
        .set(bearer(admin)),
      // a plugin finishing its work; the plugin it calls verifies its token
      'a plugin on behalf of a user': request(app)
        .post('/api/catalog/locations')
        .set(bearer(issuer.pluginTokenOnBehalfOf(issuer.limitedOf(admin)))),
      // no token: the plugins refuse what needs one
      'no token': request(app).post('/api/feature-flags/client/metrics'),
    });
    for (const [what, pending] of passes) {
      expect({ what, status: (await pending).status }).toEqual({
        what,
        status: 200,
      });
    }
  });

  it('decides on verified tokens only: a forged admin is refused and recorded as nobody, with what it claimed', async () => {
    const { app, store, events } = await setup(databaseId);
    await store.setMaintenance({
      enabled: true,
      message: 'Upgrade',
      updatedBy: ADMIN,
    });
    const forgeries = [
      forge({ sub: ADMIN }),
      forge({ sub: ADMIN }, { alg: 'none', typ: 'vnd.backstage.user' }),
      await issuer.userToken({ sub: ADMIN }, { signWithOtherKey: true }),
      await issuer.userToken({ sub: ADMIN }, { expiresIn: -10 }),
      // a real engineer token with its payload changed to the admin's
      (await issuer.userToken({ sub: ENGINEER }))
        .split('.')
        .map((part, i) =>
          i === 1
            ? Buffer.from(
                JSON.stringify({
                  ...JSON.parse(Buffer.from(part, 'base64url').toString()),
                  sub: ADMIN,
                }),
              ).toString('base64url')
            : part,
        )
        .join('.'),
    ];
    for (const token of forgeries) {
      const res = await request(app)
        .post('/api/catalog/refresh')
        .set(bearer(token));
      expect(res.status).toBe(503);
    }
    const refusals = await events('maintenance-write-refused');
    expect(refusals).toHaveLength(forgeries.length);
    for (const event of refusals) {
      expect(event.actor).toEqual({ type: 'none' });
      expect(event.meta).toMatchObject({ unverifiedClaims: { sub: ADMIN } });
    }
  });

  it('lets a live impersonation read and refuses its changes in every spelling, method and token form', async () => {
    const { app, events, startSession } = await setup(databaseId);
    const { token } = await startSession();
    const limited = issuer.limitedOf(token);
    const forms = {
      bearer: bearer(token),
      'lower-case scheme': { Authorization: `bearer ${token}` },
      'tab after scheme': { Authorization: `Bearer\t${token}` },
      'limited form': bearer(limited),
      cookie: { Cookie: `backstage-auth=${token}` },
      'limited cookie': { Cookie: `theme=dark; backstage-auth=${limited}` },
      'percent-encoded cookie': {
        Cookie: `backstage-auth=${encodeURIComponent(token).replace(
          /e/g,
          '%65',
        )}`,
      },
    };
    for (const [form, headers] of Object.entries(forms)) {
      // every spelling with the plain bearer form; a sample with the others
      const paths =
        form === 'bearer' ? SPELLINGS : SPELLINGS.filter((_, i) => i % 4 === 1);
      for (const path of paths) {
        for (const method of MUTATING) {
          const res = await request(app)[method](path).set(headers);
          expect({ form, path, method, status: res.status }).toEqual({
            form,
            path,
            method,
            status: 403,
          });
        }
        const override = await request(app)
          .post(path)
          .set(headers)
          .set('X-HTTP-Method-Override', 'GET');
        expect({ form, path, status: override.status }).toEqual({
          form,
          path,
          status: 403,
        });
      }
      const getWithBody = await request(app)
        .get('/api/catalog/refresh')
        .set(headers)
        .set('Content-Type', 'application/json')
        .send({ harmless: 'a body on GET' });
      expect(getWithBody.status).toBe(200);
    }
    const refused = await events('impersonation-write-refused');
    expect(refused.length).toBeGreaterThan(0);
    expect(
      refused.every(
        e => e.actor.ref === ENGINEER && e.realActor?.ref === ADMIN,
      ),
    ).toBe(true);

    // reads and the reads sent as POST go through, audited naming both people
    expect(
      (await request(app).get('/api/catalog/entities').set(bearer(token)))
        .status,
    ).toBe(200);
    expect(
      (await request(app).post('/api/permission/authorize').set(bearer(token)))
        .status,
    ).toBe(200);
    expect(
      (
        await request(app)
          .post('/api/admin/impersonation/stop')
          .set(bearer(token))
      ).status,
    ).toBe(200);
    const reads = (await events('impersonation-request')).filter(
      e => e.outcome === 'succeeded',
    );
    expect(reads[0]).toMatchObject({
      actor: { ref: ENGINEER },
      realActor: { ref: ADMIN },
    });

    // an exemption is for its one method: POST
    for (const method of ['put', 'delete'] as const) {
      for (const path of [
        '/api/permission/authorize',
        '/api/admin/impersonation/stop',
      ]) {
        const res = await request(app)[method](path).set(bearer(token));
        expect({ method, path, status: res.status }).toEqual({
          method,
          path,
          status: 403,
        });
      }
    }

    // a plugin acting for the impersonated user: the permission policy decides
    const onBehalf = issuer.pluginTokenOnBehalfOf(limited);
    expect(
      (await request(app).post('/api/catalog/locations').set(bearer(onBehalf)))
        .status,
    ).toBe(200);
  });

  it('lets a session that allows writes change things, each change audited', async () => {
    const { app, events, startSession } = await setup(databaseId);
    const { token } = await startSession(true);
    expect(
      (await request(app).post('/API/catalog/refresh').set(bearer(token)))
        .status,
    ).toBe(200);
    // the outcome is recorded when the response has finished, so after the
    // client has it: wait for it a little
    const outcomes = async () =>
      (await events('impersonation-write')).map(e => e.outcome).sort();
    for (let i = 0; i < 50 && (await outcomes()).length < 2; i++) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    expect(await outcomes()).toEqual(['initiated', 'succeeded']);
  });

  it("refuses every form of a stopped session's token, on every path and method", async () => {
    const { app, store, events, startSession } = await setup(databaseId);
    const { session, token } = await startSession();
    await store.endSession(session.id, { status: 'stopped', endedBy: ADMIN });
    const limited = issuer.limitedOf(token);
    const forms = [
      bearer(token),
      bearer(limited),
      { Cookie: `backstage-auth=${limited}` },
      bearer(issuer.pluginTokenOnBehalfOf(limited)),
    ];
    for (const headers of forms) {
      for (const path of [
        '/api/catalog/entities',
        '/API/catalog/entities',
        '//api/x',
        '/',
        '/.backstage/anything',
      ]) {
        for (const method of ['get', 'head', 'post', 'delete'] as const) {
          const res = await request(app)[method](path).set(headers);
          expect({ headers, path, method, status: res.status }).toEqual({
            headers,
            path,
            method,
            status: 401,
          });
        }
      }
    }
    const [refused] = await events('impersonation-token-refused');
    expect(refused).toMatchObject({
      actor: { ref: ENGINEER },
      realActor: { ref: ADMIN },
      meta: { sessionId: session.id, sessionStatus: 'stopped' },
    });
  });

  it('refuses impersonation tokens it cannot tie to a session, naming nobody', async () => {
    const { app, events } = await setup(databaseId);
    const claims = { sub: ENGINEER, act: { sub: ADMIN }, sp_isid: 'made-up' };
    // forged, and signed but never issued by the impersonation sign-in
    for (const token of [forge(claims), await issuer.userToken(claims)]) {
      const res = await request(app)
        .get('/api/catalog/entities')
        .set(bearer(token));
      expect(res.status).toBe(401);
    }
    const refused = await events('impersonation-token-refused');
    expect(refused).toHaveLength(2);
    for (const event of refused) {
      expect(event.actor).toEqual({ type: 'none' });
      expect(event.realActor).toBeUndefined();
      expect(event.meta).toMatchObject({
        unverifiedClaims: { sub: ENGINEER, act: ADMIN, sp_isid: 'made-up' },
      });
    }
  });
});
