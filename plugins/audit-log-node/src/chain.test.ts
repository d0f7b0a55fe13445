import { canonicalJson } from '@internal/backstage-plugin-audit-log-common';
import { createHash } from 'node:crypto';
import { ChainRecord, chainHash, chainRecordJson, GENESIS_HASH } from './chain';

const base: ChainRecord = {
  seq: 1,
  id: '01JD0000000000000000000000',
  ts: '2026-11-22T07:30:00.000Z',
  actor: 'subject:7f1c2e94-3b5d-4a8e-9c61-2d4f8a0b6e13',
  actorType: 'user',
  realActor: null,
  ip: '10.1.2.3',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
  plugin: 'catalog',
  action: 'entity-mutate',
  severity: 'medium',
  target: 'component:default/stackpro-ai',
  outcome: 'succeeded',
  error: null,
  method: 'POST',
  path: '/api/catalog/entities',
  meta: '{"entityRef":"component:default/stackpro-ai"}',
  metaTruncated: false,
  correlationId: '01JD0000000000000000000000',
};

/** Records the way the store writes and reads them, and some it never should. */
const variants: Array<[string, Partial<ChainRecord>]> = [
  ['a typical user event', {}],
  [
    'every nullable column null',
    {
      actor: null,
      realActor: null,
      ip: null,
      userAgent: null,
      target: null,
      error: null,
      method: null,
      path: null,
      meta: null,
    },
  ],
  [
    'unicode in every kind of column',
    {
      actor: 'user:default/zoë.łukasik',
      target: 'component:日本/サービス',
      error: 'ConflictError: « déjà modifié » — 🚧',
      path: '/api/catalog/entities/by-name/component/default/naïve',
      userAgent: 'Ünïcödé-Agent/1.0 (\u2028\u2029)',
      meta: JSON.stringify({
        note: 'emoji 😀 and 𝄞',
        lone: '\ud800 high alone',
        rtl: 'שלום',
      }),
    },
  ],
  [
    'nested meta with arrays, numbers and nulls',
    {
      meta: JSON.stringify({
        fields: {
          spec: {
            lifecycle: 'production',
            tier: 3,
            owners: ['a', null, { b: [1, 2.5, -0.001] }],
          },
        },
        big: 12345678901234567890,
        small: 1e-7,
        empty: {},
        list: [],
        flag: true,
      }),
      metaTruncated: true,
    },
  ],
  [
    'characters JSON must escape',
    {
      action:
        'quote " backslash \\ slash / tab \t newline \n nul \u0000 bell \u0007 del \u007f',
      error: '"},{"injected":true',
      path: '/a?b=c&d="e"',
    },
  ],
  [
    'a service actor and impersonation',
    {
      actor: 'plugin:scaffolder',
      actorType: 'service',
      realActor: 'subject:00000000-0000-4000-8000-000000000000',
    },
  ],
  ['empty strings', { ip: '', userAgent: '', error: '', meta: '', path: '' }],
  ['a large sequence number', { seq: 9_007_199_254_740_991 }],
  [
    'a retention checkpoint',
    {
      plugin: 'audit-log',
      action: 'retention-checkpoint',
      meta: JSON.stringify({
        purgedThroughSeq: 41,
        purgedThroughHash: 'ab'.repeat(32),
        cutoff: '2025-11-22T00:00:00.000Z',
      }),
    },
  ],
];

describe('chainRecordJson', () => {
  it.each(variants)(
    'writes the same text as canonicalJson for %s',
    (_name, overrides) => {
      const record = { ...base, ...overrides };
      for (const prevHash of [GENESIS_HASH, 'f'.repeat(64)]) {
        expect(chainRecordJson(record, prevHash)).toBe(
          canonicalJson({ ...record, prevHash }),
        );
      }
    },
  );

  it('leaves out members that are undefined, as canonicalJson does', () => {
    const record = {
      ...base,
      ip: undefined,
      meta: undefined,
    } as unknown as ChainRecord;
    const text = chainRecordJson(record, GENESIS_HASH);
    expect(text).toBe(canonicalJson({ ...record, prevHash: GENESIS_HASH }));
    expect(text).not.toContain('"ip"');
  });

  it('matches canonicalJson on many generated records', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pieces = [
      'a',
      'é',
      '"',
      '\\',
      '\n',
      '😀',
      '\u0001',
      ' ',
      'user:default/x',
      '日本',
      '\ud83d',
    ];
    const text = () =>
      Array.from(
        { length: Math.floor(rand() * 12) },
        () => pieces[Math.floor(rand() * pieces.length)],
      ).join('');
    const maybe = () => (rand() < 0.3 ? null : text());
    for (let i = 0; i < 2000; i++) {
      const record: ChainRecord = {
        seq: Math.floor(rand() * 1e12),
        id: text(),
        ts: text(),
        actor: maybe(),
        actorType: text(),
        realActor: maybe(),
        ip: maybe(),
        userAgent: maybe(),
        plugin: text(),
        action: text(),
        severity: text(),
        target: maybe(),
        outcome: text(),
        error: maybe(),
        method: maybe(),
        path: maybe(),
        meta:
          rand() < 0.3
            ? null
            : JSON.stringify({
                [text()]: { [text()]: [text(), rand(), null] },
              }),
        metaTruncated: rand() < 0.5,
        correlationId: text(),
      };
      const prevHash = text();
      expect(chainRecordJson(record, prevHash)).toBe(
        canonicalJson({ ...record, prevHash }),
      );
    }
  });
});

describe('chainHash', () => {
  it('is SHA-256 over the previous hash, a newline and the canonical JSON', () => {
    const prevHash = 'c'.repeat(64);
    const expected = createHash('sha256')
      .update(prevHash)
      .update('\n')
      .update(canonicalJson({ ...base, prevHash }))
      .digest('hex');
    expect(chainHash(prevHash, base)).toBe(expected);
  });

  it('keeps the format of chains already stored', () => {
    // the hash of this record after the genesis, as the store has always computed it
    expect(chainHash(GENESIS_HASH, base)).toBe(
      '97767eb558a328a7f1f74bef54e85f7563ac94875946440496426331c545914a',
    );
  });
});
