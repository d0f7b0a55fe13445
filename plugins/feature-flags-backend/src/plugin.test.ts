import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { Unleash } from 'unleash-client';
import { CLIENT_TOKEN, startFlagsBackend } from './__testUtils__/backend';
import { ADMIN, ADMIN2, ENGINEER, OWNER, as } from './__testUtils__/fixtures';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });
const startBackend = (
  databaseId: Parameters<typeof databases.init>[0],
  extraConfig: object = {},
) => startFlagsBackend(databases, databaseId, extraConfig);

const api = '/api/feature-flags';

describe.each(databases.eachSupportedId())(
  'feature flags on the embedded provider, %p',
  databaseId => {
    it("seeds the StackPro capabilities' flags from the catalog and shows them to everyone signed in", async () => {
      const { server } = await startBackend(databaseId);
      const res = await request(server)
        .get(`${api}/flags`)
        .set('Authorization', as(ENGINEER));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ provider: 'local', degraded: false });
      expect(res.body.environments).toEqual([
        { name: 'development', type: 'development', protected: false },
        { name: 'staging', type: 'development', protected: false },
        { name: 'production', type: 'production', protected: true },
      ]);
      const names = res.body.flags.map((f: any) => f.name);
      for (const cap of ['MESSAGING', 'DATALAKE', 'AI', 'BILLING']) {
        expect(names).toEqual(
          expect.arrayContaining([
            `CAP_${cap}_ENABLED`,
            `CAP_${cap}_VERSION`,
            `CAP_${cap}_DEGRADED`,
          ]),
        );
      }
      const messaging = res.body.flags.find(
        (f: any) => f.name === 'CAP_MESSAGING_ENABLED',
      );
      expect(messaging).toMatchObject({
        project: 'stackpro',
        type: 'release',
        tags: [
          { type: 'capability', value: 'messaging' },
          { type: 'stack', value: 'communication-stack' },
        ],
        entities: [
          {
            entityRef: 'component:default/stackpro-messaging',
            owner: 'group:default/team-ai',
            stack: 'communication-stack',
          },
        ],
      });
      expect(
        messaging.environments.map((e: any) => [e.name, e.enabled]),
      ).toEqual([
        ['development', true],
        ['staging', false],
        ['production', false],
      ]);

      const tab = await request(server)
        .get(`${api}/flags`)
        .query({ entityRef: 'component:default/stackpro-billing' })
        .set('Authorization', as(ENGINEER));
      expect(tab.body.flags.map((f: any) => f.name).sort()).toEqual([
        'CAP_BILLING_DEGRADED',
        'CAP_BILLING_ENABLED',
        'CAP_BILLING_VERSION',
      ]);

      const signedOut = await request(server)
        .get(`${api}/flags`)
        .set('Authorization', mockCredentials.none.header());
      expect(signedOut.status).toBe(401);
    });

    it('toggles a non-protected environment at once, once, attributed and audited', async () => {
      const { server, auditStore } = await startBackend(databaseId);
      const path = `${api}/flags/stackpro/CAP_AI_ENABLED/environments/staging`;
      const first = await request(server)
        .put(path)
        .set('Authorization', as(ADMIN))
        .send({ enabled: true });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ outcome: 'applied' });
      // a double click: the second request finds the state already set and changes nothing
      const second = await request(server)
        .put(path)
        .set('Authorization', as(ADMIN))
        .send({ enabled: true });
      expect(second.body).toEqual({ outcome: 'unchanged' });

      const flag = await request(server)
        .get(`${api}/flags/stackpro/CAP_AI_ENABLED`)
        .set('Authorization', as(ENGINEER));
      expect(
        flag.body.flag.environments.find((e: any) => e.name === 'staging'),
      ).toMatchObject({
        enabled: true,
        strategies: [
          { name: 'flexibleRollout', parameters: { rollout: '100' } },
        ],
      });
      expect(flag.body.flag.lastChange).toMatchObject({
        actor: ADMIN,
        action: 'enabled',
        environment: 'staging',
      });

      const events = await auditStore.query(
        { plugin: ['feature-flags'], action: ['flag-toggle'] },
        { limit: 10 },
      );
      expect(events.filter(e => e.outcome === 'succeeded')).toHaveLength(2);
      expect(events[0]).toMatchObject({
        actor: { type: 'user', ref: ADMIN },
        severity: 'medium',
        target: 'feature-flag:stackpro/CAP_AI_ENABLED',
      });
    });

    it('lets engineers read but not change, and tells the UI what each user may do', async () => {
      const { server } = await startBackend(databaseId);
      const toggle = await request(server)
        .put(`${api}/flags/stackpro/CAP_AI_ENABLED/environments/staging`)
        .set('Authorization', as(ENGINEER))
        .send({ enabled: true });
      expect(toggle.status).toBe(403);
      expect(toggle.body.error.message).toContain(
        'feature-flags.flag.toggle is for admins',
      );
      for (const [method, path, body] of [
        ['post', `${api}/flags`, { name: 'NEW_FLAG' }],
        ['delete', `${api}/flags/stackpro/CAP_AI_ENABLED`, undefined],
        [
          'post',
          `${api}/flags/stackpro/CAP_AI_ENABLED/environments/staging/strategies`,
          { parameters: { rollout: '10' } },
        ],
      ] as const) {
        const res = await (request(server) as any)
          [method](path)
          .set('Authorization', as(ENGINEER))
          .send(body);
        expect({ path, status: res.status }).toEqual({ path, status: 403 });
      }
      const engineer = await request(server)
        .get(`${api}/capabilities`)
        .set('Authorization', as(ENGINEER));
      expect(engineer.body).toMatchObject({
        toggle: false,
        create: false,
        approve: false,
        protectedEnvironments: ['production'],
      });
      const admin = await request(server)
        .get(`${api}/capabilities`)
        .set('Authorization', as(ADMIN));
      expect(admin.body).toMatchObject({
        toggle: true,
        create: true,
        archive: true,
        updateStrategy: true,
        approve: true,
      });
    });

    it('lets owners toggle their own capability outside protected environments when configured', async () => {
      const { server } = await startBackend(databaseId, {
        ownersMayToggle: true,
      });
      const own = await request(server)
        .put(`${api}/flags/stackpro/CAP_MESSAGING_ENABLED/environments/staging`)
        .set('Authorization', as(OWNER))
        .send({ enabled: true });
      expect(own.status).toBe(200);
      const other = await request(server)
        .put(`${api}/flags/stackpro/CAP_BILLING_ENABLED/environments/staging`)
        .set('Authorization', as(OWNER))
        .send({ enabled: true });
      expect(other.status).toBe(403);
      const prod = await request(server)
        .put(
          `${api}/flags/stackpro/CAP_MESSAGING_ENABLED/environments/production`,
        )
        .set('Authorization', as(OWNER))
        .send({ enabled: true, reason: 'launch' });
      expect(prod.status).toBe(403);
      const caps = await request(server)
        .get(`${api}/capabilities`)
        .set('Authorization', as(OWNER));
      expect(caps.body.ownerToggleFlags.sort()).toEqual([
        'stackpro/CAP_AI_DEGRADED',
        'stackpro/CAP_AI_ENABLED',
        'stackpro/CAP_AI_VERSION',
        'stackpro/CAP_MESSAGING_DEGRADED',
        'stackpro/CAP_MESSAGING_ENABLED',
        'stackpro/CAP_MESSAGING_VERSION',
      ]);
    });

    it('turns a production toggle into a change request that only a second admin can apply', async () => {
      const { server, auditStore, notifications } = await startBackend(
        databaseId,
      );
      const path = `${api}/flags/stackpro/CAP_BILLING_ENABLED/environments/production`;
      const noReason = await request(server)
        .put(path)
        .set('Authorization', as(ADMIN))
        .send({ enabled: true, reason: '  ' });
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.message).toContain('a reason is required');

      const asked = await request(server)
        .put(path)
        .set('Authorization', as(ADMIN))
        .send({ enabled: true, reason: 'Billing v1 passed load tests' });
      expect(asked.status).toBe(202);
      expect(asked.body.outcome).toBe('change-request');
      const id = asked.body.changeRequest.id;
      const twice = await request(server)
        .put(path)
        .set('Authorization', as(ADMIN))
        .send({ enabled: true, reason: 'Billing v1 passed load tests' });
      expect(twice.status).toBe(409);

      expect(notifications).toHaveLength(1);
      expect(notifications[0]).toMatchObject({
        recipients: {
          type: 'entity',
          entityRef: ['group:default/platform-admins'],
          excludeEntityRef: ADMIN,
        },
        payload: {
          title: 'Approve CAP_BILLING_ENABLED on in production?',
          link: `/feature-flags?changeRequest=${id}`,
        },
      });

      let flag = await request(server)
        .get(`${api}/flags/stackpro/CAP_BILLING_ENABLED`)
        .set('Authorization', as(ADMIN));
      expect(
        flag.body.flag.environments.find((e: any) => e.name === 'production')
          .enabled,
      ).toBe(false);
      const pending = await request(server)
        .get(`${api}/change-requests?status=pending`)
        .set('Authorization', as(ENGINEER));
      expect(pending.body.items).toMatchObject([
        {
          id,
          requestedBy: ADMIN,
          reason: 'Billing v1 passed load tests',
          status: 'pending',
        },
      ]);

      const own = await request(server)
        .post(`${api}/change-requests/${id}/approve`)
        .set('Authorization', as(ADMIN))
        .send({});
      expect(own.status).toBe(403);
      expect(own.body.error.message).toContain('another admin must approve it');
      const engineer = await request(server)
        .post(`${api}/change-requests/${id}/approve`)
        .set('Authorization', as(ENGINEER))
        .send({});
      expect(engineer.status).toBe(403);

      const [approved, again] = await Promise.all([
        request(server)
          .post(`${api}/change-requests/${id}/approve`)
          .set('Authorization', as(ADMIN2))
          .send({ comment: 'ok' }),
        request(server)
          .post(`${api}/change-requests/${id}/approve`)
          .set('Authorization', as(ADMIN2))
          .send({ comment: 'ok' }),
      ]);
      expect([approved.status, again.status].sort()).toEqual([200, 409]);
      const winner = approved.status === 200 ? approved : again;
      expect(winner.body).toMatchObject({
        status: 'applied',
        decidedBy: ADMIN2,
      });

      flag = await request(server)
        .get(`${api}/flags/stackpro/CAP_BILLING_ENABLED`)
        .set('Authorization', as(ADMIN));
      expect(
        flag.body.flag.environments.find((e: any) => e.name === 'production')
          .enabled,
      ).toBe(true);
      expect(flag.body.flag.lastChange).toMatchObject({
        actor: ADMIN2,
        summary: expect.stringContaining("approving amara.okafor's request"),
      });

      const audit = await auditStore.query(
        { plugin: ['feature-flags'] },
        { limit: 20 },
      );
      expect(
        audit.filter(
          e =>
            e.action === 'change-request-approve' && e.outcome === 'succeeded',
        ),
      ).toMatchObject([{ actor: { ref: ADMIN2 }, severity: 'high' }]);
      expect(
        audit.filter(
          e =>
            e.action === 'change-request-create' && e.outcome === 'succeeded',
        ),
      ).toMatchObject([{ actor: { ref: ADMIN }, severity: 'high' }]);

      // rejection needs a comment, and not from the requester
      const again2 = await request(server)
        .put(path)
        .set('Authorization', as(ADMIN2))
        .send({ enabled: false, reason: 'roll back' });
      const rid = again2.body.changeRequest.id;
      const noComment = await request(server)
        .post(`${api}/change-requests/${rid}/reject`)
        .set('Authorization', as(ADMIN))
        .send({});
      expect(noComment.status).toBe(400);
      const rejected = await request(server)
        .post(`${api}/change-requests/${rid}/reject`)
        .set('Authorization', as(ADMIN))
        .send({ comment: 'not during the sale' });
      expect(rejected.body).toMatchObject({
        status: 'rejected',
        decidedBy: ADMIN,
        decisionComment: 'not during the sale',
      });
    });

    it('targets a tenant and previews what unleash-client answers', async () => {
      const { server } = await startBackend(databaseId);
      const flag = await request(server)
        .get(`${api}/flags/stackpro/CAP_DATALAKE_ENABLED`)
        .set('Authorization', as(ADMIN));
      const staging = flag.body.flag.environments.find(
        (e: any) => e.name === 'staging',
      );
      const strategyId = staging.strategies[0].id;
      const saved = await request(server)
        .put(
          `${api}/flags/stackpro/CAP_DATALAKE_ENABLED/environments/staging/strategies/${strategyId}`,
        )
        .set('Authorization', as(ADMIN))
        .send({
          parameters: {
            rollout: '100',
            stickiness: 'default',
            groupId: 'CAP_DATALAKE_ENABLED',
          },
          constraints: [
            { contextName: 'tenantId', operator: 'IN', values: ['acme'] },
          ],
        });
      expect(saved.status).toBe(200);
      await request(server)
        .put(`${api}/flags/stackpro/CAP_DATALAKE_ENABLED/environments/staging`)
        .set('Authorization', as(ADMIN))
        .send({ enabled: true });

      const preview = (tenantId: string) =>
        request(server)
          .post(`${api}/flags/stackpro/CAP_DATALAKE_ENABLED/evaluate`)
          .set('Authorization', as(ENGINEER))
          .send({
            environment: 'staging',
            context: { tenantId, userId: 'u1' },
          });
      expect((await preview('acme')).body).toMatchObject({
        isEnabled: true,
        environment: 'staging',
      });
      expect((await preview('globex')).body).toMatchObject({
        isEnabled: false,
      });

      const version = await request(server)
        .post(`${api}/flags/stackpro/CAP_DATALAKE_VERSION/evaluate`)
        .set('Authorization', as(ENGINEER))
        .send({ environment: 'production', context: { tenantId: 'acme' } });
      expect(version.body).toMatchObject({
        isEnabled: true,
        variant: {
          name: 'v1',
          enabled: true,
          payload: { type: 'string', value: 'v1' },
        },
      });
      const history = await request(server)
        .get(`${api}/flags/stackpro/CAP_DATALAKE_ENABLED`)
        .set('Authorization', as(ENGINEER));
      expect(history.body.flag.lastChange.actor).toBe(ADMIN);
    });

    it('answers bad input with a 400 or 404 that names the problem, before changing anything', async () => {
      const { server } = await startBackend(databaseId);
      const cases: Array<[string, string, object | undefined, number, string]> =
        [
          [
            'put',
            '/flags/stackpro/NOPE/environments/staging',
            { enabled: true },
            404,
            'Flag NOPE not found in project stackpro',
          ],
          [
            'put',
            '/flags/nowhere/CAP_AI_ENABLED/environments/staging',
            { enabled: true },
            404,
            'Project nowhere not found',
          ],
          [
            'put',
            '/flags/stackpro/CAP_AI_ENABLED/environments/qa',
            { enabled: true },
            404,
            'Environment qa not found',
          ],
          [
            'put',
            '/flags/stackpro/CAP_AI_ENABLED/environments/staging',
            { enabled: 'yes' },
            400,
            'enabled must be true or false',
          ],
          [
            'post',
            '/flags/stackpro/CAP_AI_ENABLED/environments/staging/strategies',
            { parameters: { rollout: '101' } },
            400,
            'rollout must be a whole percentage from 0 to 100',
          ],
          [
            'post',
            '/flags/stackpro/CAP_AI_ENABLED/environments/staging/strategies',
            {
              parameters: { rollout: '50' },
              constraints: [
                { contextName: 'tenantId', operator: 'LIKE', values: ['a'] },
              ],
            },
            400,
            'unknown operator "LIKE"',
          ],
          [
            'post',
            '/flags/stackpro/CAP_AI_ENABLED/environments/staging/strategies',
            {
              parameters: { rollout: '50' },
              constraints: [
                { contextName: 'tenantId', operator: 'IN', values: [] },
              ],
            },
            400,
            'IN needs at least one value',
          ],
          [
            'put',
            '/flags/stackpro/CAP_AI_ENABLED/environments/staging/strategies/nope',
            { parameters: { rollout: '50' } },
            404,
            'Strategy nope not found',
          ],
          [
            'post',
            '/flags',
            { name: 'has space', project: 'stackpro' },
            400,
            'is not URL-friendly',
          ],
          [
            'post',
            '/flags',
            { name: 'X'.repeat(101), project: 'stackpro' },
            400,
            'at most 100 characters',
          ],
          [
            'post',
            '/flags',
            { name: 'OK_NAME', project: 'nowhere' },
            404,
            'Project nowhere not found',
          ],
          [
            'post',
            '/flags/stackpro/NOPE/evaluate',
            { environment: 'staging' },
            404,
            'Flag NOPE not found',
          ],
          [
            'post',
            '/flags/stackpro/CAP_AI_ENABLED/evaluate',
            { environment: 'qa' },
            404,
            'Environment qa not found',
          ],
          [
            'post',
            '/change-requests/1234/approve',
            {},
            404,
            'Change request 1234 not found',
          ],
        ];
      for (const [method, path, body, status, message] of cases) {
        const res = await (request(server) as any)
          [method](`${api}${path}`)
          .set('Authorization', as(ADMIN))
          .send(body);
        expect({ path, status: res.status }).toEqual({ path, status });
        expect({ path, message: res.body.error?.message }).toEqual({
          path,
          message: expect.stringContaining(message),
        });
      }
    });

    it('creates and archives a flag at once where no environment is protected', async () => {
      const { server } = await startBackend(databaseId, {
        protectedEnvironments: [],
      });
      const created = await request(server)
        .post(`${api}/flags`)
        .set('Authorization', as(ADMIN))
        .send({
          project: 'stackpro',
          name: 'CAP_SEARCH_ENABLED',
          type: 'release',
          description: 'search',
          tags: [{ type: 'capability', value: 'search' }],
        });
      expect(created.status).toBe(201);
      expect(created.body.flag).toMatchObject({
        name: 'CAP_SEARCH_ENABLED',
        lastChange: { actor: ADMIN, action: 'created' },
      });
      const dup = await request(server)
        .post(`${api}/flags`)
        .set('Authorization', as(ADMIN))
        .send({ project: 'stackpro', name: 'CAP_SEARCH_ENABLED' });
      expect(dup.status).toBe(409);
      expect(
        (
          await request(server)
            .delete(`${api}/flags/stackpro/CAP_SEARCH_ENABLED`)
            .set('Authorization', as(ADMIN))
        ).status,
      ).toBe(204);
      expect(
        (
          await request(server)
            .get(`${api}/flags/stackpro/CAP_SEARCH_ENABLED`)
            .set('Authorization', as(ADMIN))
        ).status,
      ).toBe(404);
    });

    it("serves Unleash's client API so a capability's own unleash-client sees the toggles", async () => {
      const { server } = await startBackend(databaseId);
      const denied = await request(server)
        .get(`${api}/client/features`)
        .set('Authorization', 'wrong');
      expect(denied.status).toBe(403);
      await request(server)
        .put(`${api}/flags/stackpro/CAP_AI_DEGRADED/environments/development`)
        .set('Authorization', as(ADMIN))
        .send({ enabled: true });

      const { port } = server.address() as AddressInfo;
      const client = new Unleash({
        appName: 'stackpro-ai',
        url: `http://127.0.0.1:${port}/api/feature-flags/`,
        customHeaders: { Authorization: CLIENT_TOKEN },
        refreshInterval: 1000,
        disableMetrics: true,
        skipInstanceCountWarning: true,
        storageProvider: new (require('unleash-client').InMemStorageProvider)(),
      });
      try {
        await new Promise<void>((resolve, reject) => {
          client.once('synchronized', () => resolve());
          client.once('error', reject);
        });
        expect(client.isEnabled('CAP_AI_DEGRADED')).toBe(true);
        expect(client.isEnabled('CAP_AI_ENABLED')).toBe(true);
        expect(client.isEnabled('CAP_BILLING_DEGRADED')).toBe(false);
        expect(
          client.getVariant('CAP_AI_VERSION', {
            properties: { tenantId: 'acme' },
          }),
        ).toMatchObject({ name: 'v1', enabled: true });

        // the client keeps polling: a later toggle reaches it
        const changed = new Promise<void>(resolve =>
          client.once('changed', () => resolve()),
        );
        await request(server)
          .put(`${api}/flags/stackpro/CAP_AI_DEGRADED/environments/development`)
          .set('Authorization', as(ADMIN))
          .send({ enabled: false });
        await changed;
        expect(client.isEnabled('CAP_AI_DEGRADED')).toBe(false);
      } finally {
        client.destroy();
      }
    });
  },
);
