import type { CacheService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { JsonValue } from '@backstage/types';
import { knex } from 'knex';
import { CountingProxy } from '../__testUtils__/countingProxy';
import { ADMIN_TOKEN, UnleashTestServer } from '../testUtils';
import type { FlagSnapshot } from './FlagProvider';
import { UnleashFlagProvider } from './UnleashFlagProvider';

jest.setTimeout(180_000);

const AMARA = { userEntityRef: 'user:default/amara.okafor' };
const CHEN = { userEntityRef: 'user:default/chen.wei' };
/** Unleash's feature search limit in these tests (per client address, a minute). */
const SEARCHES_PER_MINUTE = 2;
const dev = (flag: string) => ({
  project: 'default',
  flag,
  environment: 'development',
});

/** Backstage's cache service as two replicas share it (Redis in production). */
function sharedCache(): CacheService {
  const map = new Map<string, JsonValue>();
  const cache: CacheService = {
    get: async <T extends JsonValue>(key: string) =>
      map.get(key) as T | undefined,
    set: async (key, value) => void map.set(key, value),
    delete: async key => void map.delete(key),
    withOptions: () => cache,
  };
  return cache;
}

function enabledIn(snapshot: FlagSnapshot, flag: string) {
  return snapshot.flags
    .find(f => f.name === flag)
    ?.environments.find(e => e.name === 'development')?.enabled;
}

describe('UnleashFlagProvider on a real Unleash server', () => {
  let unleash: UnleashTestServer;
  let proxy: CountingProxy;

  const provider = (
    options: Partial<Parameters<typeof UnleashFlagProvider.create>[0]> = {},
  ) =>
    UnleashFlagProvider.create({
      url: proxy.url,
      adminToken: ADMIN_TOKEN,
      logger: mockServices.logger.mock(),
      timeoutMs: 2000,
      ...options,
    });

  /** Unleash's own record of a flag's changes, newest first. */
  const events = async (flag: string) =>
    (
      await unleash.admin<{
        events: Array<{
          id: number;
          type: string;
          createdBy: string;
          environment?: string;
          tags: Array<{ type: string; value: string }>;
        }>;
      }>('GET', `/api/admin/events/${flag}`)
    ).events.sort((a, b) => b.id - a.id);

  beforeAll(async () => {
    unleash = await UnleashTestServer.create({
      env: {
        SEARCH_FEATURES_RATE_LIMIT_PER_MINUTE: String(SEARCHES_PER_MINUTE),
      },
    });
    proxy = await CountingProxy.start(unleash.url);
    for (const name of ['X_ONE', 'X_TWO', 'X_THREE', 'X_OLD']) {
      await unleash.admin('POST', '/api/admin/projects/default/features', {
        name,
        type: 'release',
      });
    }
    // Unleash's scheduler marks flags past their type's lifetime; X_OLD is
    // written the way that job leaves it
    const db = knex({
      client: 'pg',
      connection: {
        host: '127.0.0.1',
        port: 5432,
        user: 'postgres',
        database: unleash.database,
      },
    });
    try {
      await db('features')
        .where({ name: 'X_OLD' })
        .update({ potentially_stale: true });
    } finally {
      await db.destroy();
    }
  });

  afterAll(async () => {
    await proxy?.stop();
    await unleash?.destroy();
  });

  it('keeps its flags fresh when Unleash limits the feature search, and searches no more until Retry-After', async () => {
    const p = provider({ cacheTtlMs: 0, searchIntervalMs: 0 });
    const first = await p.snapshot({ fresh: true });
    const old = (snapshot: FlagSnapshot) =>
      snapshot.flags.find(f => f.name === 'X_OLD')?.potentiallyStale;
    expect(old(first)).toBe(true);
    for (const enabled of [true, false, true, false, true]) {
      // changed in Unleash directly: only a real refresh shows it
      await unleash.admin(
        'POST',
        `/api/admin/projects/default/features/X_ONE/environments/development/${
          enabled ? 'on' : 'off'
        }`,
      );
      const snapshot = await p.snapshot({ fresh: true });
      expect(snapshot).toMatchObject({ degraded: false, reason: undefined });
      expect(snapshot.ageMs).toBeLessThan(2000);
      expect(enabledIn(snapshot, 'X_ONE')).toBe(enabled);
      // the marks read before the limit are kept
      expect(old(snapshot)).toBe(true);
    }
    const searches = proxy.to('/api/admin/search/features');
    const limited = searches.filter(c => c.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0].retryAfter)).toBeGreaterThan(0);
    // one refresh's two searches ran into the limit; none was sent after
    const afterFirst429 = searches.slice(searches.indexOf(limited[0]));
    expect(afterFirst429.length).toBeLessThanOrEqual(2);
    // each refresh: projects, environments, one export per environment
    const exports = proxy.to('/api/admin/features-batch/export');
    expect(exports.length).toBe(2 * 6);
  });

  it('tells the true age of its copy when Unleash is killed mid-run, refuses writes with a 503, and recovers', async () => {
    const p = provider({ cacheTtlMs: 0 });
    await p.snapshot();
    const before = Date.now();
    // a flag the copy cannot hold until it is read again
    await p.createFlag(
      {
        project: 'default',
        name: 'X_NEW',
        description: 'made just before the crash',
        type: 'release',
        tags: [],
      },
      AMARA,
    );
    await unleash.kill();
    const during = await p.snapshot();
    expect(during.degraded).toBe(true);
    expect(during.reason).toContain('cannot be reached');
    // seconds, not 56 years
    expect(during.ageMs).toBeGreaterThanOrEqual(0);
    expect(during.ageMs).toBeLessThan(Date.now() - before + 5_000);
    await expect(p.setEnabled(dev('X_TWO'), true, AMARA)).rejects.toMatchObject(
      { name: 'ServiceUnavailableError' },
    );

    await unleash.start();
    let after = await p.snapshot();
    for (let i = 0; i < 120 && after.degraded; i++) {
      await new Promise(r => setTimeout(r, 250));
      after = await p.snapshot();
    }
    expect(after).toMatchObject({ degraded: false, reason: undefined });
    expect(after.flags.map(f => f.name)).toContain('X_NEW');
  });

  it('shows a change made through one replica through every other at once', async () => {
    const cache = sharedCache();
    // a TTL of ten minutes: only the shared stamp can make b read again
    const a = provider({ cache, cacheTtlMs: 600_000 });
    const b = provider({ cache, cacheTtlMs: 600_000 });
    expect(enabledIn(await a.snapshot(), 'X_TWO')).toBe(false);
    expect(enabledIn(await b.snapshot(), 'X_TWO')).toBe(false);

    expect(await a.setEnabled(dev('X_TWO'), true, AMARA)).toBe(true);
    expect(enabledIn(await b.snapshot(), 'X_TWO')).toBe(true);

    await b.createFlag(
      {
        project: 'default',
        name: 'X_SHARED',
        description: '',
        type: 'release',
        tags: [],
      },
      CHEN,
    );
    expect((await a.snapshot()).flags.map(f => f.name)).toContain('X_SHARED');
    // a's own write needs no read of Unleash to show
    const exportsBefore = proxy.to('/api/admin/features-batch/export').length;
    await a.setEnabled(dev('X_SHARED'), true, AMARA);
    expect(enabledIn(await a.snapshot(), 'X_SHARED')).toBe(true);
    expect(proxy.to('/api/admin/features-batch/export').length).toBe(
      exportsBefore,
    );
  });

  it("judges a toggle against Unleash, not a stale copy, and names the person on Unleash's event", async () => {
    const p = provider({ cacheTtlMs: 600_000 });
    await unleash.admin(
      'POST',
      '/api/admin/projects/default/features/X_THREE/environments/development/on',
    );
    expect(enabledIn(await p.snapshot({ fresh: true }), 'X_THREE')).toBe(true);
    // turned off behind the copy's back (Unleash's UI, or a replica without a shared cache)
    await unleash.admin(
      'POST',
      '/api/admin/projects/default/features/X_THREE/environments/development/off',
    );

    expect(await p.setEnabled(dev('X_THREE'), true, AMARA)).toBe(true);
    const [enabled] = await events('X_THREE');
    expect(enabled).toMatchObject({
      type: 'feature-environment-enabled',
      environment: 'development',
      createdBy: 'portal-admin',
    });
    expect(enabled.tags.filter(t => t.type === 'changed-by')).toEqual([
      { type: 'changed-by', value: 'amara.okafor' },
    ]);

    expect(await p.setEnabled(dev('X_THREE'), false, CHEN)).toBe(true);
    const [disabled] = await events('X_THREE');
    expect(disabled.type).toBe('feature-environment-disabled');
    // the person of this change only, not the previous one's tag as well
    expect(disabled.tags.filter(t => t.type === 'changed-by')).toEqual([
      { type: 'changed-by', value: 'chen.wei' },
    ]);

    // already off in Unleash: unchanged, and Unleash records nothing
    const count = (await events('X_THREE')).length;
    expect(await p.setEnabled(dev('X_THREE'), false, AMARA)).toBe(false);
    expect(await events('X_THREE')).toHaveLength(count);
  });
});
