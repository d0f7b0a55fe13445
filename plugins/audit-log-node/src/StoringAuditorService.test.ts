import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseAuditStore } from './DatabaseAuditStore';
import { StoringAuditorService } from './StoringAuditorService';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

/** What pg says when PostgreSQL restarts under an open connection. */
const restarting = () =>
  Object.assign(
    new Error('terminating connection due to administrator command'),
    {
      code: '57P01',
    },
  );

async function setUp(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  const store = await DatabaseAuditStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
    logger: mockServices.logger.mock(),
  });
  const auditor = StoringAuditorService.create({
    pluginId: 'feature-flags',
    store,
    logger: mockServices.logger.mock(),
    auth: mockServices.auth(),
    httpAuth: mockServices.httpAuth(),
    storeLowSeverity: false,
  });
  return { store, auditor };
}

/** The database is away for the next `times` writes, then back. */
function databaseAwayFor(store: DatabaseAuditStore, times: number) {
  const append = store.append.bind(store);
  let left = times;
  return jest.spyOn(store, 'append').mockImplementation(input => {
    if (left > 0) {
      left--;
      return Promise.reject(restarting());
    }
    return append(input);
  });
}

async function eventually<T>(
  probe: () => Promise<T | undefined>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('never happened');
    await new Promise(r => setTimeout(r, 100));
  }
}

describe.each(databases.eachSupportedId())(
  'StoringAuditorService on %p',
  databaseId => {
    it('reports an action that took effect as done and stores its outcome once the database is back', async () => {
      const { store, auditor } = await setUp(databaseId);
      const event = await auditor.createEvent({
        eventId: 'flag-toggle',
        severityLevel: 'medium',
        meta: { flag: 'CAP_AI_ENABLED' },
      });
      // the toggle took effect; then the database goes away for a while
      databaseAwayFor(store, 3);
      await expect(
        event.success({ meta: { enabled: true } }),
      ).resolves.toBeUndefined();

      const outcomes = await eventually(async () => {
        const items = await store.query({}, { limit: 10 });
        const done = items.filter(e => e.outcome === 'succeeded');
        return done.length ? done : undefined;
      });
      expect(outcomes).toHaveLength(1);
      expect(outcomes[0]).toMatchObject({
        action: 'flag-toggle',
        outcome: 'succeeded',
      });
      expect(await store.verify()).toMatchObject({ ok: true, checked: 2 });
    });

    it('still refuses an action whose start it cannot record (fail closed)', async () => {
      const { store, auditor } = await setUp(databaseId);
      databaseAwayFor(store, 1);
      await expect(
        auditor.createEvent({
          eventId: 'flag-toggle',
          severityLevel: 'medium',
        }),
      ).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
    });
  },
);
