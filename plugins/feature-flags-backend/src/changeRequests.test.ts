import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { startFlagsBackend } from './__testUtils__/backend';
import { ADMIN, ADMIN2, ENGINEER, as } from './__testUtils__/fixtures';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });
const api = '/api/feature-flags';
const reason = 'Agreed in the release review';

type Server = Awaited<ReturnType<typeof startFlagsBackend>>['server'];

const getFlag = async (server: Server, name: string) =>
  (
    await request(server)
      .get(`${api}/flags/stackpro/${name}`)
      .set('Authorization', as(ENGINEER))
  ).body.flag;
const envOf = (flag: any, name: string) =>
  flag.environments.find((e: any) => e.name === name);

const approve = (server: Server, id: string, who = ADMIN2) =>
  request(server)
    .post(`${api}/change-requests/${id}/approve`)
    .set('Authorization', as(who))
    .send({});

describe.each(databases.eachSupportedId())(
  'four-eyes on protected environments, %p',
  databaseId => {
    it('turns every kind of change to production into a change request with its diff, and applies none of them', async () => {
      const { server } = await startFlagsBackend(databases, databaseId);
      const before = await getFlag(server, 'CAP_BILLING_ENABLED');
      const strategyId = envOf(before, 'production').strategies[0].id;

      const changes: Array<
        [
          string,
          string,
          string,
          object,
          Array<{ field: string; before?: string; after?: string }>,
        ]
      > = [
        [
          'toggle',
          'put',
          '/flags/stackpro/CAP_BILLING_ENABLED/environments/production',
          { enabled: true },
          [{ field: 'enabled', before: 'off', after: 'on' }],
        ],
        [
          'strategy',
          'put',
          `/flags/stackpro/CAP_AI_ENABLED/environments/production/strategies/${
            envOf(await getFlag(server, 'CAP_AI_ENABLED'), 'production')
              .strategies[0].id
          }`,
          {
            parameters: {
              rollout: '25',
              stickiness: 'default',
              groupId: 'CAP_AI_ENABLED',
            },
            constraints: [
              {
                contextName: 'tenantId',
                operator: 'IN',
                values: ['acme', 'globex'],
              },
            ],
          },
          [
            { field: 'rollout', before: '100%', after: '25%' },
            { field: 'tenants', after: 'acme, globex' },
          ],
        ],
        [
          'new strategy',
          'post',
          '/flags/stackpro/CAP_MESSAGING_ENABLED/environments/production/strategies',
          { parameters: { rollout: '10' } },
          [
            { field: 'new strategy: strategy', after: 'flexibleRollout' },
            { field: 'new strategy: rollout', after: '10%' },
          ],
        ],
        [
          'variants',
          'put',
          '/flags/stackpro/CAP_AI_VERSION/environments/production/variants',
          {
            variants: [
              {
                name: 'v1',
                weight: 0,
                payload: { type: 'string', value: 'v1' },
              },
              {
                name: 'v2',
                weight: 0,
                payload: { type: 'string', value: 'v2' },
              },
            ],
          },
          [
            {
              field: 'variant v1',
              before: '100% (variable), sticky on default, payload string v1',
              after: '50% (variable), sticky on default, payload string v1',
            },
            {
              field: 'variant v2',
              after: '50% (variable), sticky on default, payload string v2',
            },
          ],
        ],
        [
          'create',
          'post',
          '/flags',
          {
            project: 'stackpro',
            name: 'CAP_SEARCH_ENABLED',
            type: 'release',
            tags: [],
          },
          [
            { field: 'flag', after: 'created' },
            { field: 'type', after: 'release' },
            { field: 'every environment', after: 'off' },
          ],
        ],
        [
          'archive',
          'delete',
          '/flags/stackpro/CAP_DATALAKE_DEGRADED',
          {},
          [
            { field: 'flag', before: 'live', after: 'archived' },
            {
              field: 'development',
              before: 'off, 1 strategies',
              after: 'gone',
            },
            { field: 'staging', before: 'off, 1 strategies', after: 'gone' },
            { field: 'production', before: 'off, 1 strategies', after: 'gone' },
          ],
        ],
      ];
      for (const [kind, method, path, body, diff] of changes) {
        const noReason = await (request(server) as any)
          [method](`${api}${path}`)
          .set('Authorization', as(ADMIN))
          .send(body);
        expect({
          kind,
          status: noReason.status,
          message: noReason.body.error?.message,
        }).toEqual({
          kind,
          status: 400,
          message: expect.stringContaining('a reason is required'),
        });
        const res = await (request(server) as any)
          [method](`${api}${path}`)
          .set('Authorization', as(ADMIN))
          .send({ ...body, reason });
        expect({ kind, status: res.status, outcome: res.body.outcome }).toEqual(
          { kind, status: 202, outcome: 'change-request' },
        );
        expect({ kind, diff: res.body.changeRequest.diff }).toEqual({
          kind,
          diff,
        });
        expect(res.body.changeRequest).toMatchObject({
          status: 'pending',
          requestedBy: ADMIN,
          reason,
          environment: 'production',
        });
      }

      // nothing was applied
      expect(
        envOf(await getFlag(server, 'CAP_BILLING_ENABLED'), 'production')
          .enabled,
      ).toBe(false);
      const ai = await getFlag(server, 'CAP_AI_ENABLED');
      expect(envOf(ai, 'production').strategies).toMatchObject([
        { parameters: { rollout: '100' }, constraints: [] },
      ]);
      expect(
        envOf(await getFlag(server, 'CAP_MESSAGING_ENABLED'), 'production')
          .strategies,
      ).toHaveLength(1);
      expect(
        envOf(
          await getFlag(server, 'CAP_AI_VERSION'),
          'production',
        ).variants.map((v: any) => v.name),
      ).toEqual(['v1']);
      expect(
        (
          await request(server)
            .get(`${api}/flags/stackpro/CAP_SEARCH_ENABLED`)
            .set('Authorization', as(ADMIN))
        ).status,
      ).toBe(404);
      expect((await getFlag(server, 'CAP_DATALAKE_DEGRADED')).name).toBe(
        'CAP_DATALAKE_DEGRADED',
      );
      expect(strategyId).toBeDefined();

      const pending = await request(server)
        .get(`${api}/change-requests?status=pending`)
        .set('Authorization', as(ENGINEER));
      expect(pending.body.items.map((cr: any) => cr.kind).sort()).toEqual([
        'archive',
        'create',
        'strategy',
        'strategy',
        'toggle',
        'variants',
      ]);

      // outside protected environments the same changes apply at once
      const staging = await request(server)
        .post(
          `${api}/flags/stackpro/CAP_MESSAGING_ENABLED/environments/staging/strategies`,
        )
        .set('Authorization', as(ADMIN))
        .send({ parameters: { rollout: '10' } });
      expect(staging.status).toBe(201);
      expect(staging.body).toMatchObject({
        name: 'flexibleRollout',
        parameters: { rollout: '10' },
      });
    });

    it('lets only another admin approve, and applies exactly what was approved', async () => {
      const { server, auditStore } = await startFlagsBackend(
        databases,
        databaseId,
      );
      const flag = await getFlag(server, 'CAP_AI_ENABLED');
      const strategy = envOf(flag, 'production').strategies[0];
      const asked = await request(server)
        .put(
          `${api}/flags/stackpro/CAP_AI_ENABLED/environments/production/strategies/${strategy.id}`,
        )
        .set('Authorization', as(ADMIN))
        .send({
          parameters: { ...strategy.parameters, rollout: '25' },
          constraints: [
            { contextName: 'tenantId', operator: 'IN', values: ['acme'] },
          ],
          reason,
        });
      const id = asked.body.changeRequest.id;
      expect(asked.body.changeRequest.summary).toBe(
        'CAP_AI_ENABLED in production: rollout 100% to 25%; tenants - to acme',
      );

      const own = await approve(server, id, ADMIN);
      expect(own.status).toBe(403);
      expect(own.body.error.message).toContain('another admin must approve it');
      const engineer = await approve(server, id, ENGINEER);
      expect(engineer.status).toBe(403);
      expect(
        envOf(await getFlag(server, 'CAP_AI_ENABLED'), 'production')
          .strategies[0].parameters.rollout,
      ).toBe('100');

      const approved = await approve(server, id);
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        status: 'applied',
        decidedBy: ADMIN2,
        kind: 'strategy',
      });
      const after = await getFlag(server, 'CAP_AI_ENABLED');
      expect(envOf(after, 'production').strategies).toEqual([
        {
          ...strategy,
          parameters: { ...strategy.parameters, rollout: '25' },
          constraints: [
            {
              contextName: 'tenantId',
              operator: 'IN',
              values: ['acme'],
              inverted: false,
              caseInsensitive: false,
            },
          ],
        },
      ]);
      // the other environments are untouched
      expect(envOf(after, 'staging')).toEqual(envOf(flag, 'staging'));
      expect(after.lastChange).toMatchObject({
        actor: ADMIN2,
        action: 'strategy-updated',
        summary: expect.stringContaining("approving amara.okafor's request"),
      });

      // variants, create and archive, each applied on approval
      const variants = await request(server)
        .put(
          `${api}/flags/stackpro/CAP_AI_VERSION/environments/production/variants`,
        )
        .set('Authorization', as(ADMIN))
        .send({
          variants: [
            {
              name: 'v2',
              weight: 0,
              payload: { type: 'string', value: 'v2' },
            },
          ],
          reason,
        });
      expect(
        (await approve(server, variants.body.changeRequest.id)).status,
      ).toBe(200);
      expect(
        envOf(await getFlag(server, 'CAP_AI_VERSION'), 'production').variants,
      ).toEqual([
        {
          name: 'v2',
          weight: 1000,
          weightType: 'variable',
          stickiness: 'default',
          payload: { type: 'string', value: 'v2' },
        },
      ]);
      const preview = await request(server)
        .post(`${api}/flags/stackpro/CAP_AI_VERSION/evaluate`)
        .set('Authorization', as(ENGINEER))
        .send({ environment: 'production', context: { tenantId: 'acme' } });
      expect(preview.body.variant).toMatchObject({
        name: 'v2',
        payload: { value: 'v2' },
      });

      const created = await request(server)
        .post(`${api}/flags`)
        .set('Authorization', as(ADMIN2))
        .send({
          project: 'stackpro',
          name: 'CAP_SEARCH_ENABLED',
          type: 'operational',
          description: 'search',
          reason,
        });
      expect(created.status).toBe(202);
      expect(
        (await approve(server, created.body.changeRequest.id, ADMIN)).body
          .status,
      ).toBe('applied');
      expect(await getFlag(server, 'CAP_SEARCH_ENABLED')).toMatchObject({
        type: 'operational',
        description: 'search',
        lastChange: { action: 'created', actor: ADMIN },
      });

      const archived = await request(server)
        .delete(`${api}/flags/stackpro/CAP_SEARCH_ENABLED`)
        .set('Authorization', as(ADMIN))
        .send({ reason });
      expect(archived.status).toBe(202);
      expect(
        (await approve(server, archived.body.changeRequest.id)).body.status,
      ).toBe('applied');
      expect(
        (
          await request(server)
            .get(`${api}/flags/stackpro/CAP_SEARCH_ENABLED`)
            .set('Authorization', as(ADMIN))
        ).status,
      ).toBe(404);

      const audit = await auditStore.query(
        { plugin: ['feature-flags'], outcome: ['succeeded'] },
        { limit: 50 },
      );
      const requested = audit.filter(e => e.action === 'change-request-create');
      expect(requested.map(e => e.meta?.kind).sort()).toEqual([
        'archive',
        'create',
        'strategy',
        'variants',
      ]);
      expect(requested.every(e => e.severity === 'high')).toBe(true);
      const approvals = audit.filter(
        e => e.action === 'change-request-approve',
      );
      expect(approvals).toHaveLength(4);
      expect(approvals.find(e => e.meta?.kind === 'strategy')).toMatchObject({
        actor: { type: 'user', ref: ADMIN2 },
        target: 'feature-flag:stackpro/CAP_AI_ENABLED',
        meta: {
          requestedBy: ADMIN,
          summary: expect.stringContaining('rollout 100% to 25%'),
        },
      });
    });

    it('refuses to approve a request whose flag changed meanwhile, closes it as stale and audits it', async () => {
      const { server, auditStore, knex } = await startFlagsBackend(
        databases,
        databaseId,
      );
      // an archive request covers the whole flag: a toggle in staging meanwhile changes what it would archive
      const archive = await request(server)
        .delete(`${api}/flags/stackpro/CAP_BILLING_DEGRADED`)
        .set('Authorization', as(ADMIN))
        .send({ reason });
      const archiveId = archive.body.changeRequest.id;
      await request(server)
        .put(`${api}/flags/stackpro/CAP_BILLING_DEGRADED/environments/staging`)
        .set('Authorization', as(ADMIN2))
        .send({ enabled: true });
      const refused = await approve(server, archiveId);
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain(
        'CAP_BILLING_DEGRADED changed since amara.okafor asked for this',
      );
      expect(refused.body.error.message).toContain('Request the change again');
      expect((await getFlag(server, 'CAP_BILLING_DEGRADED')).name).toBe(
        'CAP_BILLING_DEGRADED',
      );
      const stale = await request(server)
        .get(`${api}/change-requests/${archiveId}`)
        .set('Authorization', as(ENGINEER));
      expect(stale.body).toMatchObject({
        status: 'stale',
        error: expect.stringContaining('nothing was applied'),
      });
      // closed: it cannot be approved later, and a new request may be made
      expect((await approve(server, archiveId)).status).toBe(409);

      // a change made outside the portal (in Unleash, or here the database) makes a rollout request stale too
      const flag = await getFlag(server, 'CAP_MESSAGING_ENABLED');
      const strategy = envOf(flag, 'production').strategies[0];
      const asked = await request(server)
        .put(
          `${api}/flags/stackpro/CAP_MESSAGING_ENABLED/environments/production/strategies/${strategy.id}`,
        )
        .set('Authorization', as(ADMIN))
        .send({
          parameters: { ...strategy.parameters, rollout: '50' },
          reason,
        });
      await knex('feature_flag_environments')
        .where({
          project: 'stackpro',
          flag: 'CAP_MESSAGING_ENABLED',
          environment: 'production',
        })
        .update({
          strategies: JSON.stringify([
            {
              ...strategy,
              parameters: { ...strategy.parameters, rollout: '5' },
            },
          ]),
        });
      expect((await approve(server, asked.body.changeRequest.id)).status).toBe(
        409,
      );
      expect(
        envOf(await getFlag(server, 'CAP_MESSAGING_ENABLED'), 'production')
          .strategies[0].parameters.rollout,
      ).toBe('5');
      const again = await request(server)
        .put(
          `${api}/flags/stackpro/CAP_MESSAGING_ENABLED/environments/production/strategies/${strategy.id}`,
        )
        .set('Authorization', as(ADMIN))
        .send({
          parameters: { ...strategy.parameters, rollout: '50' },
          reason,
        });
      expect(again.status).toBe(202);
      expect(again.body.changeRequest.diff).toEqual([
        { field: 'rollout', before: '5%', after: '50%' },
      ]);
      expect(
        (await approve(server, again.body.changeRequest.id)).body.status,
      ).toBe('applied');

      const events = await auditStore.query(
        {
          plugin: ['feature-flags'],
          action: ['change-request-stale'],
          outcome: ['succeeded'],
        },
        { limit: 10 },
      );
      expect(events.map(e => e.meta?.kind).sort()).toEqual([
        'archive',
        'strategy',
      ]);
      expect(
        events.every(
          e =>
            e.actor.ref === ADMIN2 &&
            e.severity === 'high' &&
            e.meta?.status === 'stale',
        ),
      ).toBe(true);
      const failedApprovals = await auditStore.query(
        {
          plugin: ['feature-flags'],
          action: ['change-request-approve'],
          outcome: ['failed'],
        },
        { limit: 10 },
      );
      expect(
        failedApprovals.filter(e => /changed since/.test(e.error ?? '')),
      ).toHaveLength(2);
    });

    it('audits every refusal, naming the verified person', async () => {
      const { server, auditStore } = await startFlagsBackend(
        databases,
        databaseId,
      );
      const refusals: Array<[string, string, string, object, number]> = [
        [
          ENGINEER,
          'post',
          '/flags',
          { project: 'stackpro', name: 'CAP_X_ENABLED', reason },
          403,
        ],
        [
          ADMIN,
          'post',
          '/flags',
          { project: 'stackpro', name: 'bad name', reason },
          400,
        ],
        [
          ADMIN,
          'post',
          '/flags',
          { project: 'nowhere', name: 'CAP_X_ENABLED', reason },
          404,
        ],
        [
          ADMIN,
          'post',
          '/flags',
          { project: 'stackpro', name: 'CAP_AI_ENABLED', reason },
          409,
        ],
        [ENGINEER, 'delete', '/flags/stackpro/CAP_AI_ENABLED', { reason }, 403],
        [
          ADMIN,
          'put',
          '/flags/stackpro/CAP_AI_ENABLED/environments/production/variants',
          { variants: [{ name: 'a', weight: 600, weightType: 'fix' }], reason },
          400,
        ],
        [
          ENGINEER,
          'put',
          '/flags/stackpro/CAP_AI_ENABLED/environments/staging',
          { enabled: true },
          403,
        ],
      ];
      for (const [who, method, path, body, status] of refusals) {
        const res = await (request(server) as any)
          [method](`${api}${path}`)
          .set('Authorization', as(who))
          .send(body);
        expect({ path, who, status: res.status }).toEqual({
          path,
          who,
          status,
        });
      }
      const failed = await auditStore.query(
        { plugin: ['feature-flags'], outcome: ['failed'] },
        { limit: 50 },
      );
      expect(failed).toHaveLength(refusals.length);
      expect(failed.map(e => [e.action, e.actor.ref]).sort()).toEqual(
        [
          ['change-request-create', ENGINEER],
          ['change-request-create', ADMIN],
          ['change-request-create', ADMIN],
          ['change-request-create', ADMIN],
          ['change-request-create', ENGINEER],
          ['change-request-create', ADMIN],
          ['flag-toggle', ENGINEER],
        ].sort(),
      );
    });

    it('answers that a change took effect when the audit log cannot take its outcome, and writes the outcome later', async () => {
      // longer than the auditor waits for an outcome (2 s): the answer comes before it is stored
      let failures = 5;
      const { server, auditStore } = await startFlagsBackend(
        databases,
        databaseId,
        {},
        {
          auditStore: store => {
            const append = store.append.bind(store);
            store.append = async input => {
              if (
                input.action === 'flag-toggle' &&
                input.outcome === 'succeeded' &&
                failures-- > 0
              ) {
                throw new Error('Connection terminated unexpectedly');
              }
              return append(input);
            };
            return store;
          },
        },
      );
      const res = await request(server)
        .put(`${api}/flags/stackpro/CAP_AI_DEGRADED/environments/staging`)
        .set('Authorization', as(ADMIN))
        .send({ enabled: true });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ outcome: 'applied' });
      expect(
        envOf(await getFlag(server, 'CAP_AI_DEGRADED'), 'staging').enabled,
      ).toBe(true);

      const outcomes = () =>
        auditStore
          .query(
            { plugin: ['feature-flags'], action: ['flag-toggle'] },
            { limit: 10 },
          )
          .then(es => es.map(e => e.outcome).sort());
      for (let i = 0; i < 150 && (await outcomes()).length < 2; i++)
        await new Promise(r => setTimeout(r, 100));
      expect(await outcomes()).toEqual(['initiated', 'succeeded']);
    });
  },
);
