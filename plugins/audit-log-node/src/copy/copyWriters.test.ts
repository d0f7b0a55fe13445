import { CopyCsvWriter } from './CopyCsvWriter';
import { CopyNdjsonWriter } from './CopyNdjsonWriter';
import {
  csvRow,
  EXPORT_COLUMNS,
  ndjsonRow,
  SubjectRefs,
} from '../exportFormats';
import { toEvent } from '../store/EventQueries';
import { EventRow } from '../store/rows';

/** A stored row as COPY sends it: the values of EXPORT_COLUMNS, in order. */
type ExportRow = unknown[];

/** The record the general implementation writes for a stored row (the reference). */
const recordOf =
  (writeRecord: typeof csvRow) => (values: ExportRow, refs: SubjectRefs) =>
    writeRecord(
      toEvent(
        Object.fromEntries(
          EXPORT_COLUMNS.map((column, i) => [column, values[i]]),
        ) as unknown as EventRow,
        refs,
      ),
    );

const KNOWN = '7f1c2e94-3b5d-4a8e-9c61-2d4f8a0b6e13';
const ERASED = '0b9d4c3a-1e2f-4a5b-8c7d-6e5f4a3b2c1d';
const UNKNOWN = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const subjects: SubjectRefs = new Map<string, string | null>([
  [KNOWN, 'user:default/amara.okafor'],
  [ERASED, null],
  ['f00dfeed-0000-4000-8000-000000000001', '=user:default/"quoted",one'],
]);
const people = [...subjects].filter(
  (e): e is [string, string] => e[1] !== null,
);

/** A stored row, EXPORT_COLUMNS order, with these columns changed. */
function row(
  seq: number,
  changes: Partial<Record<(typeof EXPORT_COLUMNS)[number], unknown>> = {},
): ExportRow {
  const values: Record<string, unknown> = {
    seq,
    id: `01JD00000000000000000000${String(seq).padStart(2, '0')}`,
    ts: '2026-11-22T07:30:00.000Z',
    actor: `subject:${KNOWN}`,
    actor_type: 'user',
    real_actor: null,
    ip: '10.1.2.3',
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
    plugin: 'catalog',
    action: 'entity-mutate',
    severity: 'medium',
    target: 'component:default/stackpro-ai',
    outcome: 'succeeded',
    error: null,
    method: 'POST',
    path: '/api/catalog/entities',
    meta: '{"entityRef":"component:default/stackpro-ai"}',
    meta_truncated: false,
    correlation_id: '01JD0000000000000000000000',
    prev_hash: 'a'.repeat(64),
    hash: 'b'.repeat(64),
    ...changes,
  };
  return EXPORT_COLUMNS.map(c => values[c]);
}

/** The rows a store holds, and some it should never hold but an export must still write right. */
const rows: ExportRow[] = [
  row(1),
  // formulas behind white space or in full-width signs, which spreadsheets still run
  row(20, {
    user_agent: ' =HYPERLINK("http://evil.example")',
    ip: '\n=1+1',
    error: '\uFF1D1+1',
    path: '\u3000@SUM(A1)',
    target: '\u00a0\uFF0B1',
    method: '\u000b-1',
  }),
  row(2, {
    real_actor: `subject:${ERASED}`,
    actor: 'user:default/chen.wei',
    target: `subject:${KNOWN}`,
  }),
  row(3, {
    actor: `subject:${UNKNOWN}`,
    target: `subject:${ERASED}`,
    method: 'GET',
    path: null,
  }),
  row(4, {
    actor: null,
    actor_type: 'none',
    ip: null,
    user_agent: null,
    method: null,
    path: null,
    meta: null,
  }),
  row(5, {
    actor: '',
    ip: '',
    user_agent: '',
    target: '',
    error: '',
    method: '',
    meta: '',
  }),
  row(6, {
    actor: 'plugin:scaffolder',
    actor_type: 'service',
    user_agent: '=HYPERLINK("http://evil.example","click")',
    ip: '+1-555',
    path: '/api/x?a="b",c\r\nd',
    error: '@SUM(A1:A2)\tand "quotes", commas \\ back',
    outcome: 'failed',
    meta: '-5',
  }),
  row(7, {
    action: '-entity-mutate',
    target: 'component:日本/サービス',
    meta: '{"note":"unicode: zoë, 日本語, 😀, \u2028, control \\u0001","q":"\\"=1+1\\""}',
    error: '\rcarriage \u0001\u001f\u007f',
    user_agent: '\tcurl',
  }),
  row(8, {
    meta: `{"who":"subject:${KNOWN}","gone":"subject:${ERASED}","x":"subject:${UNKNOWN}"}`,
  }),
  row(9, { meta: `["subject:${KNOWN}"]`, meta_truncated: true }),
  row(10, {
    meta: `{"almost":"subject:${KNOWN.slice(
      0,
      20,
    )}","quote":"\\"subject","colon":"subject:"}`,
  }),
  row(11, {
    meta: `{"blob":"${'x'.repeat(70_000)}","tail":"subject:${KNOWN}"}`,
  }),
  row(12, {
    actor: 'f00dfeed',
    actor_type: 'user',
    real_actor: 'user:default/"odd"',
    ip: 'unit\u001fseparator',
    error: 'path C:\\dir',
    user_agent: 'abcd\\',
  }),
  row(13, {
    actor: 'subject:f00dfeed-0000-4000-8000-000000000001',
    target: 'subject:f00dfeed-0000-4000-8000-000000000001',
    error: 'first line\nsecond line',
  }),
  row(14, { actor: 'subject:', target: 'subject:x"y' }),
  row(2 ** 40 + 7),
];

function int16(n: number) {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}

function int32(n: number) {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** The bytes PostgreSQL sends for `COPY (SELECT <EXPORT_COLUMNS> ...) TO STDOUT WITH (FORMAT binary)`. */
function binaryCopy(of: ExportRow[]): Buffer {
  const parts = [
    Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'),
    int32(0),
    int32(0),
  ];
  for (const r of of) {
    parts.push(int16(r.length));
    r.forEach((value, i) => {
      if (value === null) parts.push(int32(-1));
      else if (i === 0) {
        const b = Buffer.alloc(8);
        b.writeBigInt64BE(BigInt(value as number));
        parts.push(int32(8), b);
      } else if (typeof value === 'boolean')
        parts.push(int32(1), Buffer.from([value ? 1 : 0]));
      else {
        const b = Buffer.from(String(value), 'utf8');
        parts.push(int32(b.length), b);
      }
    });
  }
  parts.push(int16(-1));
  return Buffer.concat(parts);
}

const formats = [
  { name: 'csv', Writer: CopyCsvWriter, line: recordOf(csvRow) },
  { name: 'ndjson', Writer: CopyNdjsonWriter, line: recordOf(ndjsonRow) },
] as const;

/** Feeds the stream in chunks ending at these offsets. */
function write(
  Writer: (typeof formats)[number]['Writer'],
  stream: Buffer,
  cuts: number[],
) {
  const writer = new Writer(people);
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    out.push(Buffer.from(writer.push(stream.subarray(from, cut))));
    from = cut;
  }
  return { writer, text: Buffer.concat(out).toString('utf8') };
}

describe.each(formats)(
  'the $name records of a binary COPY',
  ({ Writer, line }) => {
    const stream = binaryCopy(rows);
    const expected = rows.map(r => line(r, subjects)).join('');

    it('are the records csvRow / ndjsonRow write for the events of the same rows', () => {
      const { writer, text } = write(Writer, stream, []);
      expect(text === expected).toBe(true);
      expect(writer).toMatchObject({
        rows: rows.length,
        firstSeq: 1,
        lastSeq: 2 ** 40 + 7,
        finished: true,
      });
      // what the comparison covers is what a person reads
      // (not toContain: a failure would print the 70 KB meta)
      expect(text.includes(`subject:${KNOWN}`)).toBe(false);
      expect(text.includes('user:default/amara.okafor')).toBe(true);
      expect(text.includes(`erased`)).toBe(true);
    });

    it('are the same wherever the chunks end, in a character or a number', () => {
      // every byte its own chunk: each cut falls inside every kind of field
      const small = binaryCopy(rows.slice(0, 10));
      const bytes = Array.from({ length: small.length - 1 }, (_, i) => i + 1);
      expect(write(Writer, small, bytes).text).toBe(
        rows
          .slice(0, 10)
          .map(r => line(r, subjects))
          .join(''),
      );
      // and chunks of many sizes over all the rows, the long meta among them
      let seed = 7;
      const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
      for (let run = 0; run < 20; run++) {
        const cuts = [];
        for (let at = 0; ; ) {
          at += 1 + Math.floor(random() * (run % 2 ? 9000 : 200));
          if (at >= stream.length) break;
          cuts.push(at);
        }
        expect(write(Writer, stream, cuts).text === expected).toBe(true);
      }
    });

    it('say when the stream ends before its last row, or is not a binary COPY', () => {
      const { writer } = write(
        Writer,
        stream.subarray(0, stream.length - 100),
        [],
      );
      expect(writer.finished).toBe(false);
      expect(writer.rows).toBe(rows.length - 1);
      expect(() =>
        new Writer(people).push(Buffer.from('seq,id,timestamp\n1,2,3\n')),
      ).toThrow('The database did not answer COPY in binary format');
      const short = Buffer.concat([
        stream.subarray(0, 19),
        int16(3),
        int32(-1),
      ]);
      expect(() => new Writer(people).push(short)).toThrow(
        'COPY sent a row of 3 fields, expected 21',
      );
    });
  },
);
