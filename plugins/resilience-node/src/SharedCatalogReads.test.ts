import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { SharedCatalogReads } from './SharedCatalogReads';

const EVERYONE = mockCredentials.user('user:default/eli.martin');
const RESTRICTED = mockCredentials.user('user:default/guest');

function reads(ttlMs = 5_000) {
  const permissions = mockServices.permissions.mock({
    authorizeConditional: async (_requests, { credentials }) =>
      [
        (credentials.principal as { userEntityRef?: string }).userEntityRef ===
        'user:default/guest'
          ? {
              result: AuthorizeResult.CONDITIONAL,
              pluginId: 'catalog',
              resourceType: 'catalog-entity',
              conditions: {
                rule: 'IS_ENTITY_OWNER',
                resourceType: 'catalog-entity',
                params: { claims: [] },
              },
            }
          : { result: AuthorizeResult.ALLOW },
      ] as any,
  });
  return SharedCatalogReads.create({
    auth: mockServices.auth(),
    permissions,
    ttlMs,
  });
}

describe('SharedCatalogReads', () => {
  it('shares one read, made as the backend, between callers who may read every entity', async () => {
    const shared = reads();
    const load = jest.fn(async ({ credentials }) => credentials.principal);
    const [a, b] = await Promise.all([
      shared.read('k', EVERYONE, load),
      shared.read('k', mockCredentials.user('user:default/noah.kim'), load),
    ]);
    expect(load).toHaveBeenCalledTimes(1);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ type: 'service' });
  });

  it('reads with their own credentials for a caller whose catalog access has conditions', async () => {
    const shared = reads();
    const load = jest.fn(async ({ credentials }) => credentials);
    await shared.read('k', EVERYONE, load);
    expect(await shared.read('k', RESTRICTED, load)).toBe(RESTRICTED);
    expect(await shared.read('k', RESTRICTED, load)).toBe(RESTRICTED);
    expect(load).toHaveBeenCalledTimes(3);
  });

  it("decides on the caller's decision when the caller already has it", async () => {
    const shared = reads();
    const load = jest.fn(async ({ credentials }) => credentials);
    const conditional = {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {},
      },
    } as const;
    expect(await shared.read('k', EVERYONE, load, conditional)).toBe(EVERYONE);
    expect(
      await shared.read('k', EVERYONE, load, { result: AuthorizeResult.ALLOW }),
    ).toMatchObject({
      principal: { type: 'service' },
    });
  });

  it('reads again after the time to live, and after a failed read', async () => {
    const shared = reads(50);
    const load = jest
      .fn()
      .mockRejectedValueOnce(new Error('catalog down'))
      .mockResolvedValue('fresh');
    await expect(shared.read('k', EVERYONE, load)).rejects.toThrow(
      'catalog down',
    );
    expect(await shared.read('k', EVERYONE, load)).toBe('fresh');
    await new Promise(r => setTimeout(r, 60));
    await shared.read('k', EVERYONE, load);
    expect(load).toHaveBeenCalledTimes(3);
  });
});
