import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ProbeResult } from '@internal/backstage-plugin-health-common';
import { DatabaseHealthStore } from './DatabaseHealthStore';
import { EndpointInfo } from './HealthStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  return DatabaseHealthStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });
}

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const messaging = 'component:default/stackpro-messaging';
const billing = 'component:default/stackpro-billing';

function endpoint(
  entityRef: string,
  extra: Partial<EndpointInfo> = {},
): EndpointInfo {
  return {
    entityRef,
    kind: 'Component',
    title: entityRef.split('/')[1],
    owner: 'group:default/team-platform',
    system: 'stackpro',
    url: `http://127.0.0.1:7090/${entityRef.split('-')[1]}/v1/health`,
    annotations: {},
    problems: [],
    ...extra,
  };
}

const all = (...starts: number[]) =>
  starts.map(start => ({ start, histogram: true }));

const probe = (
  at: number,
  status: ProbeResult['status'],
  latencyMs = 40,
): ProbeResult => ({
  at,
  status,
  latencyMs,
  httpStatus: status === 'down' ? 503 : 200,
  ...(status === 'down' ? { error: 'HTTP 503' } : {}),
});

describe.each(databases.eachSupportedId())(
  'DatabaseHealthStore on %p',
  databaseId => {
    it("keeps the catalog's endpoints, with problems, and drops the ones that left", async () => {
      const store = await createStore(databaseId);
      await store.syncEndpoints([endpoint(messaging), endpoint(billing)], T0);
      const removed = await store.syncEndpoints(
        [
          endpoint(messaging, {
            url: undefined,
            problems: [
              {
                annotation: 'stackportal.io/capability',
                message: 'no base URL',
              },
            ],
          }),
        ],
        T0 + MINUTE,
      );
      expect(removed).toEqual([billing]);
      const [only] = await store.listEndpoints();
      expect(only).toMatchObject({
        entityRef: messaging,
        url: undefined,
        downStreak: 0,
      });
      expect(only.problems).toEqual([
        { annotation: 'stackportal.io/capability', message: 'no base URL' },
      ]);
      await store.setProbeProblem(messaging, '169.254.169.254 is refused');
      expect((await store.getEndpoint(messaging))!.problems).toHaveLength(2);
    });

    it('stores probes with the latest result and streaks, and rolls them up per minute, hour and day', async () => {
      const store = await createStore(databaseId);
      await store.syncEndpoints([endpoint(messaging)], T0);
      await store.recordProbes([
        { entityRef: messaging, result: probe(T0, 'up', 30) },
      ]);
      await store.recordProbes([
        { entityRef: messaging, result: probe(T0 + 30_000, 'degraded', 180) },
      ]);
      const streaks = await store.recordProbes([
        { entityRef: messaging, result: probe(T0 + MINUTE, 'down') },
      ]);
      expect(streaks.get(messaging)).toEqual({
        downStreak: 1,
        answerStreak: 0,
      });
      const e = await store.getEndpoint(messaging);
      expect(e!.last).toMatchObject({
        status: 'down',
        httpStatus: 503,
        error: 'HTTP 503',
      });
      expect(
        (await store.latestProbes(messaging, 2)).map(p => p.status),
      ).toEqual(['down', 'degraded']);

      const minutes = await store.windowCounts('m', all(T0));
      expect(minutes.get(T0)!.get(messaging)).toMatchObject({
        up: 1,
        degraded: 1,
        down: 1,
      });
      expect(
        await store.latencyMaxSince('m', T0, [messaging, billing]),
      ).toEqual(new Map([[messaging, 180]]));
      const series = await store.series(messaging, 'm', T0);
      expect(series.map(p => [p.at - T0, p.up, p.degraded, p.down])).toEqual([
        [0, 1, 1, 0],
        [MINUTE, 0, 0, 1],
      ]);
      expect(
        (await store.windowCounts('h', all(T0))).get(T0)!.get(messaging),
      ).toMatchObject({
        up: 1,
        degraded: 1,
        down: 1,
      });
      expect(await store.daysSince(T0 - DAY)).toEqual([
        {
          entityRef: messaging,
          day: Date.UTC(2026, 10, 30),
          up: 1,
          degraded: 1,
          down: 1,
          disabled: 0,
        },
      ]);
    });

    it('sums any window from running totals as the buckets in it add up, late probes and pruning included', async () => {
      const store = await createStore(databaseId);
      await store.syncEndpoints([endpoint(messaging), endpoint(billing)], T0);
      const statuses: ProbeResult['status'][] = [
        'up',
        'up',
        'degraded',
        'down',
        'up',
        'disabled',
      ];
      // three days of probes every 20 minutes, written run by run
      const start = T0 - 3 * DAY;
      for (let at = start, i = 0; at <= T0; at += 20 * MINUTE, i++) {
        await store.recordProbes([
          {
            entityRef: messaging,
            result: probe(at, statuses[i % statuses.length], 20 + (i % 9) * 30),
          },
          ...(i % 4 === 0
            ? [{ entityRef: billing, result: probe(at + 5_000, 'down') }]
            : []),
        ]);
      }
      // a late probe, in an hour and a minute that already have later ones
      await store.recordProbes([
        { entityRef: billing, result: probe(T0 - 90 * MINUTE + 7, 'up', 40) },
      ]);
      const cases: Array<['m' | 'h' | 'd', number]> = [
        ['m', T0 - 2 * HOUR],
        ['m', T0 - 100 * MINUTE],
        ['m', T0 + MINUTE],
        ['h', T0 - 7 * HOUR],
        ['h', T0 - 2 * DAY],
        ['h', start - DAY],
        ['d', T0 - 2 * DAY],
      ];
      for (const [resolution, since] of cases) {
        const counts = (
          await store.windowCounts(
            resolution,
            cases
              .filter(c => c[0] === resolution)
              .map((c, i) => ({ start: c[1], histogram: i % 2 === 0 })),
          )
        ).get(since)!;
        for (const ref of [messaging, billing]) {
          const points = await store.series(ref, resolution, since);
          const expected = points.reduce(
            (sum, p) => ({
              up: sum.up + p.up,
              degraded: sum.degraded + p.degraded,
              down: sum.down + p.down,
              disabled: sum.disabled + p.disabled,
            }),
            { up: 0, degraded: 0, down: 0, disabled: 0 },
          );
          const got = counts.get(ref);
          const answered = got
            ? got.up + got.degraded + got.disabled
            : undefined;
          expect({
            resolution,
            since,
            ref,
            ...(got ? { ...got, histogram: undefined, latencyMax: 0 } : {}),
            histogramSum: got?.histogram.length
              ? got.histogram.reduce((x, y) => x + y, 0)
              : answered,
          }).toEqual({
            resolution,
            since,
            ref,
            // nothing in the window: the entity is absent
            ...(points.length
              ? { ...expected, histogram: undefined, latencyMax: 0 }
              : {}),
            histogramSum: points.length
              ? expected.up + expected.degraded + expected.disabled
              : undefined,
          });
        }
      }
      const since = T0 - DAY;
      const answers = (await store.windowCounts('h', all(since)))
        .get(since)!
        .get(messaging)!;
      expect(answers.histogram.reduce((a, b) => a + b, 0)).toBe(
        answers.up + answers.degraded + answers.disabled,
      );
      expect(
        (await store.latencyMaxSince('h', since, [messaging])).get(messaging),
      ).toBe(260);

      // once every hour of billing is pruned, its totals start afresh
      await store.prune(T0 + 40 * DAY, {
        raw: DAY,
        m: DAY,
        h: 32 * DAY,
        d: 400 * DAY,
      });
      expect(
        (await store.windowCounts('h', all(0))).get(0)!.get(billing),
      ).toBeUndefined();
      await store.recordProbes([
        { entityRef: billing, result: probe(T0 + 40 * DAY, 'up') },
      ]);
      expect(
        (await store.windowCounts('h', all(T0 + 39 * DAY)))
          .get(T0 + 39 * DAY)!
          .get(billing),
      ).toMatchObject({ up: 1, down: 0 });
    });

    it('keeps incidents and alert states', async () => {
      const store = await createStore(databaseId);
      const opened = await store.openIncident(messaging, T0, 'HTTP 503');
      expect(await store.openIncidents()).toEqual([
        {
          id: opened.id,
          entityRef: messaging,
          openedAt: T0,
          closedAt: undefined,
          cause: 'HTTP 503',
        },
      ]);
      expect(await store.closeIncident(messaging, T0 + HOUR)).toMatchObject({
        closedAt: T0 + HOUR,
      });
      expect(await store.openIncidents()).toEqual([]);
      expect(
        await store.closeIncident(messaging, T0 + 2 * HOUR),
      ).toBeUndefined();

      await store.saveAlerts([
        {
          entityRef: messaging,
          rule: 'page-1h',
          severity: 'page',
          firing: true,
          since: T0,
          burnRate: 20,
          updatedAt: T0,
        },
        {
          entityRef: billing,
          rule: 'page-1h',
          severity: 'page',
          firing: false,
          since: T0,
          burnRate: 0,
          updatedAt: T0,
        },
      ]);
      expect(
        (await store.alerts({ firingOnly: true })).map(a => a.entityRef),
      ).toEqual([messaging]);
      await store.saveAlerts([
        {
          entityRef: messaging,
          rule: 'page-1h',
          severity: 'page',
          firing: false,
          since: T0 + HOUR,
          burnRate: 2,
          updatedAt: T0 + HOUR,
        },
      ]);
      expect(await store.alerts({ firingOnly: true })).toEqual([]);
    });

    it('prunes raw probes and rollups past their retention, so storage per endpoint stays bounded', async () => {
      const store = await createStore(databaseId);
      await store.syncEndpoints([endpoint(messaging)], T0);
      await store.recordProbes([
        { entityRef: messaging, result: probe(T0 - 3 * DAY, 'up') },
      ]);
      await store.recordProbes([
        { entityRef: messaging, result: probe(T0, 'up') },
      ]);
      await store.prune(T0, {
        raw: 2 * DAY,
        m: 2 * DAY,
        h: 32 * DAY,
        d: 400 * DAY,
      });
      expect(await store.latestProbes(messaging, 10)).toHaveLength(1);
      expect(await store.series(messaging, 'm', 0)).toHaveLength(1);
      expect(await store.series(messaging, 'h', 0)).toHaveLength(2);
    });
  },
);
