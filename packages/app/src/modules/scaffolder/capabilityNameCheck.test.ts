import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { checkCapabilityName } from './capabilityNameCheck';

describe('the New capability name, as the form checks it while typing', () => {
  const catalogApi = catalogApiMock({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'stackpro-messaging' },
        spec: {},
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'ledger-service',
          annotations: { 'stackportal.io/capability': 'ledger' },
        },
        spec: {},
      },
    ],
  });

  it.each([
    ['', { state: 'empty' }],
    [
      'Geo_Coding',
      {
        state: 'invalid',
        reason: expect.stringContaining(
          '"Geo_Coding" is not a capability name: lowercase letters and digits only',
        ),
      },
    ],
    [
      'health',
      {
        state: 'invalid',
        reason: expect.stringContaining('"health" is a reserved word'),
      },
    ],
    [
      'messaging',
      {
        state: 'taken',
        reason:
          'a capability "messaging" exists already (component:default/stackpro-messaging); choose another name',
      },
    ],
    [
      'ledger',
      {
        state: 'taken',
        reason:
          'a capability "ledger" exists already (component:default/ledger-service); choose another name',
      },
    ],
    [
      'geocoding',
      {
        state: 'free',
        message:
          'stackpro-geocoding is free; its flags will be CAP_GEOCODING_ENABLED, _VERSION, _DEGRADED',
      },
    ],
  ])('%p', async (name, expected) => {
    expect(await checkCapabilityName(catalogApi, name)).toEqual(expected);
  });

  it('says the task checks it when the catalog does not answer', async () => {
    const down = catalogApiMock.mock({
      getEntities: async () => {
        throw new Error('503 Service Unavailable');
      },
    });
    expect(await checkCapabilityName(down, 'geocoding')).toEqual({
      state: 'unchecked',
      message:
        'The catalog could not be asked (503 Service Unavailable); the task checks the name when it starts',
    });
  });
});
