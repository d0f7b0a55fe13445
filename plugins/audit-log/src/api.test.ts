import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { fileNameFromDisposition, RecordCounter } from './api';
import {
  AUDIT_URL,
  streamOf,
  testAuditLogClient,
} from './__testUtils__/fixtures';

describe('AuditLogClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const client = testAuditLogClient();

  it('sends the filters with the backend names, lists as repeated parameters', async () => {
    let requested: URLSearchParams | undefined;
    server.use(
      http.get(`${AUDIT_URL}/events`, ({ request }) => {
        requested = new URL(request.url).searchParams;
        return HttpResponse.json({ items: [] });
      }),
    );

    await client.listEvents(
      {
        actor: 'user:default/eli.martin',
        severity: ['high', 'critical'],
        outcome: ['failed'],
        action: ['entity-delete'],
        from: '2026-11-01T00:00:00.000Z',
        q: 'payments',
      },
      { cursor: 'c2', limit: 50 },
    );

    expect(requested?.get('actor')).toBe('user:default/eli.martin');
    expect(requested?.getAll('severity')).toEqual(['high', 'critical']);
    expect(requested?.getAll('outcome')).toEqual(['failed']);
    expect(requested?.getAll('action')).toEqual(['entity-delete']);
    expect(requested?.get('from')).toBe('2026-11-01T00:00:00.000Z');
    expect(requested?.get('q')).toBe('payments');
    expect(requested?.get('cursor')).toBe('c2');
    expect(requested?.get('limit')).toBe('50');
    expect(requested?.has('plugin')).toBe(false);
    expect(requested?.has('to')).toBe(false);
  });

  it('reads the count, the verification range and the manifest by id', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${AUDIT_URL}/events/count`, ({ request }) => {
        seen.push(new URL(request.url).search);
        return HttpResponse.json({ count: 42 });
      }),
      http.get(`${AUDIT_URL}/verify`, ({ request }) => {
        seen.push(new URL(request.url).search);
        return HttpResponse.json({ ok: true, checked: 0 });
      }),
      http.get(`${AUDIT_URL}/exports/:id/manifest`, ({ params }) => {
        seen.push(`manifest ${params.id}`);
        return HttpResponse.json({ exportId: params.id });
      }),
    );

    expect(await client.countEvents({ plugin: ['catalog'] })).toBe(42);
    await client.verifyChain({ fromSeq: 10, toSeq: 20 });
    await client.getManifest('exp/1');

    expect(seen).toEqual([
      '?plugin=catalog',
      '?fromSeq=10&toSeq=20',
      'manifest exp/1',
    ]);
  });

  it("throws a ResponseError with the backend's message on a bad filter", async () => {
    server.use(
      http.get(`${AUDIT_URL}/events`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: 'from: not an ISO timestamp',
            },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );

    const failure = client.listEvents({ from: 'yesterday' });

    await expect(failure).rejects.toBeInstanceOf(ResponseError);
    await expect(failure).rejects.toMatchObject({
      statusCode: 400,
      body: { error: { message: 'from: not an ISO timestamp' } },
    });
  });

  it('streams an export, reporting bytes and rows as they arrive', async () => {
    // The second record's quoted error spans two lines: still one row.
    const csv =
      'seq,action,error\n1,entity-delete,""\n2,flag-toggle,"Unleash said:\n""503"""\n3,config-read,""\n';
    let query: URLSearchParams | undefined;
    server.use(
      http.get(`${AUDIT_URL}/export`, ({ request }) => {
        query = new URL(request.url).searchParams;
        return new HttpResponse(streamOf(csv, 4), {
          headers: {
            'Content-Type': 'text/csv',
            'Content-Disposition':
              'attachment; filename="audit-events-20261123.csv"',
            'X-Audit-Export-Id': 'exp-7',
          },
        });
      }),
    );
    const progress: Array<{ bytes: number; rows: number }> = [];

    const result = await client.exportEvents(
      { severity: ['critical'] },
      'csv',
      p => progress.push(p),
    );

    expect(query?.get('format')).toBe('csv');
    expect(query?.getAll('severity')).toEqual(['critical']);
    expect(result.fileName).toBe('audit-events-20261123.csv');
    expect(result.exportId).toBe('exp-7');
    expect(result.rows).toBe(3);
    expect(result.bytes).toBe(new TextEncoder().encode(csv).length);
    expect(await result.blob.text()).toBe(csv);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress[progress.length - 1]).toEqual({
      bytes: result.bytes,
      rows: 3,
    });
    const bytesSeen = progress.map(p => p.bytes);
    expect([...bytesSeen].sort((a, b) => a - b)).toEqual(bytesSeen);
  });

  it('stops reading an export when aborted', async () => {
    server.use(
      http.get(
        `${AUDIT_URL}/export`,
        () =>
          new HttpResponse(
            new ReadableStream({
              start(controller) {
                controller.enqueue(new TextEncoder().encode('{"seq":1}\n'));
                // never closes: a long export
              },
            }),
          ),
      ),
    );
    const controller = new AbortController();
    const progress: number[] = [];

    const running = client.exportEvents(
      {},
      'ndjson',
      p => {
        progress.push(p.rows);
        controller.abort();
      },
      controller.signal,
    );

    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(progress).toEqual([1]);
  });

  it('refuses an export with the server answer (403 for those who may not)', async () => {
    server.use(
      http.get(`${AUDIT_URL}/export`, () =>
        HttpResponse.json(
          { error: { name: 'NotAllowedError', message: 'compliance only' } },
          { status: 403 },
        ),
      ),
    );

    await expect(client.exportEvents({}, 'csv')).rejects.toMatchObject({
      statusCode: 403,
    });
  });
});

describe('RecordCounter', () => {
  const count = (format: 'csv' | 'ndjson', ...chunks: string[]) => {
    const counter = new RecordCounter(format);
    for (const chunk of chunks) counter.push(new TextEncoder().encode(chunk));
    return counter.rows(true);
  };

  it('counts NDJSON lines, a last one without a line break too', () => {
    expect(count('ndjson', '{"a":1}\n{"a', '":2}\n{"a":3}')).toBe(3);
    expect(count('ndjson')).toBe(0);
  });

  it('leaves out the CSV header and line breaks inside quotes', () => {
    expect(count('csv', 'h1,h2\n')).toBe(0);
    expect(count('csv', 'h1,h2\n1,"a\n', 'b"\n2,"say ""hi"""\n')).toBe(2);
  });
});

describe('fileNameFromDisposition', () => {
  it('reads plain and encoded file names', () => {
    expect(fileNameFromDisposition('attachment; filename="a b.csv"')).toBe(
      'a b.csv',
    );
    expect(fileNameFromDisposition('attachment; filename=x.ndjson')).toBe(
      'x.ndjson',
    );
    expect(
      fileNameFromDisposition(
        'attachment; filename="x.csv"; filename*=UTF-8\'\'audit%20log.csv',
      ),
    ).toBe('audit log.csv');
    expect(fileNameFromDisposition(null)).toBeUndefined();
  });
});
