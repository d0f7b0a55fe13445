import { TestDatabases } from '@backstage/backend-test-utils';
// the flags backend's real Unleash test server, as its own tests start it
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  ADMIN_TOKEN,
  UnleashTestServer,
} from '@internal/backstage-plugin-feature-flags-backend/testUtils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  ADMIN,
  ENGINEER,
  runTemplate,
  startPortal,
} from './__testUtils__/portal';

jest.setTimeout(300_000);

/*
 * New capability with a real Unleash (the `unleash-server` package, on the
 * PostgreSQL at 127.0.0.1:5432) as the portal's flags provider: the same
 * template and the same stackpro:flags:create as on the embedded provider.
 */
const databases = TestDatabases.create({ ids: ['POSTGRES_16'] });
const postgres = Boolean(
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING,
);
if (!postgres) {
  // eslint-disable-next-line no-console
  console.warn(
    '################################################################\n' +
      'BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING is not set: New\n' +
      'capability on a real Unleash (which needs PostgreSQL) is SKIPPED\n' +
      '################################################################',
  );
}
const describeWithUnleash = postgres ? describe : describe.skip;

const capability = (name: string) => ({
  name,
  title: `StackPro ${name[0].toUpperCase()}${name.slice(1)}`,
  description: `The ${name} capability: routes between a tenant's addresses.`,
  owner: 'group:default/team-ai',
  stack: 'system:default/ai-stack',
  endpoints: [{ method: 'GET', path: '/v1/routes' }],
  destination: 'local',
});

interface UnleashFeature {
  name: string;
  project: string;
  environments: Array<{ name: string; enabled: boolean }>;
}

describeWithUnleash('New capability on a real Unleash', () => {
  let unleash: UnleashTestServer;
  let portal: Awaited<ReturnType<typeof startPortal>>;
  let repositories: string;

  /** The portal's flags on this Unleash, as in app-config.production.yaml. */
  const unleashConfig = () => ({
    featureFlags: {
      provider: 'unleash',
      protectedEnvironments: ['production'],
      defaultProject: 'default',
    },
    unleash: {
      url: unleash.url,
      adminToken: ADMIN_TOKEN,
      timeoutMs: 3000,
      cacheTtlMs: 0,
      searchIntervalMs: 0,
    },
  });

  beforeAll(async () => {
    // the portal searches Unleash with every read here (searchIntervalMs: 0)
    unleash = await UnleashTestServer.create({
      env: { SEARCH_FEATURES_RATE_LIMIT_PER_MINUTE: '1000' },
    });
    repositories = fs.mkdtempSync(path.join(os.tmpdir(), 'stackportal-repos-'));
    portal = await startPortal({
      database: () => databases.init('POSTGRES_16'),
      repositories,
      config: unleashConfig(),
    });
  });
  afterAll(async () => {
    await portal?.stop();
    await unleash?.destroy();
    if (repositories) fs.rmSync(repositories, { recursive: true, force: true });
  });

  const inUnleash = async (flag: string) => {
    const res = await fetch(
      `${unleash.url}/api/admin/projects/default/features/${flag}`,
      { headers: { Authorization: ADMIN_TOKEN } },
    );
    return res.ok ? ((await res.json()) as UnleashFeature) : undefined;
  };

  it("creates the capability's three flags in Unleash, off in every environment, once another admin approves their creation", async () => {
    const task = await runTemplate(
      portal.server,
      ENGINEER,
      'new-capability',
      capability('routing'),
    );
    const log = task.log.join('\n');
    expect({ status: task.status, log }).toMatchObject({ status: 'completed' });
    // production is protected: the creation of each flag waits for an admin
    expect(log).toMatch(/CAP_ROUTING_ENABLED: creation is change request \S+/);
    expect(await inUnleash('CAP_ROUTING_ENABLED')).toBeUndefined();

    const pending = await request(portal.server)
      .get('/api/feature-flags/change-requests?status=pending')
      .set('Authorization', portal.as(ADMIN));
    const requests = (
      pending.body.items as Array<{ id: string; flag: string }>
    ).filter(c => c.flag.startsWith('CAP_ROUTING_'));
    expect(requests.map(c => c.flag).sort()).toEqual([
      'CAP_ROUTING_DEGRADED',
      'CAP_ROUTING_ENABLED',
      'CAP_ROUTING_VERSION',
    ]);
    for (const cr of requests) {
      const approved = await request(portal.server)
        .post(`/api/feature-flags/change-requests/${cr.id}/approve`)
        .set('Authorization', portal.as(ADMIN))
        .send({});
      expect(approved.status).toBe(200);
    }

    for (const flag of [
      'CAP_ROUTING_ENABLED',
      'CAP_ROUTING_VERSION',
      'CAP_ROUTING_DEGRADED',
    ]) {
      const feature = await inUnleash(flag);
      expect(feature).toMatchObject({ name: flag, project: 'default' });
      expect(feature!.environments.length).toBeGreaterThan(0);
      expect(feature!.environments.filter(e => e.enabled)).toEqual([]);
    }
  });

  it('a flags project Unleash does not have: the task says so and how to fix it, and creates nothing', async () => {
    const elsewhere = await startPortal({
      database: () => databases.init('POSTGRES_16'),
      repositories,
      config: {
        ...unleashConfig(),
        // the embedded default's project; Unleash's open-source edition has only "default"
        templates: {
          localRepositories: repositories,
          flagsProject: 'stackpro',
        },
      },
    });
    try {
      const task = await runTemplate(
        elsewhere.server,
        ENGINEER,
        'new-capability',
        capability('transit'),
      );
      expect(task.status).toBe('failed');
      expect(task.log.join('\n')).toMatch(
        /The flags provider has no project "stackpro" \(Project stackpro not found\): nothing was created\. Create the project there, or set templates.flagsProject/,
      );
      expect(await inUnleash('CAP_TRANSIT_ENABLED')).toBeUndefined();
      expect(fs.readdirSync(repositories)).not.toContain('stackpro-transit');
    } finally {
      await elsewhere.stop();
    }
  });
});
