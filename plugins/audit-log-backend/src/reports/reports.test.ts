import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  auditorServiceFactory,
  auditStoreServiceRef,
  DatabaseAuditStore,
} from '@internal/backstage-plugin-audit-log-node';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Knex } from 'knex';
import request from 'supertest';
import { auditLogPlugin } from '../plugin';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });
const ROOT = path.resolve(__dirname, '../../../..');
const VERIFIER = path.join(ROOT, 'scripts/verify-audit-export.mjs');
const COMPLIANCE = 'user:default/priya.nair';
const ADMIN = 'user:default/amara.okafor';
const APPROVER = 'user:default/chen.wei';
const ENGINEER = 'user:default/eli.martin';

const GRANTS: Record<string, string[]> = {
  'audit-log.event.read': [COMPLIANCE, ADMIN],
  'audit-log.report.create': [COMPLIANCE],
  'audit-log.report.read': [COMPLIANCE],
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

const user = (name: string, group: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { profile: { displayName: name }, memberOf: [group] },
  relations: [{ type: 'memberOf', targetRef: `group:default/${group}` }],
});

const sent: any[] = [];
const notifications = createServiceFactory({
  service: notificationService,
  deps: {},
  factory: () => ({ send: async (n: any) => void sent.push(n) }),
});

const as = (ref: string) => mockCredentials.user.header(ref);
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

/** A quarter's worth of evidence: a four-eyes change, an impersonation, an erasure, refusals. */
async function seed(store: DatabaseAuditStore) {
  const at = (m: number) => ({ timestamp: minutesAgo(m) });
  const pair = async (
    m: number,
    e: any,
    outcomeMeta: any = {},
    failed?: string,
  ) => {
    const { id } = await store.append({ ...e, ...at(m), outcome: 'initiated' });
    await store.append({
      ...e,
      timestamp: new Date(minutesAgo(m).getTime() + 1500),
      outcome: failed ? 'failed' : 'succeeded',
      error: failed,
      correlationId: id,
      meta: { ...e.meta, ...outcomeMeta },
    });
  };
  const adminActor = { type: 'user' as const, ref: ADMIN };
  await pair(
    120,
    {
      actor: adminActor,
      plugin: 'feature-flags',
      action: 'change-request-create',
      severity: 'high',
      target: 'feature-flag:stackpro/ai-fallback',
      // as the feature-flags router records it
      meta: { environment: 'production', kind: 'toggle' },
    },
    {
      outcome: 'change-request',
      changeRequestId: 'cr-1',
      summary: 'turn ai-fallback on in production',
      reason: 'CHG-1 roll out the AI fallback',
    },
  );
  await pair(90, {
    actor: { type: 'user', ref: APPROVER },
    plugin: 'feature-flags',
    action: 'change-request-approve',
    severity: 'high',
    target: 'feature-flag:stackpro/ai-fallback',
    meta: {
      environment: 'production',
      changeRequestId: 'cr-1',
      requestedBy: ADMIN,
    },
  });
  await pair(
    80,
    {
      actor: adminActor,
      plugin: 'admin',
      action: 'impersonation-start',
      severity: 'high',
      meta: { reason: 'ticket SUP-7: user cannot see flags', ticket: 'SUP-7' },
    },
    {
      sessionId: 'sess-1',
      targetRef: ENGINEER,
      adminRef: ADMIN,
      reason: 'ticket SUP-7: user cannot see flags',
      ticket: 'SUP-7',
    },
  );
  for (let i = 0; i < 3; i++) {
    await store.append({
      actor: { type: 'user', ref: ENGINEER },
      realActor: adminActor,
      plugin: 'admin',
      action: 'impersonation-request',
      severity: 'medium',
      outcome: 'initiated',
      ...at(75 - i),
      meta: { sessionId: 'sess-1' },
    });
  }
  await store.append({
    actor: { type: 'user', ref: ENGINEER },
    realActor: adminActor,
    plugin: 'admin',
    action: 'impersonation-write-refused',
    severity: 'high',
    outcome: 'failed',
    error: 'NotAllowedError: impersonation is read-only',
    ...at(72),
    meta: { sessionId: 'sess-1' },
  });
  await pair(60, {
    actor: adminActor,
    plugin: 'admin',
    action: 'impersonation-stop',
    severity: 'high',
    meta: { sessionId: 'sess-1' },
  });
  await pair(
    50,
    {
      actor: { type: 'user', ref: COMPLIANCE },
      plugin: 'audit-log',
      action: 'subject-erase',
      severity: 'critical',
      target: 'user:default/former.employee',
      meta: { reason: 'GDPR request DSR-12 from the person' },
    },
    { subjectId: 'x' },
  );
  for (let i = 0; i < 4; i++) {
    await store.append({
      actor: { type: 'none' },
      plugin: 'admin',
      action: 'impersonation-token-refused',
      severity: 'high',
      outcome: 'failed',
      ip: '203.0.113.9',
      error: 'AuthenticationError: the impersonation session has ended',
      ...at(40 - i),
    });
  }
  await pair(
    30,
    {
      actor: { type: 'user', ref: ENGINEER },
      plugin: 'catalog',
      action: 'entity-delete',
      severity: 'medium',
    },
    {},
    'NotAllowedError: not permitted',
  );
}

async function startBackend(
  databaseId: Parameters<typeof databases.init>[0],
  options: {
    schedules?: object[];
    knex?: Knex;
    store?: DatabaseAuditStore;
  } = {},
) {
  const knex = options.knex ?? (await databases.init(databaseId));
  const store =
    options.store ??
    (await DatabaseAuditStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    }));
  const { server } = await startTestBackend({
    features: [
      auditLogPlugin,
      auditorServiceFactory,
      permissions.factory,
      notifications,
      mockServices.database.factory({ knex, migrations: { skip: false } }),
      mockServices.rootConfig.factory({
        data: {
          stackPortal: {
            roles: {
              admin: ['group:default/platform-admins'],
              compliance: ['group:default/compliance'],
            },
          },
          // the scheduled reports have a test of their own
          auditLog: { reports: { schedules: options.schedules ?? [] } },
        },
      }),
      catalogServiceMock.factory({
        entities: [
          user('amara.okafor', 'platform-admins'),
          user('chen.wei', 'platform-admins'),
          user('priya.nair', 'compliance'),
          user('eli.martin', 'team'),
        ],
      }),
      createServiceFactory({
        service: auditStoreServiceRef,
        deps: {},
        factory: () => store,
      }),
    ],
  });
  return { server, knex, store };
}

function tmpDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'audit-report-'));
}

describe.each(databases.eachSupportedId())(
  'audit reports on %p',
  databaseId => {
    it('produces a SOC 2 report of this quarter: PDF, CSVs and a manifest the offline verifier accepts', async () => {
      const { server, store } = await startBackend(databaseId);
      await seed(store);
      const produced = await request(server)
        .post('/api/audit-log/reports')
        .set('Authorization', as(COMPLIANCE))
        .send({ framework: 'SOC 2', period: 'this-quarter' });
      expect(produced.status).toBe(201);
      const { reportId } = produced.body;
      expect(produced.body.title).toMatch(
        /^SOC 2 audit report, Q\d \d{4}, to /,
      );

      const opened = await request(server)
        .get(`/api/audit-log/reports/${reportId}`)
        .set('Authorization', as(COMPLIANCE));
      expect(opened.status).toBe(200);
      const report = opened.body.report;
      expect(report.sections.map((s: any) => s.kind)).toEqual([
        'access-review',
        'privileged-activity',
        'change-management',
        'security-events',
        'integrity',
      ]);
      const table = (id: string) =>
        report.sections
          .flatMap((s: any) => s.tables)
          .find((t: any) => t.id === id);
      const change = table('changes-protected').rows[0];
      expect(change.slice(1, 9)).toEqual([
        'feature-flag:stackpro/ai-fallback',
        'production',
        'turn ai-fallback on in production',
        ADMIN,
        'CHG-1 roll out the AI fallback',
        'approved',
        APPROVER,
        expect.any(String),
      ]);
      expect(change[9]).toMatch(/^30 min/);
      expect(table('privileged-impersonations').rows[0]).toEqual([
        expect.any(String),
        ADMIN,
        ENGINEER,
        'ticket SUP-7: user cannot see flags',
        'SUP-7',
        expect.stringMatching(/^stopped /),
        expect.stringMatching(/^20 min/),
        3,
        1,
        'sess-1',
      ]);
      expect(table('security-groups').rows[0]).toEqual([
        'refused token',
        'impersonation-token-refused',
        'not signed in',
        '203.0.113.9',
        expect.any(String),
        4,
        expect.any(String),
        expect.any(String),
      ]);
      expect(table('access-role-holders').rows).toEqual(
        expect.arrayContaining([
          ['admin', 'group:default/platform-admins', ADMIN, 'amara.okafor'],
          ['compliance', 'group:default/compliance', COMPLIANCE, 'priya.nair'],
        ]),
      );
      expect(
        report.sections
          .find((s: any) => s.kind === 'change-management')
          .controls.map((c: any) => c.id),
      ).toEqual(['CC8.1']);
      expect(report.chainHead.seq).toBe(report.lastSeq);
      expect(table('integrity-chain').rows[0]).toEqual(['verified', 'yes']);
      expect(
        sent.some(
          n =>
            n.payload.title === `Audit report ready: ${report.title}` &&
            n.recipients.entityRef.includes('group:default/compliance'),
        ),
      ).toBe(true);

      const dir = tmpDir();
      const pdf = await request(server)
        .get(`/api/audit-log/reports/${reportId}/files/report.pdf`)
        .set('Authorization', as(COMPLIANCE))
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(pdf.status).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      fs.writeFileSync(
        path.join(dir, `audit-report-${reportId}-report.pdf`),
        pdf.body,
      );
      const csv = await request(server)
        .get(`/api/audit-log/reports/${reportId}/files/changes-protected.csv`)
        .set('Authorization', as(COMPLIANCE));
      expect(csv.text.split('\n')[0]).toBe(
        'requested,flag,environment,change,requester,reason,decision,approver,decided,time to approval,change request',
      );
      fs.writeFileSync(path.join(dir, 'changes-protected.csv'), csv.text);
      const manifest = await request(server)
        .get(`/api/audit-log/reports/${reportId}/manifest`)
        .set('Authorization', as(COMPLIANCE));
      expect(manifest.body).toMatchObject({
        type: 'audit-report',
        reportId,
        firstSeq: report.firstSeq,
        lastSeq: report.lastSeq,
        chainHead: report.chainHead,
        chainVerified: true,
      });
      fs.writeFileSync(
        path.join(dir, 'manifest.json'),
        JSON.stringify(manifest.body),
      );

      const ok = spawnSync('node', [
        VERIFIER,
        path.join(dir, 'manifest.json'),
        path.join(dir, `audit-report-${reportId}-report.pdf`),
        path.join(dir, 'changes-protected.csv'),
      ]);
      expect(ok.stdout.toString()).toMatch(/^VERIFIED: report /);
      expect(ok.status).toBe(0);

      // the PDF read back as text (poppler-utils' pdftotext is required)
      const text = execFileSync('pdftotext', [
        '-layout',
        path.join(dir, `audit-report-${reportId}-report.pdf`),
        '-',
      ]).toString();
      expect(text).toContain(report.title);
      expect(text).toContain('Change management');
      expect(text).toContain('CC8.1');
      // cells wrap inside their column: the reason's first words
      expect(text).toContain('CHG-1 roll');
      expect(text).toContain(report.chainHead.hash);
      expect(text).toContain('impersonation-token-refused');

      // one byte of the PDF changed: the verifier names the file and the bytes
      const altered = Buffer.from(pdf.body);
      altered[5000] ^= 1;
      fs.writeFileSync(
        path.join(dir, `audit-report-${reportId}-report.pdf`),
        altered,
      );
      const bad = spawnSync('node', [
        VERIFIER,
        path.join(dir, 'manifest.json'),
        path.join(dir, `audit-report-${reportId}-report.pdf`),
      ]);
      expect(bad.status).toBe(1);
      expect(bad.stdout.toString()).toContain(
        'report.pdf was altered: bytes 4096-8191 differ from the signed manifest',
      );
    });

    it('says which part of a period retention purged, and refuses bad periods and frameworks with a 400', async () => {
      const { server, store } = await startBackend(databaseId);
      await store.append({
        actor: { type: 'service', ref: 'plugin:catalog' },
        plugin: 'catalog',
        action: 'entity-mutate',
        severity: 'medium',
        outcome: 'succeeded',
        timestamp: new Date(Date.now() - 40 * 86_400_000),
      });
      await store.append({
        actor: { type: 'service', ref: 'plugin:catalog' },
        plugin: 'catalog',
        action: 'entity-mutate',
        severity: 'medium',
        outcome: 'succeeded',
      });
      const cutoff = new Date(Date.now() - 30 * 86_400_000);
      await store.purgeBefore(cutoff);
      const post = (body: object) =>
        request(server)
          .post('/api/audit-log/reports')
          .set('Authorization', as(COMPLIANCE))
          .send(body);
      const day = (d: number) =>
        new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

      const purged = await post({
        framework: 'gdpr',
        from: day(-60),
        to: day(-1),
      });
      expect(purged.status).toBe(400);
      expect(purged.body.error.message).toContain(
        `Events from ${day(
          -60,
        )}T00:00:00.000Z to ${cutoff.toISOString()} are gone: retention purged every event before ${cutoff.toISOString()}`,
      );

      const cases: Array<[object, RegExp]> = [
        [
          { framework: 'gdpr', from: day(-3), to: day(-3) },
          /The period is empty/,
        ],
        [
          { framework: 'gdpr', from: day(-2), to: day(-5) },
          /The period is reversed/,
        ],
        [
          { framework: 'gdpr', from: day(-2), to: day(3) },
          /ends in the future/,
        ],
        [
          { framework: 'gdpr', from: '2020-01-01', to: '2021-06-01' },
          /longer than the 365 days the audit log keeps/,
        ],
        [
          { framework: 'gdpr', from: '2026-02-30', to: day(-1) },
          /2026-02-30 is not a day of the calendar/,
        ],
        [
          { framework: 'PCI DSS', period: 'last-month' },
          /Unknown framework "PCI DSS"; the configured frameworks are SOC 2 \(soc2\), GDPR \(gdpr\), HIPAA \(hipaa\)/,
        ],
        [
          { framework: 'soc2', period: 'next-year' },
          /period: "next-year" is not one of/,
        ],
        [{ framework: 'soc2' }, /A period is required/],
      ];
      for (const [body, message] of cases) {
        const res = await post(body);
        expect({
          body,
          status: res.status,
          message: res.body.error?.message,
        }).toEqual({
          body,
          status: 400,
          message: expect.stringMatching(message),
        });
      }
      const list = await request(server)
        .get('/api/audit-log/reports')
        .set('Authorization', as(COMPLIANCE));
      expect(list.body.items).toEqual([]);
    });

    it('is for compliance only, audits producing and downloading, and refuses to serve a stored report whose bytes changed', async () => {
      const { server, knex } = await startBackend(databaseId);
      for (const who of [ADMIN, ENGINEER]) {
        const res = await request(server)
          .post('/api/audit-log/reports')
          .set('Authorization', as(who))
          .send({ framework: 'soc2', period: 'this-month' });
        expect(res.status).toBe(403);
        expect(
          (
            await request(server)
              .get('/api/audit-log/reports')
              .set('Authorization', as(who))
          ).status,
        ).toBe(403);
      }
      const first = await request(server)
        .post('/api/audit-log/reports')
        .set('Authorization', as(COMPLIANCE))
        .send({ framework: 'hipaa', period: 'this-month' });
      expect(first.status).toBe(201);
      const second = await request(server)
        .post('/api/audit-log/reports')
        .set('Authorization', as(COMPLIANCE))
        .send({ framework: 'HIPAA', period: 'this-month' });
      expect(second.body.supersedes).toBe(first.body.reportId);
      const list = await request(server)
        .get('/api/audit-log/reports')
        .set('Authorization', as(COMPLIANCE));
      expect(
        list.body.items.find((r: any) => r.reportId === first.body.reportId)
          .supersededBy,
      ).toBe(second.body.reportId);
      const adminRead = await request(server)
        .get(`/api/audit-log/reports/${first.body.reportId}/files/report.pdf`)
        .set('Authorization', as(ADMIN));
      expect(adminRead.status).toBe(403);

      await request(server)
        .get(`/api/audit-log/reports/${first.body.reportId}/files/report.pdf`)
        .set('Authorization', as(COMPLIANCE))
        .expect(200);
      const events = await request(server)
        .get(
          '/api/audit-log/events?action=report-produce,report-download&outcome=succeeded',
        )
        .set('Authorization', as(COMPLIANCE));
      expect(
        events.body.items.map((e: any) => [e.action, e.actor.ref]),
      ).toEqual([
        ['report-download', COMPLIANCE],
        ['report-produce', COMPLIANCE],
        ['report-produce', COMPLIANCE],
      ]);

      // someone with the database's owner rights goes around the triggers
      if (databaseId === 'SQLITE_3') {
        await knex.raw('DROP TRIGGER audit_report_files_no_update');
      } else {
        await knex.raw(
          'ALTER TABLE audit_report_files DISABLE TRIGGER audit_report_files_immutable',
        );
      }
      const csv = await knex('audit_report_files')
        .where({ report_id: first.body.reportId, name: 'integrity-chain.csv' })
        .first();
      const content = Buffer.from(csv.content);
      content[20] = content[20] === 0x41 ? 0x42 : 0x41;
      await knex('audit_report_files')
        .where({ report_id: first.body.reportId, name: 'integrity-chain.csv' })
        .update({ content });
      try {
        const tampered = await request(server)
          .get(
            `/api/audit-log/reports/${first.body.reportId}/files/integrity-chain.csv`,
          )
          .set('Authorization', as(COMPLIANCE));
        expect(tampered.status).toBe(409);
        expect(tampered.body.error.message).toMatch(
          /integrity-chain\.csv was altered: bytes 0-\d+ differ from the signed manifest/,
        );
      } finally {
        if (databaseId === 'SQLITE_3') {
          await knex.raw(`CREATE TRIGGER audit_report_files_no_update BEFORE UPDATE ON audit_report_files
          BEGIN SELECT RAISE(ABORT, 'audit reports are immutable: UPDATE refused'); END`);
        } else {
          await knex.raw(
            'ALTER TABLE audit_report_files ENABLE TRIGGER audit_report_files_immutable',
          );
        }
      }
    });

    it('produces the scheduled report of the quarter that ended once, across two replicas, and tells the compliance group', async () => {
      const first = await startBackend(databaseId, {
        schedules: [{ framework: 'soc2', every: 'quarter' }],
      });
      const scheduled = async () =>
        (
          await request(first.server)
            .get('/api/audit-log/reports')
            .set('Authorization', as(COMPLIANCE))
        ).body.items.filter((r: any) => r.scheduled);
      for (let i = 0; i < 100 && (await scheduled()).length === 0; i++)
        await new Promise(r => setTimeout(r, 200));
      // a second replica on the same database runs the same schedule
      await startBackend(databaseId, {
        schedules: [{ framework: 'soc2', every: 'quarter' }],
        knex: first.knex,
        store: first.store,
      });
      await new Promise(r => setTimeout(r, 2000));
      const reports = await scheduled();
      expect(reports).toHaveLength(1);
      expect(reports[0]).toMatchObject({
        framework: 'soc2',
        createdBy: 'scheduler',
        title: expect.stringMatching(/^SOC 2 audit report, Q\d \d{4}$/),
      });
      expect(new Date(reports[0].periodTo).getTime()).toBeLessThanOrEqual(
        Date.now(),
      );
      expect(
        sent.some(
          n => n.payload.link === `/audit-reports/${reports[0].reportId}`,
        ),
      ).toBe(true);
    });
  },
);
