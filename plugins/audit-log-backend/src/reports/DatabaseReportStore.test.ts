import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ReportManifest } from '@internal/backstage-plugin-audit-log-common';
import { DatabaseReportStore, NewReport } from './DatabaseReportStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

/**
 * The message a statement is refused with. Not `rejects.toThrow`: better-sqlite3
 * registers its SqliteError class once per process, so in a jest worker where
 * another test file loaded it first the error belongs to that file's realm, is
 * no `instanceof Error` here, and jest reports "did not throw".
 */
async function refusal(statement: PromiseLike<unknown>): Promise<string> {
  try {
    await statement;
  } catch (error) {
    return String((error as { message?: unknown }).message);
  }
  return 'not refused';
}

function report(
  reportId: string,
  periodTo: string,
  supersedes?: string,
): NewReport {
  return {
    summary: {
      reportId,
      title: 'SOC 2 audit report, Q4 2026',
      framework: 'soc2',
      periodFrom: '2026-10-01T00:00:00.000Z',
      periodTo,
      periodLabel: 'Q4 2026',
      createdAt: new Date().toISOString(),
      createdBy: 'user:default/priya.nair',
      scheduled: false,
      supersedes,
    },
    manifest: {
      files: [{ name: 'report.pdf', contentType: 'application/pdf', bytes: 3 }],
    } as ReportManifest,
    files: [
      {
        name: 'report.pdf',
        contentType: 'application/pdf',
        content: Buffer.from([0, 1, 255]),
      },
    ],
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseReportStore on %p',
  databaseId => {
    it('keeps a report byte for byte, lists the later one as superseding it, and refuses to change either', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseReportStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      const first = '01JF0000000000000000000001';
      const second = '01JF0000000000000000000002';
      await store.insert(report(first, '2026-11-01T00:00:00.000Z'));
      expect(
        await store.latestCovered(
          'soc2',
          '2026-10-01T00:00:00.000Z',
          '2026-12-01T00:00:00.000Z',
        ),
      ).toBe(first);
      await store.insert(report(second, '2026-12-01T00:00:00.000Z', first));

      const listed = await store.list();
      expect(
        listed.map(r => [r.reportId, r.supersededBy, r.supersedes]),
      ).toEqual(
        expect.arrayContaining([
          [first, second, undefined],
          [second, undefined, first],
        ]),
      );
      expect((await store.file(first, 'report.pdf')).content).toEqual(
        Buffer.from([0, 1, 255]),
      );

      expect(
        await refusal(
          knex('audit_report_files').update({ content: Buffer.from('x') }),
        ),
      ).toMatch(/immutable/);
      expect(
        await refusal(knex('audit_reports').where('report_id', first).delete()),
      ).toMatch(/immutable/);
      expect(
        await refusal(knex('audit_reports').update({ title: 'nicer' })),
      ).toMatch(/immutable/);
      expect((await store.get(first)).title).toBe(
        'SOC 2 audit report, Q4 2026',
      );
      await expect(store.file(first, 'nothing.csv')).rejects.toThrow(
        /has no file nothing.csv/,
      );
      await expect(store.get('01JF0000000000000000000009')).rejects.toThrow(
        /No audit report/,
      );
    });

    it('starts again on a database it migrated before (a restart, a second replica)', async () => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      await DatabaseReportStore.create({ database });
      const store = await DatabaseReportStore.create({ database });
      expect(await store.list()).toEqual([]);
    });
  },
);
