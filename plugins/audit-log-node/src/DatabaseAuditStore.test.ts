import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import { DatabaseAuditStore, AuditEventInput } from './DatabaseAuditStore';
import { csvHeader, csvRow, ndjsonRow } from './exportFormats';
import { REDACTED } from './prepareMeta';

jest.setTimeout(20_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

const event = (overrides: Partial<AuditEventInput> = {}): AuditEventInput => ({
  actor: { type: 'user', ref: 'user:default/amara.okafor' },
  plugin: 'catalog',
  action: 'entity-delete',
  severity: 'medium',
  outcome: 'succeeded',
  meta: { entityRef: 'component:default/stackpro-ai' },
  target: 'component:default/stackpro-ai',
  ...overrides,
});

async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  const logger = mockServices.logger.mock();
  const store = await DatabaseAuditStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
    logger,
  });
  return { knex, store, logger };
}

describe.each(databases.eachSupportedId())(
  'DatabaseAuditStore on %p',
  databaseId => {
    it('chains concurrent appends and verifies the whole chain', async () => {
      const { store } = await createStore(databaseId);
      const written = await Promise.all(
        Array.from({ length: 120 }, (_, i) =>
          store.append(event({ meta: { i } })),
        ),
      );
      expect(written.map(w => w.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 120 }, (_, i) => i + 1),
      );
      const result = await store.verify();
      expect(result).toMatchObject({
        ok: true,
        checked: 120,
        verifiedUpTo: { seq: 120 },
      });
    });

    it('offers the actions and plugins the log holds, each once and sorted', async () => {
      const { store } = await createStore(databaseId);
      expect(await store.distinctValues()).toEqual({
        actions: [],
        plugins: [],
      });
      await store.append(
        event({ plugin: 'feature-flags', action: 'flag-toggle' }),
      );
      await store.append(event());
      await store.append(event({ outcome: 'initiated' }));
      await store.append(
        event({ plugin: 'feature-flags', action: 'change-request-approve' }),
      );
      expect(await store.distinctValues()).toEqual({
        actions: ['change-request-approve', 'entity-delete', 'flag-toggle'],
        plugins: ['catalog', 'feature-flags'],
      });
    });

    it('lets replicas starting together on an empty database all migrate and share one chain', async () => {
      const knex = await databases.init(databaseId);
      // four replicas: four connection pools on the same, empty database
      const replicas =
        knex.client.config.client === 'pg'
          ? Array.from({ length: 4 }, () =>
              knexFactory({
                client: 'pg',
                connection: knex.client.config.connection,
              }),
            )
          : [knex];
      try {
        const stores = await Promise.all(
          replicas.map(replica =>
            DatabaseAuditStore.create({
              database: mockServices.database({
                knex: replica,
                migrations: { skip: false },
              }),
            }),
          ),
        );
        await Promise.all(
          stores.map((store, replica) =>
            store.append(event({ meta: { replica } })),
          ),
        );
        expect(await stores[0].verify()).toMatchObject({
          ok: true,
          checked: replicas.length,
        });
      } finally {
        await Promise.all(
          replicas.filter(r => r !== knex).map(r => r.destroy()),
        );
      }
    });

    it('names the row someone changed directly in the database', async () => {
      const { knex, store } = await createStore(databaseId);
      for (let i = 0; i < 5; i++) await store.append(event({ meta: { i } }));

      // the outcome as text, so that a failure says what happened instead
      const attempt = await knex('audit_events')
        .where({ seq: 3 })
        .update({ action: 'entity-refresh' })
        .then(
          n => `the update went through (${n} row(s) changed)`,
          (e: Error) => e.message,
        );
      expect(attempt).toMatch(/append-only/);

      if (knex.client.config.client === 'pg') {
        await knex.raw(
          'ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only',
        );
      } else {
        await knex.raw('DROP TRIGGER audit_events_no_update');
      }
      await knex('audit_events')
        .where({ seq: 3 })
        .update({ action: 'entity-refresh' });

      const result = await store.verify();
      expect(result.ok).toBe(false);
      expect(result.brokenAt).toMatchObject({
        seq: 3,
        reason: expect.stringContaining('modified'),
      });
      expect(result.verifiedUpTo).toBeUndefined();
    });

    it('detects a deleted event in the middle', async () => {
      const { knex, store } = await createStore(databaseId);
      for (let i = 0; i < 4; i++) await store.append(event({ meta: { i } }));
      if (knex.client.config.client === 'pg') {
        await knex.raw(
          'ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only',
        );
      } else {
        await knex.raw('DROP TRIGGER audit_events_no_delete');
      }
      await knex('audit_events').where({ seq: 2 }).delete();
      const result = await store.verify();
      expect(result.brokenAt).toMatchObject({
        seq: 3,
        reason: 'event #2 is missing (next stored is #3)',
      });
    });

    it('still verifies after a retention purge, through its checkpoint', async () => {
      const { store } = await createStore(databaseId);
      const old = new Date('2024-01-01T00:00:00Z');
      for (let i = 0; i < 3; i++)
        await store.append(event({ timestamp: old, meta: { i } }));
      for (let i = 0; i < 2; i++)
        await store.append(event({ meta: { recent: i } }));

      const purge = await store.purgeBefore(new Date('2025-01-01T00:00:00Z'));
      expect(purge).toEqual({ purged: 3, throughSeq: 3 });

      const result = await store.verify();
      expect(result).toMatchObject({ ok: true, fromSeq: 4, checked: 3 });
      const [checkpoint] = await store.query(
        { action: ['retention-checkpoint'] },
        { limit: 1 },
      );
      expect(checkpoint.meta).toMatchObject({ purgedThroughSeq: 3 });
    });

    it('stores people under pseudonyms that erasure makes unrecoverable while the chain verifies', async () => {
      const { knex, store } = await createStore(databaseId);
      await store.append(event());
      await store.append(
        event({
          actor: { type: 'user', ref: 'user:default/chen.wei' },
          realActor: { type: 'user', ref: 'user:default/amara.okafor' },
          action: 'impersonation-start',
          target: 'user:default/eli.martin',
          meta: { target: 'user:default/eli.martin', reason: 'ticket 42' },
        }),
      );
      const raw = JSON.stringify(await knex('audit_events').select());
      expect(raw).not.toContain('amara.okafor');
      expect(raw).not.toContain('eli.martin');

      const [latest] = await store.query({}, { limit: 1 });
      expect(latest.realActor).toMatchObject({
        ref: 'user:default/amara.okafor',
      });
      expect(latest.target).toBe('user:default/eli.martin');

      const aboutEli = [];
      for await (const page of store.iterateSubject('user:default/eli.martin'))
        aboutEli.push(...page);
      expect(aboutEli.map(e => e.action)).toEqual(['impersonation-start']);

      await store.eraseSubject('user:default/amara.okafor');
      const events = await store.query({}, { limit: 10 });
      expect(events.map(e => e.actor.erased ?? false)).toEqual([false, true]);
      expect(events[0].realActor).toMatchObject({ erased: true });
      expect(
        JSON.stringify(await knex('audit_subjects').select()),
      ).not.toContain('amara');
      expect((await store.verify()).ok).toBe(true);
      expect(
        await store.query({ actor: 'user:default/amara.okafor' }, { limit: 5 }),
      ).toEqual([]);
    });

    it('redacts secrets, truncates huge meta and keeps unserialisable meta marked', async () => {
      const { store } = await createStore(databaseId);
      const circular: Record<string, unknown> = { a: 1 };
      circular.self = circular;
      await store.append(
        event({
          meta: {
            token: 'abc',
            nested: { password: 'x' },
            header: 'Bearer abc.def',
          },
        }),
      );
      await store.append(event({ meta: { blob: 'x'.repeat(200_000) } }));
      await store.append(event({ meta: circular }));
      const [unserialisable, huge, secret] = await store.query(
        {},
        { limit: 3 },
      );
      expect(secret.meta).toEqual({
        token: REDACTED,
        nested: { password: REDACTED },
        header: REDACTED,
      });
      expect(huge.metaTruncated).toBe(true);
      expect(huge.meta).toMatchObject({ _truncated: true });
      expect(unserialisable.metaTruncated).toBe(true);
      expect(unserialisable.meta?.reason).toContain('could not be serialised');
    });

    it('filters, pages newest first and counts', async () => {
      const { store } = await createStore(databaseId);
      await store.append(
        event({
          severity: 'high',
          plugin: 'admin',
          action: 'impersonation-start',
        }),
      );
      await store.append(
        event({ outcome: 'failed', error: 'NotAllowedError: no' }),
      );
      for (let i = 0; i < 5; i++)
        await store.append(event({ meta: { note: `bulk ${i}` } }));

      const page1 = await store.query({ plugin: ['catalog'] }, { limit: 4 });
      expect(page1.map(e => e.seq)).toEqual([7, 6, 5, 4]);
      const page2 = await store.query(
        { plugin: ['catalog'] },
        { limit: 4, beforeSeq: 4 },
      );
      expect(page2.map(e => e.seq)).toEqual([3, 2]);
      expect(await store.count({ outcome: ['failed'] })).toBe(1);
      expect(await store.count({ q: 'BULK 3' })).toBe(1);
      expect(
        await store.count({
          severity: ['high'],
          actor: 'user:default/amara.okafor',
        }),
      ).toBe(1);
      const activity = await store.dailyActivity({});
      expect(activity.days).toHaveLength(1);
      expect(activity.days[0]).toMatchObject({ medium: 6, high: 1 });
    });

    it('reads one bounded page per query, whatever the filter', async () => {
      const { knex, store } = await createStore(databaseId);
      for (let i = 0; i < 30; i++) await store.append(event({ meta: { i } }));
      const statements: string[] = [];
      const record = (q: { sql: string }) => statements.push(q.sql);
      knex.on('query', record);
      try {
        const page = await store.query(
          { plugin: ['catalog'], q: 'i', actor: 'user:default/amara.okafor' },
          { limit: 3 },
        );
        expect(page).toHaveLength(3);
        await store.count({ plugin: ['catalog'] });
      } finally {
        knex.removeListener('query', record);
      }
      const eventReads = statements.filter(sql =>
        /from ["`]audit_events["`]/i.test(sql),
      );
      // one page and one count: a filter never runs an extra unbounded select
      expect(eventReads).toHaveLength(2);
      expect(eventReads[0]).toMatch(/limit/i);
    });
    it('writes exports straight from the rows exactly as csvRow and ndjsonRow write the events', async () => {
      const { knex, store } = await createStore(databaseId);
      // PostgreSQL writes exports with COPY: the bytes must still be csvRow's and ndjsonRow's
      const copies = knex.client.config.client === 'pg';
      const inputs: AuditEventInput[] = [
        event(),
        event({
          actor: { type: 'user', ref: 'user:default/chen.wei' },
          realActor: { type: 'user', ref: 'user:default/amara.okafor' },
          action: 'impersonation-start',
          target: 'user:default/eli.martin',
          meta: {
            target: 'user:default/eli.martin',
            also: ['user:default/noah.kim'],
            n: 0,
            nested: { ok: null },
          },
        }),
        event({
          actor: { type: 'service', ref: 'plugin:scaffolder' },
          target: undefined,
          meta: undefined,
          userAgent: '=HYPERLINK("http://evil.example","click")',
          ip: '+1-555',
          method: 'POST',
          path: '/api/x?a="b",c\r\nd',
          error: '@SUM(A1:A2)\tand "quotes", commas',
          outcome: 'failed',
        }),
        event({
          actor: { type: 'none' },
          action: '-entity-mutate',
          meta: {
            note: 'unicode: zoë, 日本語, 😀, \u2028, control \u0001',
            quote: '"=1+1"',
            backslash: '\\',
          },
          target: 'component:日本/サービス',
        }),
        event({ meta: { 10: 'ten', 9: 'nine', b: 1, a: 2 } }),
        event({
          actor: { type: 'user', ref: 'user:default/lena.fischer' },
          meta: 'just text',
        }),
        event({ meta: { blob: 'x'.repeat(70_000) } }),
        event({
          actor: { type: 'user', ref: 'user:default/noah.kim' },
          ip: '',
          userAgent: '\tcurl',
          error: '\rcarriage \u0001\u001f\u007f \\ "q"',
          method: 'GET',
          path: undefined,
          target: 'user:default/never-seen',
          meta: [
            '-1',
            { who: 'user:default/noah.kim', gone: 'user:default/amara.okafor' },
          ],
        }),
        event({
          actor: { type: 'service', ref: '=cmd|calc' },
          meta: -5,
          action: '+action,with "comma"',
        }),
      ];
      for (const input of inputs) await store.append(input);
      // erased people show as erased, in exports as in the API
      await store.eraseSubject('user:default/amara.okafor');

      const expected = { csv: '', ndjson: '' };
      for await (const page of store.iterate({})) {
        for (const e of page) {
          expected.csv += csvRow(e);
          expected.ndjson += ndjsonRow(e);
        }
      }
      for (const format of ['csv', 'ndjson'] as const) {
        // pages of two: the people a later page names were looked up for an earlier one
        const pages = [];
        for await (const page of store.exportPages({}, format, 2))
          pages.push(page);
        expect(
          Buffer.concat(pages.map(p => Buffer.from(p.data))).toString('utf8'),
        ).toBe(expected[format]);
        expect(pages.reduce((n, p) => n + p.rowCount, 0)).toBe(inputs.length);
        expect(pages.find(p => p.firstSeq !== undefined)?.firstSeq).toBe(1);
        expect(pages.filter(p => p.lastSeq !== undefined).at(-1)?.lastSeq).toBe(
          inputs.length,
        );
        // Node writes pages of two; PostgreSQL's last chunk counts the whole export
        const counted = pages
          .filter(p => p.rowCount)
          .map(p => [p.rowCount, p.firstSeq, p.lastSeq]);
        expect(counted).toEqual(
          copies
            ? [[9, 1, 9]]
            : [
                [2, 1, 2],
                [2, 3, 4],
                [2, 5, 6],
                [2, 7, 8],
                [1, 9, 9],
              ],
        );
      }
      // a filtered CSV names the same rows either way
      const filteredCsv = async (
        filter: Parameters<typeof store.exportPages>[0],
      ) => {
        const parts = [];
        for await (const page of store.exportPages(filter, 'csv'))
          parts.push(Buffer.from(page.data));
        return Buffer.concat(parts).toString('utf8');
      };
      const expectedNoah = [];
      for await (const page of store.iterate({
        actor: 'user:default/noah.kim',
      }))
        expectedNoah.push(...page.map(csvRow));
      expect(expectedNoah).toHaveLength(1);
      expect(await filteredCsv({ actor: 'user:default/noah.kim' })).toBe(
        expectedNoah.join(''),
      );
      const expectedSearch = [];
      for await (const page of store.iterate({
        q: '"comma"',
        outcome: ['succeeded'],
      }))
        expectedSearch.push(...page.map(csvRow));
      expect(expectedSearch).toHaveLength(1);
      expect(await filteredCsv({ q: '"comma"', outcome: ['succeeded'] })).toBe(
        expectedSearch.join(''),
      );
      expect(await filteredCsv({ q: "nothing's here" })).toBe('');
      // what the test compares is what a person reads
      expect(expected.csv).toContain(
        `"'=HYPERLINK(""http://evil.example"",""click"")"`,
      );
      expect(expected.csv).toContain('erased:');
      expect(expected.csv).toContain(`,'\tcurl,`);
      expect(expected.csv).toContain(`"'+action,with ""comma"""`);
      expect(expected.csv).toContain(`,'=cmd|calc,`);
      expect(expected.ndjson).toContain('"target":"user:default/eli.martin"');
      expect(expected.ndjson).not.toContain('amara.okafor');
      expect(csvHeader().split(',')).toHaveLength(21);

      const filtered = [];
      for await (const page of store.exportPages(
        { actor: 'user:default/lena.fischer' },
        'ndjson',
      )) {
        filtered.push(
          ...String(page.data)
            .split('\n')
            .filter(Boolean)
            .map(line => JSON.parse(line)),
        );
      }
      expect(filtered.map(e => e.meta)).toEqual(['just text']);
    });

    it('reads the export pages of a large log one bounded page at a time', async () => {
      const { knex, store } = await createStore(databaseId);
      // (on PostgreSQL exports are one COPY, tested above and below)
      if (knex.client.config.client === 'pg') return;
      await Promise.all(
        Array.from({ length: 2500 }, (_, i) =>
          store.append(event({ meta: { i } })),
        ),
      );
      const statements: string[] = [];
      const record = (q: { sql: string }) => statements.push(q.sql);
      knex.on('query', record);
      let rows = 0;
      try {
        for await (const page of store.exportPages(
          { plugin: ['catalog'] },
          'csv',
        )) {
          expect(page.rowCount).toBeLessThanOrEqual(1000);
          rows += page.rowCount;
        }
      } finally {
        knex.removeListener('query', record);
      }
      expect(rows).toBe(2500);
      const reads = statements.filter(sql =>
        /from ["`]audit_events["`]/i.test(sql),
      );
      expect(reads).toHaveLength(3);
      reads.forEach(sql => expect(sql).toMatch(/limit/i));
      // the one person in the log is looked up once for the whole export
      expect(
        statements.filter(sql => /from ["`]audit_subjects["`]/i.test(sql)),
      ).toHaveLength(1);
    });

    it('refuses an event whose severity, outcome, actor type or ids are not of their kind', async () => {
      const { store } = await createStore(databaseId);
      await expect(
        store.append(event({ severity: 'urgent' as any })),
      ).rejects.toThrow(
        /severity "urgent" is not one of low, medium, high, critical/,
      );
      await expect(
        store.append(event({ outcome: 'done' as any })),
      ).rejects.toThrow(/outcome "done"/);
      await expect(
        store.append(event({ actor: { type: 'robot' as any, ref: 'x' } })),
      ).rejects.toThrow(/actor type "robot"/);
      await expect(store.append(event({ id: 'a"b' }))).rejects.toThrow(
        /id "a"b" is not 1 to 26 letters and digits/,
      );
      await expect(store.append(event({ correlationId: '' }))).rejects.toThrow(
        /correlationId/,
      );
      expect(await store.count({})).toBe(0);
      await store.append(
        event({ id: '01JABCDEF0123456789ABCDEFG', correlationId: 'abc123' }),
      );
      expect(await store.count({})).toBe(1);
    });

    it('verifies any content the same way in the database as in Node', async () => {
      const { store, logger } = await createStore(databaseId);
      await store.append(
        event({
          meta: {
            s: 'zoë 日本語 😀 \u2028 \u0001 \u001f \u007f tab\t nl\n quote" back\\ slash/ <>&',
            n: -0.5,
            e: 1e21,
            nested: [null, true],
          },
          userAgent: 'Mozilla/5.0 "quoted" \\ agent',
          error: 'line one\nline two\r\n\ttabbed',
          path: '/api/x?q=%22a%22&b=c',
          method: 'DELETE',
          ip: '::ffff:127.0.0.1',
          realActor: { type: 'user', ref: 'user:default/chen.wei' },
        }),
      );
      await store.append(event({ meta: { blob: 'y'.repeat(300_000) } }));
      await store.append(
        event({ actor: { type: 'none' }, target: undefined, meta: undefined }),
      );
      const result = await store.verify();
      expect(result).toMatchObject({
        ok: true,
        checked: 3,
        verifiedUpTo: { seq: 3 },
      });
      // on PostgreSQL the database computed the hashes; had it disagreed with Node, it would have said so
      expect(logger.warn).not.toHaveBeenCalled();
      expect(await store.verify({ fromSeq: 2, toSeq: 2 })).toMatchObject({
        ok: true,
        checked: 1,
        fromSeq: 2,
        toSeq: 2,
      });
    });

    it('ends an export that its reader abandons without leaving anything running', async () => {
      const { knex, store } = await createStore(databaseId);
      await Promise.all(
        Array.from({ length: 3000 }, (_, i) =>
          store.append(event({ meta: { i, pad: 'x'.repeat(200) } })),
        ),
      );
      for (const format of ['csv', 'ndjson'] as const) {
        const pages = store.exportPages({}, format);
        const first = await pages.next();
        expect(first.done).toBe(false);
        // the reader goes away (a client that closed the connection)
        await pages.return(undefined);
      }
      // no COPY left running on the server (SQLite has no server)
      const copiesRunning = async () => {
        if (knex.client.config.client !== 'pg') return 0;
        const database = knex.client.connectionSettings.database;
        const [{ n }] = await knex('pg_stat_activity')
          .where({ datname: database })
          .andWhere('query', 'like', 'COPY (%')
          .count({ n: '*' });
        return Number(n);
      };
      for (let i = 0; i < 50 && (await copiesRunning()) > 0; i++)
        await new Promise(r => setTimeout(r, 100));
      expect(await copiesRunning()).toBe(0);
      // and the store goes on: the next export is whole, in many chunks
      for (const format of ['csv', 'ndjson'] as const) {
        let rows = 0;
        let chunks = 0;
        let last: number | undefined;
        for await (const page of store.exportPages({}, format)) {
          rows += page.rowCount;
          chunks += 1;
          last = page.lastSeq ?? last;
        }
        expect(rows).toBe(3000);
        expect(last).toBe(3000);
        expect(chunks).toBeGreaterThanOrEqual(3);
      }
    });

    it('indexes free-text search on PostgreSQL', async () => {
      const { knex, store } = await createStore(databaseId);
      await store.append(event({ meta: { ticket: 'CHG-04711' } }));
      await store.append(
        event({
          error: 'ConflictError: chg-04711 changed meanwhile',
          outcome: 'failed',
        }),
      );
      await store.append(event({ meta: { ticket: 'CHG-00001' } }));
      // case-insensitive on both databases
      expect(await store.count({ q: 'CHG-04711' })).toBe(2);
      if (knex.client.config.client !== 'pg') return;
      const indexes = await knex('pg_indexes')
        .where({ tablename: 'audit_events' })
        .andWhere('indexdef', 'like', '%gin_trgm_ops%')
        .pluck('indexname');
      expect(indexes.sort()).toEqual(
        ['action', 'error', 'meta', 'path', 'target'].map(
          c => `audit_events_${c}_trgm_idx`,
        ),
      );
    });
  },
);
