import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseAdminStore, isLive } from './DatabaseAdminStore';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  return DatabaseAdminStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });
}

const start = {
  adminRef: 'user:default/amara.okafor',
  targetRef: 'user:default/eli.martin',
  reason: 'Ticket SUP-12: cannot see his stack',
  ticket: 'SUP-12',
  durationMs: 15 * 60_000,
  allowWrites: false,
};

describe.each(databases.eachSupportedId())(
  'DatabaseAdminStore on %p',
  databaseId => {
    it('starts a session that is live until its expiry', async () => {
      const store = await createStore(databaseId);
      const now = Date.parse('2026-11-22T08:00:00.000Z');
      const session = await store.startSession({ ...start, now });
      expect(session).toMatchObject({
        adminRef: start.adminRef,
        targetRef: start.targetRef,
        reason: start.reason,
        ticket: 'SUP-12',
        status: 'active',
        startedAt: '2026-11-22T08:00:00.000Z',
        expiresAt: '2026-11-22T08:15:00.000Z',
        allowWrites: false,
      });
      expect(session.id).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(isLive(session, now + 14 * 60_000)).toBe(true);
      expect(isLive(session, now + 15 * 60_000)).toBe(false);
    });

    it('knows a session by the proof of a token issued for it, until the token expired a day ago', async () => {
      const store = await createStore(databaseId);
      const session = await store.startSession(start);
      const expiresAt = Date.now() + 3_600_000;
      await store.recordSessionToken({
        sessionId: session.id,
        proof: 'a'.repeat(64),
        expiresAt,
      });
      // recording twice (a retried sign-in) is one record
      await store.recordSessionToken({
        sessionId: session.id,
        proof: 'a'.repeat(64),
        expiresAt,
      });
      expect((await store.findSessionByTokenProof('a'.repeat(64)))?.id).toBe(
        session.id,
      );
      expect(
        await store.findSessionByTokenProof('b'.repeat(64)),
      ).toBeUndefined();
      expect(await store.purgeExpiredTokens(expiresAt)).toBe(0);
      expect(await store.purgeExpiredTokens(expiresAt + 1)).toBe(1);
      expect(
        await store.findSessionByTokenProof('a'.repeat(64)),
      ).toBeUndefined();
    });

    it('refuses a second live session of the same admin', async () => {
      const store = await createStore(databaseId);
      await store.startSession(start);
      await expect(
        store.startSession({ ...start, targetRef: 'user:default/noah.kim' }),
      ).rejects.toThrow(/already impersonating user:default\/eli.martin/);
    });

    it('ends a session once: the second stop finds nothing to end', async () => {
      const store = await createStore(databaseId);
      const session = await store.startSession(start);
      const stopped = await store.endSession(session.id, {
        status: 'stopped',
        endedBy: start.adminRef,
      });
      expect(stopped).toMatchObject({
        status: 'stopped',
        endedBy: start.adminRef,
      });
      expect(stopped!.endedAt).toBeDefined();
      expect(
        await store.endSession(session.id, {
          status: 'stopped',
          endedBy: start.adminRef,
        }),
      ).toBeUndefined();
      // after stopping, a new session may start
      await expect(store.startSession(start)).resolves.toMatchObject({
        status: 'active',
      });
    });

    it('expires the sessions past their time, at their expiry time', async () => {
      const store = await createStore(databaseId);
      const now = Date.parse('2026-11-22T08:00:00.000Z');
      const due = await store.startSession({
        ...start,
        durationMs: 60_000,
        now,
      });
      const later = await store.startSession({
        ...start,
        adminRef: 'user:default/chen.wei',
        durationMs: 30 * 60_000,
        now,
      });
      const expired = await store.expireDue(now + 5 * 60_000);
      expect(expired.map(s => s.id)).toEqual([due.id]);
      expect(expired[0]).toMatchObject({
        status: 'expired',
        endedBy: 'expiry',
        endedAt: '2026-11-22T08:01:00.000Z',
      });
      expect((await store.getSession(later.id)).status).toBe('active');
      expect(await store.expireDue(now + 5 * 60_000)).toEqual([]);
      const listed = await store.listSessions({ limit: 10 });
      expect(listed.map(s => s.status).sort()).toEqual(['active', 'expired']);
    });

    it('keeps maintenance mode with who changed it', async () => {
      const store = await createStore(databaseId);
      expect(await store.getMaintenance()).toEqual({
        enabled: false,
        message: '',
      });
      await store.setMaintenance({
        enabled: true,
        message: 'Database upgrade until 10:00 UTC',
        updatedBy: 'user:default/amara.okafor',
        now: Date.parse('2026-11-22T09:00:00.000Z'),
      });
      const off = await store.setMaintenance({
        enabled: false,
        message: 'Database upgrade until 10:00 UTC',
        updatedBy: 'user:default/chen.wei',
        now: Date.parse('2026-11-22T09:30:00.000Z'),
      });
      expect(off).toEqual({
        enabled: false,
        message: 'Database upgrade until 10:00 UTC',
        updatedBy: 'user:default/chen.wei',
        updatedAt: '2026-11-22T09:30:00.000Z',
      });
    });

    it('says a session it does not know is not found', async () => {
      const store = await createStore(databaseId);
      await expect(store.getSession('nope')).rejects.toThrow(
        /No impersonation session nope/,
      );
      expect(await store.findSession('nope')).toBeUndefined();
    });
  },
);
