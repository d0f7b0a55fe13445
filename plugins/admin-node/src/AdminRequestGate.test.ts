import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseAuditStore } from '@internal/backstage-plugin-audit-log-node';
import express from 'express';
import request from 'supertest';
import { AdminRequestGate } from './AdminRequestGate';
import { DatabaseAdminStore } from './DatabaseAdminStore';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

const ADMIN = 'user:default/amara.okafor';
const ENGINEER = 'user:default/eli.martin';

/** The gate reads tokens unverified, so the test writes them as the auth backend would shape them. */
function token(typ: string, claims: object) {
  const part = (v: object) =>
    Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'ES256', typ })}.${part(claims)}.signature`;
}
const userToken = (claims: object) => token('vnd.backstage.user', claims);

/** Ownership as the auth backend's user info answers it. */
const OWNERSHIP: Record<string, string[]> = {
  [ADMIN]: [ADMIN, 'group:default/platform-admins'],
  [ENGINEER]: [ENGINEER, 'group:default/team-identity'],
};

async function setup(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database({ knex, migrations: { skip: false } });
  const store = await DatabaseAdminStore.create({ database });
  const auditStore = await DatabaseAuditStore.create({ database });
  const gate = AdminRequestGate.create();
  gate.bind({
    store,
    auditStore,
    mapping: { admin: ['group:default/platform-admins'] },
    logger: mockServices.logger.mock(),
    ownershipOf: async t =>
      OWNERSHIP[
        JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString()).sub
      ],
  });
  const app = express();
  app.use(gate.middleware());
  app.all('*', (_req, res) => {
    res.status(200).json({ reached: true });
  });
  const actions = async () =>
    (await auditStore.query({}, { limit: 100 }))
      .map(e => `${e.action}:${e.outcome}`)
      .sort();
  return { app, store, gate, actions };
}

describe.each(databases.eachSupportedId())(
  'AdminRequestGate on %p',
  databaseId => {
    it('during maintenance refuses non-admins changes only, with the message', async () => {
      const { app, store, actions } = await setup(databaseId);
      await store.setMaintenance({
        enabled: true,
        message: 'Upgrade until 10:00 UTC',
        updatedBy: ADMIN,
      });
      const engineer = userToken({ sub: ENGINEER });

      const refused = await request(app)
        .post('/api/catalog/refresh')
        .auth(engineer, { type: 'bearer' });
      expect(refused.status).toBe(503);
      expect(refused.body.error.message).toContain('Upgrade until 10:00 UTC');
      expect(
        (await request(app).delete('/api/catalog/entities/x')).status,
      ).toBe(503);

      expect(
        (
          await request(app)
            .get('/api/catalog/entities')
            .auth(engineer, { type: 'bearer' })
        ).status,
      ).toBe(200);
      expect(
        (
          await request(app)
            .post('/api/permission/authorize')
            .auth(engineer, { type: 'bearer' })
        ).status,
      ).toBe(200);
      expect(
        (await request(app).post('/api/auth/development/logout')).status,
      ).toBe(200);
      expect(
        (
          await request(app)
            .post('/api/catalog/refresh')
            .auth(userToken({ sub: ADMIN }), { type: 'bearer' })
        ).status,
      ).toBe(200);
      const service = token('vnd.backstage.plugin', {
        sub: 'plugin:scaffolder',
      });
      expect(
        (
          await request(app)
            .post('/api/catalog/locations')
            .auth(service, { type: 'bearer' })
        ).status,
      ).toBe(200);
      expect((await request(app).get('/')).status).toBe(200);

      expect(await actions()).toEqual([
        'maintenance-write-refused:failed',
        'maintenance-write-refused:failed',
      ]);
    });

    it('lets a live impersonation read, refuses its writes, and refuses a dead or forged one', async () => {
      const { app, store, actions } = await setup(databaseId);
      const session = await store.startSession({
        adminRef: ADMIN,
        targetRef: ENGINEER,
        reason: 'Checking the Identity stack page',
        durationMs: 60_000,
        allowWrites: false,
      });
      const impersonation = userToken({
        sub: ENGINEER,
        act: { sub: ADMIN },
        sp_isid: session.id,
      });

      expect(
        (
          await request(app)
            .get('/api/catalog/entities')
            .auth(impersonation, { type: 'bearer' })
        ).status,
      ).toBe(200);
      // reads sent as POST are reads
      const settings = await request(app)
        .post('/api/user-settings/multiget')
        .auth(impersonation, { type: 'bearer' });
      expect(settings.status).toBe(200);
      const write = await request(app)
        .post('/api/catalog/refresh')
        .auth(impersonation, { type: 'bearer' });
      expect(write.status).toBe(403);
      expect(write.body.error.message).toMatch(
        /Read-only: you are impersonating user:default\/eli.martin/,
      );
      expect(
        (
          await request(app)
            .post('/api/admin/impersonation/stop')
            .auth(impersonation, { type: 'bearer' })
        ).status,
      ).toBe(200);

      const forged = userToken({
        sub: ENGINEER,
        act: { sub: ADMIN },
        sp_isid: 'made-up',
      });
      expect(
        (
          await request(app)
            .get('/api/catalog/entities')
            .auth(forged, { type: 'bearer' })
        ).status,
      ).toBe(401);
      const noSession = userToken({ sub: ENGINEER, act: { sub: ADMIN } });
      expect(
        (
          await request(app)
            .get('/api/catalog/entities')
            .auth(noSession, { type: 'bearer' })
        ).status,
      ).toBe(401);
      const otherAdmin = userToken({
        sub: ENGINEER,
        act: { sub: 'user:default/chen.wei' },
        sp_isid: session.id,
      });
      expect(
        (
          await request(app)
            .get('/api/catalog/entities')
            .auth(otherAdmin, { type: 'bearer' })
        ).status,
      ).toBe(401);

      await store.endSession(session.id, { status: 'stopped', endedBy: ADMIN });
      const replay = await request(app)
        .get('/api/catalog/entities')
        .auth(impersonation, { type: 'bearer' });
      expect(replay.status).toBe(401);
      expect(replay.body.error.message).toMatch(/was stopped/);

      // wait for the completion events written after the responses
      await new Promise(resolve => setTimeout(resolve, 200));
      const recorded = await actions();
      expect(
        recorded.filter(a => a === 'impersonation-token-refused:failed'),
      ).toHaveLength(4);
      expect(recorded).toContain('impersonation-write-refused:failed');
      expect(
        recorded.filter(a => a.startsWith('impersonation-request')),
      ).toEqual([
        'impersonation-request:initiated',
        'impersonation-request:initiated',
        'impersonation-request:succeeded',
        'impersonation-request:succeeded',
      ]);
      expect(recorded).toContain('impersonation-write:succeeded');
    });

    it('lets writes through when the session allows them, each audited as a write', async () => {
      const { app, store, actions } = await setup(databaseId);
      const session = await store.startSession({
        adminRef: ADMIN,
        targetRef: ENGINEER,
        reason: 'Reproducing a bug in the editor',
        durationMs: 60_000,
        allowWrites: true,
      });
      const impersonation = userToken({
        sub: ENGINEER,
        act: { sub: ADMIN },
        sp_isid: session.id,
      });
      expect(
        (
          await request(app)
            .post('/api/catalog/refresh')
            .auth(impersonation, { type: 'bearer' })
        ).status,
      ).toBe(200);
      await new Promise(resolve => setTimeout(resolve, 200));
      expect(await actions()).toEqual([
        'impersonation-write:initiated',
        'impersonation-write:succeeded',
      ]);
    });
  },
);
