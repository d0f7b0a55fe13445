import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DEFAULT_HEALTH_OBJECTIVES } from '@internal/backstage-plugin-health-common';
import { ConfigReader } from '@backstage/config';
import { CapabilityUrlResolver } from '@internal/backstage-plugin-stackpro-common';
import { TestDatabases } from '@backstage/backend-test-utils';
import { AddressPolicy } from '../probe/AddressPolicy';
import { HttpProber } from '../probe/HttpProber';
import { ProbeRunner } from '../probe/ProbeRunner';
import { DatabaseHealthStore } from '../store/DatabaseHealthStore';
import {
  stackProHealth,
  startServer,
  TestServer,
} from '../__testUtils__/servers';
import { EndpointDirectory } from './EndpointDirectory';
import { HealthMonitor } from './HealthMonitor';
import { DefaultHealthService } from './HealthService';
import { Notifier } from './Notifier';
import { SloEvaluator } from './SloEvaluator';

jest.setTimeout(60_000);

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function capability(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      title: name,
      labels: { 'stackportal.io/stack': 'communication-stack' },
      annotations,
    },
    spec: {
      type: 'capability',
      owner: 'team-platform',
      system: 'stackpro',
      lifecycle: 'production',
    },
  };
}

describe('HealthMonitor: a probing run from the catalog to alerts', () => {
  let server: TestServer;
  let answer: 'ok' | 'degraded' | 'fail' = 'ok';

  beforeAll(async () => {
    server = await startServer((_req, res) => {
      res.statusCode = answer === 'fail' ? 503 : 200;
      res.end(stackProHealth(answer === 'fail' ? 'down' : answer));
    });
  });
  afterAll(() => server.close());

  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function setup(startupGrace?: { startedAt: number; ms: number }) {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseHealthStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    const resolver = CapabilityUrlResolver.fromConfig(
      new ConfigReader({
        stackpro: {
          capabilities: {
            messaging: { baseUrl: { local: `${server.url}/messaging` } },
          },
        },
      }),
    );
    const catalog = catalogServiceMock({
      entities: [
        capability('stackpro-messaging', {
          'stackportal.io/capability': 'messaging',
          'stackportal.io/health-endpoint': '/v1/health',
        }),
        capability('metadata-thief', {
          'stackportal.io/health-endpoint':
            'http://169.254.169.254/latest/meta-data/',
        }),
        capability('no-base-url', {
          'stackportal.io/capability': 'nowhere',
          'stackportal.io/health-endpoint': '/v1/health',
          'stackportal.io/slo-availability': 'lots',
        }),
      ],
    });
    let now = T0;
    const clock = {
      now: () => now,
      advance: (ms: number) => {
        now += ms;
      },
    };
    const sent: Array<{ entityRef: unknown; title: string; topic?: string }> =
      [];
    const audited: Array<{ eventId: string; meta: unknown }> = [];
    const monitor = HealthMonitor.create({
      directory: EndpointDirectory.create({
        catalog,
        auth: mockServices.auth(),
        resolver,
      }),
      store,
      runner: ProbeRunner.create({
        prober: HttpProber.create({
          policy: AddressPolicy.create(),
          timeoutMs: 1000,
          now: clock.now,
        }),
        concurrency: 4,
        jitterMs: 5,
      }),
      evaluator: SloEvaluator.create({
        store,
        defaults: DEFAULT_HEALTH_OBJECTIVES,
        intervalMs: 30_000,
      }),
      notifier: Notifier.create({
        notifications: {
          send: async n =>
            void sent.push({
              entityRef: (n.recipients as any).entityRef,
              title: n.payload.title,
              topic: n.payload.topic,
            }),
        },
        logger: mockServices.logger.mock(),
      }),
      auditor: {
        createEvent: async (o: { eventId: string; meta?: unknown }) => ({
          success: async () =>
            void audited.push({ eventId: o.eventId, meta: o.meta }),
          fail: async () => {},
        }),
      } as any,
      logger: mockServices.logger.mock(),
      retention: { raw: 2 * DAY, m: 2 * DAY, h: 32 * DAY, d: 400 * DAY },
      incidents: { openAfter: 2, closeAfter: 2 },
      now: clock.now,
      startupGrace,
    });
    const service = DefaultHealthService.create({
      store,
      catalog,
      resolver,
      defaults: DEFAULT_HEALTH_OBJECTIVES,
      intervalSeconds: 30,
      now: clock.now,
    });
    return { monitor, service, clock, sent, audited };
  }

  it('neither alerts nor counts failures within the start-up grace period after an endpoint appears, and does after it', async () => {
    // the backend runs since long; the endpoint appears at T0, its server not up yet
    const { monitor, service, clock, sent } = await setup({
      startedAt: T0 - 10 * MINUTE,
      ms: 2 * MINUTE,
    });
    const credentials = await mockServices.auth().getOwnServiceCredentials();
    const messaging = async () =>
      (await service.list({}, credentials)).items.find(
        i => i.entityRef === 'component:default/stackpro-messaging',
      )!;
    answer = 'fail';
    for (let run = 0; run < 4; run++) {
      expect(await monitor.run()).toMatchObject({
        incidentsOpened: 0,
        alertChanges: 0,
      });
      clock.advance(30_000);
    }
    expect(sent).toEqual([]);
    expect(await messaging()).toMatchObject({
      status: 'down',
      alerts: [],
      budget: { failures: 0 },
    });

    // past the grace period, failures count again
    expect(await monitor.run()).toMatchObject({ incidentsOpened: 0 });
    clock.advance(30_000);
    expect(await monitor.run()).toMatchObject({ incidentsOpened: 1 });
    expect(sent.map(s => s.topic)).toEqual([
      'health-burn-page',
      'health-incident',
    ]);
    expect((await messaging()).budget.failures).toBe(2);
  });

  it('probes, opens an incident, pages the owner, and closes both on recovery', async () => {
    const { monitor, service, clock, sent, audited } = await setup();
    const credentials = mockServices.auth().getOwnServiceCredentials();
    answer = 'ok';
    expect(await monitor.run()).toMatchObject({
      probed: 1,
      refused: 1,
      incidentsOpened: 0,
      alertChanges: 0,
    });

    let list = await service.list({}, await credentials);
    const row = (ref: string) => list.items.find(i => i.entityRef === ref)!;
    expect(row('component:default/stackpro-messaging')).toMatchObject({
      status: 'up',
      stack: 'communication-stack',
      owner: 'team-platform',
      budget: { remaining: 1 },
    });
    expect(row('component:default/metadata-thief').problems[0].message).toMatch(
      /169\.254\.169\.254 is a link-local/,
    );
    expect(
      row('component:default/no-base-url').problems.map(p => p.annotation),
    ).toEqual(['stackportal.io/slo-availability', 'stackportal.io/capability']);

    answer = 'fail';
    clock.advance(30_000);
    expect(await monitor.run()).toMatchObject({ incidentsOpened: 0 });
    expect(sent.map(s => s.topic)).toEqual(['health-burn-page']);
    expect(sent[0]).toMatchObject({ entityRef: 'group:default/team-platform' });
    clock.advance(30_000);
    expect(await monitor.run()).toMatchObject({ incidentsOpened: 1 });
    expect(sent.map(s => s.topic)).toEqual([
      'health-burn-page',
      'health-incident',
    ]);
    list = await service.list({}, await credentials);
    expect(
      row('component:default/stackpro-messaging').alerts.map(a => a.rule),
    ).toEqual(
      expect.arrayContaining(['page-1h', 'page-6h', 'ticket-1d', 'ticket-3d']),
    );
    expect(
      (await service.incidents(await credentials)).map(i => i.cause),
    ).toEqual(['HTTP 503; failing: flags']);

    answer = 'ok';
    clock.advance(31 * MINUTE);
    await monitor.run();
    clock.advance(30_000);
    expect(await monitor.run()).toMatchObject({ incidentsClosed: 1 });
    expect(
      sent.filter(s => s.title.includes('page-level burn has stopped')),
    ).toHaveLength(1);
    expect(await service.incidents(await credentials)).toEqual([]);
    // tickets keep firing: the day still burns, but pages stopped
    list = await service.list({}, await credentials);
    expect(
      row('component:default/stackpro-messaging').alerts.map(a => a.severity),
    ).toEqual(['ticket', 'ticket']);

    expect(
      audited.map(a => [
        a.eventId,
        (a.meta as any).rule ?? (a.meta as any).state,
        (a.meta as any).state,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['health-alert', 'page-1h', 'firing'],
        ['health-incident', 'opened', 'opened'],
        ['health-incident', 'closed', 'closed'],
        ['health-alert', 'page-1h', 'resolved'],
      ]),
    );

    const detail = await service.entity(
      'component:default/stackpro-messaging',
      'minute',
      await credentials,
    );
    expect(detail.probes.map(p => p.status)).toEqual([
      'up',
      'up',
      'down',
      'down',
      'up',
    ]);
    expect(detail.slo.find(f => f.window === '30d')).toMatchObject({
      samples: 5,
      availability: 0.6,
    });
    expect(detail.incidents[0].closedAt).toBe(
      T0 + 60_000 + 31 * MINUTE + 30_000,
    );
  });

  it('reads a degraded capability as degraded, and discovery says so with its flags and base URLs', async () => {
    const { monitor, service } = await setup();
    answer = 'degraded';
    await monitor.run();
    const credentials = await mockServices.auth().getOwnServiceCredentials();
    const discovery = await service.capabilities(credentials);
    expect(
      discovery.capabilities.find(c => c.name === 'messaging'),
    ).toMatchObject({
      entityRef: 'component:default/stackpro-messaging',
      enabled: true,
      version: 'v1',
      degraded: true,
      flags: { degraded: 'CAP_MESSAGING_DEGRADED' },
      baseUrls: [
        {
          environment: 'local',
          url: `${server.url}/messaging`,
          source: 'config',
        },
      ],
      health: { status: 'degraded' },
    });
  });
});
