import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { AuditEventInput } from './AuditStore';
import { DatabaseAuditStore } from './DatabaseAuditStore';
import { recordAuditEvent } from './recordAuditEvent';

jest.setTimeout(20_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

const expiry: AuditEventInput = {
  actor: { type: 'user', ref: 'user:default/noah.schmidt' },
  realActor: { type: 'user', ref: 'user:default/amara.okafor' },
  plugin: 'admin',
  action: 'impersonation-expire',
  severity: 'high',
  outcome: 'succeeded',
  target: 'user:default/noah.schmidt',
  method: 'POST',
  path: '/api/admin/impersonation/stop',
  meta: { sessionId: 's1' },
};

describe.each(databases.eachSupportedId())(
  'recordAuditEvent on %p',
  databaseId => {
    async function setUp() {
      const knex = await databases.init(databaseId);
      const store = await DatabaseAuditStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      return { store, logger: mockServices.logger.mock() };
    }

    it('logs the event as an audit line and stores it', async () => {
      const { store, logger } = await setUp();
      await recordAuditEvent({ store, logger }, expiry, 'awaited');
      expect(logger.info).toHaveBeenCalledWith(
        'admin.impersonation-expire',
        expect.objectContaining({
          isAuditEvent: true,
          eventId: 'impersonation-expire',
          severityLevel: 'high',
          actor: expect.objectContaining({
            actorId: 'user:default/noah.schmidt',
          }),
          request: { url: '/api/admin/impersonation/stop', method: 'POST' },
          meta: { sessionId: 's1' },
          status: 'succeeded',
        }),
      );
      const [stored] = await store.query({}, { limit: 10 });
      expect(stored).toMatchObject({
        action: 'impersonation-expire',
        actor: { ref: 'user:default/noah.schmidt' },
        realActor: { ref: 'user:default/amara.okafor' },
      });
    });

    it('logs without storing what is only to be logged', async () => {
      const { store, logger } = await setUp();
      await recordAuditEvent(
        { store, logger },
        { ...expiry, severity: 'low' },
        'log-only',
      );
      expect(logger.info).toHaveBeenCalledTimes(1);
      expect(await store.count({})).toBe(0);
    });

    it('refuses an invalid event with a message naming what is wrong', async () => {
      const { store, logger } = await setUp();
      await expect(
        recordAuditEvent(
          { store, logger },
          { ...expiry, severity: 'urgent' as AuditEventInput['severity'] },
          'awaited',
        ),
      ).rejects.toThrow(/severity "urgent" is not one of low, medium/);
      expect(await store.count({})).toBe(0);
    });

    it('records the retention checkpoint through the same path', async () => {
      const knex = await databases.init(databaseId);
      const logger = mockServices.logger.mock();
      const store = await DatabaseAuditStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
        logger,
      });
      await store.append({ ...expiry, timestamp: new Date('2025-01-01') });
      await store.append(expiry);
      expect(await store.purgeBefore(new Date('2026-01-01'))).toEqual({
        purged: 1,
        throughSeq: 1,
      });
      expect(logger.info).toHaveBeenCalledWith(
        'audit-log.retention-checkpoint',
        expect.objectContaining({ isAuditEvent: true, status: 'succeeded' }),
      );
      expect((await store.verify()).ok).toBe(true);
    });
  },
);
