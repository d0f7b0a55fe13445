import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import searchPlugin from '@backstage/plugin-search-backend';
import { TestPipeline } from '@backstage/plugin-search-backend-node';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  as,
  ENGINEER,
  notificationsRecorder,
  stackproEntities,
  userInfo,
} from '../__testUtils__/fixtures';
import { featureFlagsPlugin } from '../plugin';
import { FlagCollatorFactory } from './FlagCollatorFactory';
import { searchModuleFeatureFlagsCollator } from './module';

jest.setTimeout(60_000);

/** Someone signed in who may not read flags. */
const OUTSIDER = 'user:default/visitor';

/** Flags are read by everyone signed in but OUTSIDER; nothing else is asked here. */
const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const who =
      (options.credentials.principal as { userEntityRef?: string })
        .userEntityRef ?? '';
    return requests.map(r => {
      const name = (r as { permission: { name: string } }).permission.name;
      const allow =
        name === 'feature-flags.flag.read' && !!who && who !== OUTSIDER;
      return { result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    });
  },
});

const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

/**
 * The flags plugin on the embedded provider, Backstage's search plugin (its
 * Lunr engine, permissions on) and the flags' collator, with a scheduler the
 * test runs by hand.
 */
async function startBackend(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  const scheduler = mockServices.scheduler();
  const { server } = await startTestBackend({
    features: [
      featureFlagsPlugin,
      searchPlugin,
      searchModuleFeatureFlagsCollator,
      permissions.factory,
      userInfo,
      notificationsRecorder().factory,
      // one scheduler for every plugin, whose tasks run only when the test says
      createServiceFactory({
        service: coreServices.scheduler,
        deps: {},
        factory: () => scheduler,
      }),
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: stackproEntities() }),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          featureFlags: {
            environments: ['development', 'staging', 'production'],
            protectedEnvironments: ['production'],
          },
        },
      }),
    ],
  });
  return { server, scheduler };
}

const baseUrlOf = (server: Server) =>
  `http://localhost:${
    (server.address() as AddressInfo).port
  }/api/feature-flags`;

describe.each(databases.eachSupportedId())(
  'feature flags in search, %p',
  databaseId => {
    it('gives the collator every flag, to services only', async () => {
      const { server } = await startBackend(databaseId);
      const user = await request(server)
        .get('/api/feature-flags/search-documents')
        .set('Authorization', as(ENGINEER));
      expect(user.status).toBe(403);
      const none = await request(server)
        .get('/api/feature-flags/search-documents')
        .set('Authorization', mockCredentials.none.header());
      expect(none.status).toBe(401);

      const factory = FlagCollatorFactory.fromConfig({
        discovery: {
          getBaseUrl: async () => baseUrlOf(server),
          getExternalBaseUrl: async () => baseUrlOf(server),
        },
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
      });
      expect(factory.type).toBe('feature-flag');
      expect(factory.visibilityPermission?.name).toBe(
        'feature-flags.flag.read',
      );
      const { documents, error } = await TestPipeline.fromCollator(
        await factory.getCollator(),
      ).execute();
      expect(error).toBeUndefined();
      expect(documents.map(d => d.title)).toEqual(
        expect.arrayContaining([
          'CAP_MESSAGING_ENABLED',
          'CAP_MESSAGING_VERSION',
          'CAP_BILLING_ENABLED',
        ]),
      );
      const messaging = documents.find(
        d => d.title === 'CAP_MESSAGING_ENABLED',
      );
      expect(messaging).toMatchObject({
        location: '/feature-flags?flag=stackpro%2FCAP_MESSAGING_ENABLED',
        project: 'stackpro',
        name: 'CAP_MESSAGING_ENABLED',
        flagType: 'release',
        enabledIn: ['development'],
        entityRefs: ['component:default/stackpro-messaging'],
        stacks: ['communication-stack'],
      });
      expect(messaging!.text).toContain(
        'release flag in project stackpro, on in development; off in staging, production.',
      );
      expect(messaging!.text).toContain('Used by StackPro Messaging.');
      expect(messaging!.text).toContain('Stack: communication-stack.');
    });

    it('finds a flag by its name for those who may read flags, and only for them', async () => {
      const { server, scheduler } = await startBackend(databaseId);
      await scheduler.triggerTask('search_index_feature_flag');
      const search = (who: string) =>
        request(server)
          .get('/api/search/query')
          .query({ term: 'CAP_MESSAGING_ENABLED' })
          .set('Authorization', as(who));

      // the index is built as the indexer closes, just after the task ends
      let found = await search(ENGINEER);
      for (let i = 0; i < 50 && !found.body.results?.length; i++) {
        await new Promise(resolve => setTimeout(resolve, 100));
        found = await search(ENGINEER);
      }
      expect(found.status).toBe(200);
      expect(found.body.results[0]).toMatchObject({
        type: 'feature-flag',
        document: {
          title: 'CAP_MESSAGING_ENABLED',
          location: '/feature-flags?flag=stackpro%2FCAP_MESSAGING_ENABLED',
        },
      });

      const hidden = await search(OUTSIDER);
      expect(hidden.status).toBe(200);
      expect(hidden.body.results).toEqual([]);
    });
  },
);
