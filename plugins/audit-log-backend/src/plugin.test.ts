import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  canonicalJson,
  ExportManifest,
} from '@internal/backstage-plugin-audit-log-common';
import {
  auditorServiceFactory,
  auditStoreServiceRef,
  DatabaseAuditStore,
} from '@internal/backstage-plugin-audit-log-node';
import Router from 'express-promise-router';
import { createHash, verify } from 'node:crypto';
import request from 'supertest';
import { auditLogPlugin } from './plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

const COMPLIANCE = 'user:default/priya.nair';
const ADMIN = 'user:default/amara.okafor';
const ENGINEER = 'user:default/eli.martin';

/** Who holds what, as the role policy decides it from group membership. */
const GRANTS: Record<string, string[]> = {
  'audit-log.event.read': [COMPLIANCE, ADMIN],
  'audit-log.event.export': [COMPLIANCE],
  'audit-log.subject.export': [COMPLIANCE],
  'audit-log.subject.erase': [COMPLIANCE],
};

const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const who =
      (options.credentials.principal as { userEntityRef?: string })
        .userEntityRef ?? '';
    return requests.map(r => ({
      result: (
        GRANTS[(r as { permission: { name: string } }).permission.name] ?? []
      ).includes(who)
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    }));
  },
});

/** Stands in for any plugin that audits a privileged action (the catalog, say). */
const privilegedPlugin = createBackendPlugin({
  pluginId: 'catalog',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        auditor: coreServices.auditor,
      },
      async init({ httpRouter, auditor }) {
        const router = Router();
        router.delete('/entities/:name', async (req, res) => {
          const event = await auditor.createEvent({
            eventId: 'entity-delete',
            severityLevel: 'medium',
            request: req,
            meta: {
              entityRef: `component:default/${req.params.name}`,
              token: 'secret-value',
            },
          });
          await event.success();
          res.status(204).end();
        });
        httpRouter.use(router);
      },
    });
  },
});

async function startBackend(
  databaseId: Parameters<typeof databases.init>[0],
  store?: DatabaseAuditStore,
) {
  const knex = await databases.init(databaseId);
  const realStore =
    store ??
    (await DatabaseAuditStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    }));
  const { server } = await startTestBackend({
    features: [
      auditLogPlugin,
      privilegedPlugin,
      auditorServiceFactory,
      permissions.factory,
      // no scheduled reports here: src/reports/reports.test.ts tests them
      mockServices.rootConfig.factory({
        data: { auditLog: { reports: { schedules: [] } } },
      }),
      createServiceFactory({
        service: auditStoreServiceRef,
        deps: {},
        factory: () => realStore,
      }),
    ],
  });
  return { server, knex, store: realStore };
}

const as = (ref: string) => mockCredentials.user.header(ref);

describe.each(databases.eachSupportedId())(
  'audit log API on %p',
  databaseId => {
    it("stores another plugin's privileged action, redacted, for compliance to find", async () => {
      const { server } = await startBackend(databaseId);
      await request(server)
        .delete('/api/catalog/entities/stackpro-ai')
        .set('Authorization', as(ADMIN))
        .expect(204);

      const res = await request(server)
        .get('/api/audit-log/events?plugin=catalog&action=entity-delete')
        .set('Authorization', as(COMPLIANCE));
      expect(res.status).toBe(200);
      expect(res.body.items.map((e: any) => e.outcome)).toEqual([
        'succeeded',
        'initiated',
      ]);
      expect(res.body.items[0]).toMatchObject({
        actor: { type: 'user', ref: ADMIN },
        plugin: 'catalog',
        action: 'entity-delete',
        severity: 'medium',
        target: 'component:default/stackpro-ai',
        request: {
          method: 'DELETE',
          path: '/api/catalog/entities/stackpro-ai',
        },
        meta: { token: '[REDACTED]' },
      });
      expect(res.body.items[0].correlationId).toBe(res.body.items[1].id);

      const byTarget = await request(server)
        .get('/api/audit-log/events')
        .query({ target: 'component:default/stackpro-ai' })
        .set('Authorization', as(ADMIN));
      expect(byTarget.body.items).toHaveLength(2);

      // the filters' choices: what the log holds
      const values = await request(server)
        .get('/api/audit-log/events/values')
        .set('Authorization', as(COMPLIANCE));
      expect(values.status).toBe(200);
      expect(values.body).toEqual({
        actions: ['entity-delete'],
        plugins: ['catalog'],
      });

      const verified = await request(server)
        .get('/api/audit-log/verify')
        .set('Authorization', as(COMPLIANCE));
      expect(verified.body).toMatchObject({
        ok: true,
        checked: 2,
        verifiedUpTo: { seq: 2 },
      });
    });

    it('refuses engineers, and exports to compliance only', async () => {
      const { server } = await startBackend(databaseId);
      for (const path of [
        '/events',
        '/verify',
        '/stats/daily',
        '/events/count',
        '/events/values',
      ]) {
        const res = await request(server)
          .get(`/api/audit-log${path}`)
          .set('Authorization', as(ENGINEER));
        expect(res.status).toBe(403);
      }
      const adminExport = await request(server)
        .get('/api/audit-log/export?format=csv')
        .set('Authorization', as(ADMIN));
      expect(adminExport.status).toBe(403);
      expect(adminExport.body.error.message).toBe(
        'audit-log.event.export is for compliance staff',
      );
      const signedOut = await request(server)
        .get('/api/audit-log/events')
        .set('Authorization', mockCredentials.none.header());
      expect(signedOut.status).toBe(401);
    });

    it('answers bad queries with a 400 that says what to change', async () => {
      const { server } = await startBackend(databaseId);
      const ask = (q: string) =>
        request(server)
          .get(`/api/audit-log/${q}`)
          .set('Authorization', as(COMPLIANCE));

      const cases: Array<[string, string]> = [
        [
          'events?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
          'must be before to',
        ],
        [
          'events?severity=urgent',
          'severity: "urgent" is not one of low, medium, high, critical',
        ],
        ['events?from=yesterday', 'is not a real date or date and time'],
        // Date.parse rolls these over to March
        ['events?from=2026-02-30', 'from: "2026-02-30" is not a real date'],
        [
          'events?to=2026-02-29T10:00:00Z',
          'to: "2026-02-29T10:00:00Z" is not a real date',
        ],
        ['export?format=csv&from=2026-04-31', 'is not a real date'],
        ['events?colour=red', 'unknown field colour'],
        [
          'events?cursor=bm90LWEtY3Vyc29y',
          'cursor was not issued by this audit log',
        ],
        ['events?limit=100000', 'limit'],
        ['export?format=xlsx', 'format: "xlsx" is not one of csv, ndjson'],
        ['events/not-an-id', 'is not an audit event id'],
        ['verify?fromSeq=9&toSeq=2', 'is after toSeq'],
      ];
      for (const [query, message] of cases) {
        const res = await ask(query);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(res.body.error.message).toContain(message);
      }
    });

    it('pages newest first with cursors it issued', async () => {
      const { server } = await startBackend(databaseId);
      for (let i = 0; i < 3; i++) {
        await request(server)
          .delete(`/api/catalog/entities/c${i}`)
          .set('Authorization', as(ADMIN));
      }
      const first = await request(server)
        .get('/api/audit-log/events?limit=4')
        .set('Authorization', as(COMPLIANCE));
      expect(first.body.items.map((e: any) => e.seq)).toEqual([6, 5, 4, 3]);
      const second = await request(server)
        .get(`/api/audit-log/events?limit=4&cursor=${first.body.nextCursor}`)
        .set('Authorization', as(COMPLIANCE));
      expect(second.body.items.map((e: any) => e.seq)).toEqual([2, 1]);
      expect(second.body.nextCursor).toBeUndefined();
    });

    it('exports CSV without runnable formulas, with a signed manifest an auditor can check offline', async () => {
      const { server } = await startBackend(databaseId);
      // a client controls its user agent: the classic CSV injection vector
      await request(server)
        .delete('/api/catalog/entities/a')
        .set('User-Agent', '=HYPERLINK("http://evil.example","click")')
        .set('Authorization', as(ADMIN));

      const res = await request(server)
        .get('/api/audit-log/export?format=csv&plugin=catalog')
        .set('Authorization', as(COMPLIANCE))
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      const file: Buffer = res.body;
      const text = file.toString();
      expect(text.split('\n')[0]).toMatch(/^seq,id,timestamp,actor/);
      expect(text).toContain(
        `"'=HYPERLINK(""http://evil.example"",""click"")"`,
      );
      expect(text).not.toMatch(/,"?=HYPERLINK/);

      const manifestRes = await request(server)
        .get(
          `/api/audit-log/exports/${res.headers['x-audit-export-id']}/manifest`,
        )
        .set('Authorization', as(COMPLIANCE));
      const manifest: ExportManifest = manifestRes.body;
      expect(manifest).toMatchObject({
        rowCount: 2,
        firstSeq: 1,
        lastSeq: 2,
        format: 'csv',
        createdBy: COMPLIANCE,
      });
      expect(createHash('sha256').update(file).digest('hex')).toBe(
        manifest.sha256,
      );
      const { signature, ...signed } = manifest;
      expect(
        verify(
          null,
          Buffer.from(canonicalJson(signed)),
          manifest.publicKeyPem,
          Buffer.from(signature, 'base64'),
        ),
      ).toBe(true);

      const audited = await request(server)
        .get('/api/audit-log/events?action=events-export&outcome=succeeded')
        .set('Authorization', as(COMPLIANCE));
      expect(audited.body.items[0]).toMatchObject({
        actor: { ref: COMPLIANCE },
        meta: { rowCount: 2, sha256: manifest.sha256 },
      });
    });

    it('fails the audited request when the store cannot write (fail closed)', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseAuditStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      jest.spyOn(store, 'append').mockRejectedValue(new Error('disk full'));
      const { server } = await startBackend(databaseId, store);
      const res = await request(server)
        .delete('/api/catalog/entities/x')
        .set('Authorization', as(ADMIN));
      expect(res.status).toBe(503);
      expect(res.body.error.message).toContain(
        'The audit log could not record catalog.entity-delete',
      );
    });

    it("exports and erases one person's data on request, and the chain still verifies", async () => {
      const { server } = await startBackend(databaseId);
      await request(server)
        .delete('/api/catalog/entities/a')
        .set('Authorization', as(ADMIN));

      const subject = await request(server)
        .get('/api/audit-log/subjects/export')
        .query({ ref: ADMIN })
        .set('Authorization', as(COMPLIANCE));
      expect(subject.status).toBe(200);
      // the two deletions, and the export's own record naming the person
      expect(
        subject.text
          .trim()
          .split('\n')
          .map(line => JSON.parse(line).action),
      ).toEqual(['entity-delete', 'entity-delete', 'subject-export']);

      const short = await request(server)
        .post('/api/audit-log/subjects/erase')
        .send({ ref: ADMIN, reason: 'gdpr' })
        .set('Authorization', as(COMPLIANCE));
      expect(short.status).toBe(400);
      expect(short.body.error.message).toContain('at least 10 characters');

      const erased = await request(server)
        .post('/api/audit-log/subjects/erase')
        .send({ ref: ADMIN, reason: 'GDPR erasure request #1234' })
        .set('Authorization', as(COMPLIANCE));
      expect(erased.status).toBe(200);
      const events = await request(server)
        .get('/api/audit-log/events?plugin=catalog')
        .set('Authorization', as(COMPLIANCE));
      expect(events.body.items[0].actor).toMatchObject({ erased: true });
      expect(JSON.stringify(events.body)).not.toContain('amara');
      const verified = await request(server)
        .get('/api/audit-log/verify')
        .set('Authorization', as(COMPLIANCE));
      expect(verified.body.ok).toBe(true);
    });
  },
);
