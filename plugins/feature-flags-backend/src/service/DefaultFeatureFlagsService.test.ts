import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { LocalFlagProvider } from '../providers/LocalFlagProvider';
import {
  ADMIN,
  ADMIN2,
  ENGINEER,
  OWNER,
  stackproEntities,
} from '../__testUtils__/fixtures';
import { CatalogFlagIndex } from './CatalogFlagIndex';
import { DatabaseFeatureFlagStore } from './DatabaseFeatureFlagStore';
import { DefaultFeatureFlagsService } from './DefaultFeatureFlagsService';
import type { Caller, FeatureFlagsSettings } from './FeatureFlagsService';
import { seedFromCatalog } from './seed';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });
const ENVIRONMENTS = ['development', 'staging', 'production'];
const NO_RIGHTS = {
  toggle: false,
  create: false,
  archive: false,
  updateStrategy: false,
  approve: false,
};

/** The person as the router hands them over: the user and their groups (catalog/org). */
const caller = (userEntityRef: string, ...groups: string[]): Caller => ({
  userEntityRef,
  ownershipRefs: async () => [userEntityRef, ...groups],
});
const admin = caller(ADMIN, 'group:default/platform-admins');
const admin2 = caller(ADMIN2, 'group:default/platform-admins');
const owner = caller(OWNER, 'group:default/team-ai');

/** How a promise was refused: the error's name (its HTTP status) and message. */
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'not refused',
    (error: Error) => ({ name: error.name, message: error.message }),
  );

const stagingOf = (ref: string) => ({
  project: 'stackpro',
  flag: ref,
  environment: 'staging',
});
const productionOf = (ref: string) => ({
  ...stagingOf(ref),
  environment: 'production',
});

/**
 * The service's own rules, called directly: the StackPro flags on the
 * embedded provider and a real database, seeded from the catalog.
 */
describe.each(databases.eachSupportedId())(
  'the feature flags service, %p',
  databaseId => {
    async function createService(settings: Partial<FeatureFlagsSettings> = {}) {
      const knex = await databases.init(databaseId);
      const store = await DatabaseFeatureFlagStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      const logger = mockServices.logger.mock();
      const index = CatalogFlagIndex.create({
        catalog: catalogServiceMock({ entities: stackproEntities() }),
        auth: mockServices.auth(),
        logger,
        defaultProject: 'default',
      });
      await seedFromCatalog({
        store,
        entities: await index.entities({ fresh: true }),
        environments: ENVIRONMENTS,
        logger,
      });
      return DefaultFeatureFlagsService.create({
        provider: LocalFlagProvider.create({
          store,
          environments: ENVIRONMENTS,
        }),
        store,
        index,
        logger,
        settings: {
          protectedEnvironments: ['production'],
          approverRefs: ['group:default/platform-admins'],
          ownersMayToggle: false,
          ...settings,
        },
      });
    }

    const enabledIn = async (
      service: DefaultFeatureFlagsService,
      flag: string,
      environment: string,
    ) =>
      (await service.getFlag('stackpro', flag)).flag.environments.find(
        e => e.name === environment,
      )?.enabled;

    it('applies a change outside protected environments at once, once, attributed to the person, and ignores a reason there', async () => {
      const service = await createService();
      expect(service.needsApproval('toggle', 'staging')).toBe(false);
      expect(
        await service.toggle(
          stagingOf('CAP_AI_ENABLED'),
          { enabled: true, reason: ' ' },
          admin,
        ),
      ).toEqual({ outcome: 'applied' });
      expect(
        await service.toggle(
          stagingOf('CAP_AI_ENABLED'),
          { enabled: true },
          admin,
        ),
      ).toEqual({ outcome: 'unchanged' });
      const { flag } = await service.getFlag('stackpro', 'CAP_AI_ENABLED');
      expect(flag.lastChange).toMatchObject({
        actor: ADMIN,
        action: 'enabled',
        environment: 'staging',
      });
    });

    it('turns a change in a protected environment into a change request with a reason, and applies nothing', async () => {
      const service = await createService();
      const ref = productionOf('CAP_BILLING_ENABLED');
      expect(service.needsApproval('toggle', 'production')).toBe(true);
      expect(
        await refusal(service.toggle(ref, { enabled: true }, admin)),
      ).toEqual({
        name: 'InputError',
        message: expect.stringContaining(
          'production is protected: the change needs a second admin): a reason is required',
        ),
      });
      expect(
        await refusal(
          service.toggle(ref, { enabled: true, reason: ' ' }, admin),
        ),
      ).toEqual({
        name: 'InputError',
        message: expect.stringContaining('a reason is required'),
      });

      const asked = await service.toggle(
        ref,
        { enabled: true, reason: 'Billing v1 passed load tests' },
        admin,
      );
      expect(asked).toMatchObject({
        outcome: 'change-request',
        changeRequest: {
          status: 'pending',
          requestedBy: ADMIN,
          environment: 'production',
          reason: 'Billing v1 passed load tests',
          diff: [{ field: 'enabled', before: 'off', after: 'on' }],
        },
      });
      expect(
        await enabledIn(service, 'CAP_BILLING_ENABLED', 'production'),
      ).toBe(false);
      // a request that changes nothing is not stored
      expect(
        await service.toggle(
          ref,
          { enabled: false, reason: 'keep it off' },
          admin,
        ),
      ).toEqual({ outcome: 'unchanged' });
    });

    it('checks a blank reason before the flag, and a missing one after it', async () => {
      const service = await createService();
      const unknown = productionOf('NOPE');
      expect(
        await refusal(
          service.toggle(unknown, { enabled: true, reason: ' ' }, admin),
        ),
      ).toMatchObject({ name: 'InputError' });
      expect(
        await refusal(service.toggle(unknown, { enabled: true }, admin)),
      ).toEqual({
        name: 'NotFoundError',
        message: 'Flag NOPE not found in project stackpro',
      });
      expect(
        await refusal(
          service.saveStrategy(
            stagingOf('CAP_AI_ENABLED'),
            'nope',
            { parameters: { rollout: '10' }, constraints: [] },
            admin,
          ),
        ),
      ).toEqual({
        name: 'NotFoundError',
        message: 'Strategy nope not found on CAP_AI_ENABLED in staging',
      });
    });

    it('needs a second admin to create or archive a flag whenever an environment is protected', async () => {
      const newFlag = {
        description: 'search',
        type: 'release' as const,
        tags: [],
      };
      const ref = { project: 'stackpro', flag: 'CAP_SEARCH_ENABLED' };

      const guarded = await createService();
      expect(guarded.needsApproval('create')).toBe(true);
      expect(guarded.needsApproval('archive')).toBe(true);
      expect(await refusal(guarded.createFlag(ref, newFlag, admin))).toEqual({
        name: 'InputError',
        message: expect.stringContaining(
          'production is protected: the change needs a second admin',
        ),
      });
      const asked = await guarded.createFlag(
        ref,
        { ...newFlag, reason: 'search launch' },
        admin,
      );
      expect(asked.changeRequest).toMatchObject({
        kind: 'create',
        environment: 'production',
      });
      expect(
        await refusal(guarded.getFlag('stackpro', 'CAP_SEARCH_ENABLED')),
      ).toMatchObject({ name: 'NotFoundError' });

      const open = await createService({ protectedEnvironments: [] });
      expect(open.needsApproval('create')).toBe(false);
      expect(await open.createFlag(ref, newFlag, admin)).toEqual({
        outcome: 'applied',
      });
      expect(
        (await open.getFlag('stackpro', 'CAP_SEARCH_ENABLED')).flag.lastChange,
      ).toMatchObject({ actor: ADMIN, action: 'created' });
      expect(await refusal(open.createFlag(ref, newFlag, admin))).toMatchObject(
        { name: 'ConflictError' },
      );
      expect(await open.archiveFlag(ref, {}, admin)).toEqual({
        outcome: 'applied',
      });
      expect(
        await refusal(open.getFlag('stackpro', 'CAP_SEARCH_ENABLED')),
      ).toMatchObject({ name: 'NotFoundError' });
    });

    it('lets only another admin approve or reject a request, and only the requester cancel it', async () => {
      const service = await createService();
      const ask = async (enabled: boolean) =>
        (
          await service.toggle(
            productionOf('CAP_AI_DEGRADED'),
            { enabled, reason: 'incident 42' },
            admin,
          )
        ).changeRequest!.id;

      const id = await ask(true);
      expect(await refusal(service.approve(id, admin))).toEqual({
        name: 'NotAllowedError',
        message: 'You asked for this change: another admin must approve it',
      });
      expect(await refusal(service.reject(id, admin, 'no'))).toMatchObject({
        name: 'NotAllowedError',
      });
      expect(await refusal(service.cancel(id, admin2))).toMatchObject({
        name: 'NotAllowedError',
      });
      expect(await service.approve(id, admin2, 'ok')).toMatchObject({
        status: 'applied',
        decidedBy: ADMIN2,
        decisionComment: 'ok',
      });
      expect(await enabledIn(service, 'CAP_AI_DEGRADED', 'production')).toBe(
        true,
      );
      expect(await refusal(service.approve(id, admin2))).toMatchObject({
        name: 'ConflictError',
      });

      const rejected = await ask(false);
      expect(
        await service.reject(rejected, admin2, 'not during the sale'),
      ).toMatchObject({ status: 'rejected', decidedBy: ADMIN2 });
      const cancelled = await ask(false);
      expect(await service.cancel(cancelled, admin)).toMatchObject({
        status: 'cancelled',
      });
      expect(await enabledIn(service, 'CAP_AI_DEGRADED', 'production')).toBe(
        true,
      );
    });

    it("lets owners toggle their entities' flags outside protected environments, only when configured", async () => {
      const closed = await createService();
      expect(
        await refusal(
          closed.authorizeOwnerToggle(
            stagingOf('CAP_MESSAGING_ENABLED'),
            owner,
          ),
        ),
      ).toEqual({
        name: 'NotAllowedError',
        message: 'feature-flags.flag.toggle is for admins',
      });

      const open = await createService({ ownersMayToggle: true });
      await expect(
        open.authorizeOwnerToggle(stagingOf('CAP_MESSAGING_ENABLED'), owner),
      ).resolves.toBeUndefined();
      expect(
        await refusal(
          open.authorizeOwnerToggle(stagingOf('CAP_BILLING_ENABLED'), owner),
        ),
      ).toEqual({
        name: 'NotAllowedError',
        message:
          "feature-flags.flag.toggle is for admins and the owners of the flag's entity",
      });
      expect(
        await refusal(
          open.authorizeOwnerToggle(
            productionOf('CAP_MESSAGING_ENABLED'),
            owner,
          ),
        ),
      ).toEqual({
        name: 'NotAllowedError',
        message: 'feature-flags.flag.toggle is for admins',
      });
    });

    it('tells the UI what the caller may do: the flags they may toggle as an owner, and the protected environments', async () => {
      const service = await createService({ ownersMayToggle: true });
      const asOwner = await service.capabilities(owner, NO_RIGHTS);
      expect(asOwner).toMatchObject({
        ...NO_RIGHTS,
        protectedEnvironments: ['production'],
        userEntityRef: OWNER,
      });
      // team-ai owns the messaging and AI capabilities: each one's three flags
      expect(asOwner.ownerToggleFlags?.sort()).toEqual(
        ['AI', 'MESSAGING'].flatMap(capability =>
          ['DEGRADED', 'ENABLED', 'VERSION'].map(
            kind => `stackpro/CAP_${capability}_${kind}`,
          ),
        ),
      );
      expect(
        (await service.capabilities(caller(ENGINEER), NO_RIGHTS))
          .ownerToggleFlags,
      ).toEqual([]);
      const asAdmin = await service.capabilities(admin, {
        ...NO_RIGHTS,
        toggle: true,
      });
      expect(asAdmin.toggle).toBe(true);
      expect(asAdmin.ownerToggleFlags).toBeUndefined();
    });

    it("serves the environment's flags to unleash-client from the embedded provider", async () => {
      const service = await createService();
      const body = await service.clientFeatures('development');
      expect(body.query).toEqual({ environment: 'development' });
      expect(
        body.features.find(f => f.name === 'CAP_MESSAGING_ENABLED'),
      ).toMatchObject({ enabled: true });
      expect(
        body.features.find(f => f.name === 'CAP_BILLING_DEGRADED'),
      ).toMatchObject({ enabled: false });
    });
  },
);
