import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { PgSearchEngine } from '@backstage/plugin-search-backend-module-pg';
import {
  SearchEngine,
  TestPipeline,
} from '@backstage/plugin-search-backend-node';
import { ExactNamesLunrSearchEngine } from './ExactNamesLunrSearchEngine';
import { IndexableDocument } from '@backstage/plugin-search-common';
import { stackPortalCatalogEntityTransformer } from './catalogEntityTransformer';
import { ExactNameFirstSearchEngine } from './ExactNameFirstSearchEngine';
import { ExactNamesDecorator } from './ExactNamesDecorator';

jest.setTimeout(60_000);

const logger = mockServices.logger.mock();

const entity = (
  kind: string,
  name: string,
  metadata: Partial<Entity['metadata']>,
  spec: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default', ...metadata },
  spec,
});

/** Catalog documents as the portal's catalog collator makes them. */
const catalogDocuments = (): IndexableDocument[] =>
  [
    entity(
      'Component',
      'stackpro-messaging',
      {
        title: 'StackPro Messaging',
        description:
          'Messaging for StackPro: messaging channels, messaging history and messaging webhooks, switched by its messaging flags.',
      },
      { type: 'service', lifecycle: 'production', owner: 'team-ai' },
    ),
    entity(
      'System',
      'communication-stack',
      {
        title: 'Communication Stack',
        description:
          'Real-time transport and chat between users and from the backend to open clients.',
        tags: ['websocket', 'realtime', 'chat'],
      },
      { type: 'stack', owner: 'team-ai' },
    ),
    // an API whose words say "communication stack" more often than the stack does
    entity(
      'API',
      'communication-stack-events',
      {
        title: 'Communication Stack events',
        description:
          'Events of the communication stack: communication stack presence, communication stack rooms.',
      },
      { type: 'asyncapi', lifecycle: 'production', owner: 'team-ai' },
    ),
    entity(
      'System',
      'payment-stack',
      {
        title: 'Payment Stack',
        description: 'Payments, invoices and billing.',
        tags: ['billing', 'invoicing'],
      },
      { type: 'stack', owner: 'team-payments' },
    ),
  ].map(e => ({
    ...stackPortalCatalogEntityTransformer(e),
    location: `/catalog/default/${e.kind.toLowerCase()}/${e.metadata.name}`,
  }));

const flag = (name: string, description: string): IndexableDocument => ({
  title: name,
  text: description,
  location: `/feature-flags?flag=${encodeURIComponent(`default/${name}`)}`,
});

const flagDocuments = () => [
  flag('CAP_MESSAGING_ENABLED', 'Turns the capability on.'),
  flag('CAP_MESSAGING_VERSION', 'The messaging version clients get.'),
  flag('CAP_MESSAGING_DEGRADED', 'Messaging answers in degraded mode.'),
  flag('CAP_BILLING_ENABLED', 'Turns the capability on.'),
  flag('CAP_AI_ENABLED', 'Turns the capability on.'),
];

/** A decision that repeats the flag's words more often than the flag does. */
const adrDocuments = (): IndexableDocument[] => [
  {
    title: 'ADR-007: Capabilities are switched by flags',
    text: 'Each capability has CAP_<X>_ENABLED. Messaging ships behind CAP_MESSAGING_ENABLED; CAP_MESSAGING_ENABLED is off in production until the messaging review; turning CAP_MESSAGING_ENABLED on enables messaging for every tenant, and CAP_MESSAGING_ENABLED stays the kill switch.',
    location: '/catalog/default/system/stackpro/decisions?record=0007',
  },
  {
    title: 'ADR-004: WebSocket for real-time updates',
    text: 'Messaging needs real-time updates; messaging clients keep a socket open.',
    location: '/catalog/default/system/smartstack/decisions?record=0004',
  },
];

async function index(engine: SearchEngine) {
  for (const [type, documents] of [
    ['software-catalog', catalogDocuments()],
    ['feature-flag', flagDocuments()],
    ['adr', adrDocuments()],
  ] as const) {
    const { error } = await TestPipeline.fromDecorator(
      new ExactNamesDecorator(),
    )
      .withDocuments(documents)
      .withIndexer(await engine.getIndexer(type))
      .execute();
    expect(error).toBeUndefined();
  }
  // Lunr builds an index as its indexer closes
  await new Promise(resolve => setImmediate(resolve));
}

const titles = async (
  engine: SearchEngine,
  term: string,
  more: { types?: string[]; pageLimit?: number; pageCursor?: string } = {},
) => {
  const { results } = await engine.query({ term, ...more });
  return results.map(r => r.document.title);
};

const databases = TestDatabases.create({ ids: ['POSTGRES_16'] });

const engines: Array<[string, () => Promise<SearchEngine>]> = [
  ['Lunr', async () => new ExactNamesLunrSearchEngine({ logger })],
  ...databases.eachSupportedId().map(
    ([id]) =>
      [
        `PostgreSQL (${id})`,
        async () => {
          const knex = await databases.init(id);
          return PgSearchEngine.fromConfig(mockServices.rootConfig(), {
            database: mockServices.database({
              knex,
              migrations: { skip: false },
            }),
            logger,
          });
        },
      ] as [string, () => Promise<SearchEngine>],
  ),
];

describe.each(engines)('search on %s', (_name, create) => {
  let plain: SearchEngine;
  let engine: SearchEngine;

  beforeAll(async () => {
    plain = await create();
    await index(plain);
    engine = ExactNameFirstSearchEngine.wrap({ engine: plain, logger });
  });

  it('does not put the flag first on words alone (why the wrapper exists)', async () => {
    expect((await titles(plain, 'CAP_MESSAGING_ENABLED'))[0]).not.toBe(
      'CAP_MESSAGING_ENABLED',
    );
  });

  it('puts a flag named exactly what was typed first, then the rest', async () => {
    const found = await titles(engine, 'CAP_MESSAGING_ENABLED');
    expect(found[0]).toBe('CAP_MESSAGING_ENABLED');
    expect(found).toContain('ADR-007: Capabilities are switched by flags');
    expect(found.filter(t => t === 'CAP_MESSAGING_ENABLED')).toHaveLength(1);
  });

  it('matches the name in any case and around spaces', async () => {
    expect((await titles(engine, '  cap_messaging_enabled '))[0]).toBe(
      'CAP_MESSAGING_ENABLED',
    );
  });

  it('puts an entity first by its metadata.name or its title', async () => {
    expect((await titles(engine, 'communication-stack'))[0]).toBe(
      'Communication Stack',
    );
    expect((await titles(engine, 'Communication Stack'))[0]).toBe(
      'Communication Stack',
    );
  });

  it('keeps to the types asked for', async () => {
    const found = await titles(engine, 'CAP_MESSAGING_ENABLED', {
      types: ['adr'],
    });
    expect(found).not.toContain('CAP_MESSAGING_ENABLED');
    expect(found[0]).toBe('ADR-007: Capabilities are switched by flags');
  });

  it('shows the exact match once, on the first page', async () => {
    const term = 'CAP_MESSAGING_ENABLED';
    const first = await engine.query({ term, pageLimit: 1 });
    expect(first.results[0].document.title).toBe('CAP_MESSAGING_ENABLED');
    const all = [...first.results];
    let cursor = first.nextPageCursor;
    while (cursor) {
      const page = await engine.query({
        term,
        pageLimit: 1,
        pageCursor: cursor,
      });
      all.push(...page.results);
      cursor = page.nextPageCursor;
    }
    const locations = all.map(r => r.document.location);
    expect(new Set(locations).size).toBe(locations.length);
    expect(all.map(r => r.document.title)).toContain(
      'ADR-007: Capabilities are switched by flags',
    );
  });

  it('finds a stack by one of its tags', async () => {
    const found = await engine.query({
      term: 'realtime',
      types: ['software-catalog'],
    });
    expect(found.results.map(r => r.document.title)).toEqual([
      'Communication Stack',
    ]);
    expect(found.results[0].document.text).toContain(
      'Tags: websocket, realtime, chat',
    );
  });

  it('changes nothing when no name matches', async () => {
    expect(await titles(engine, 'invoices')).toEqual(
      await titles(plain, 'invoices'),
    );
  });
});
