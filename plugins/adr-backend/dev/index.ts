import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import path from 'node:path';

// The ADR backend alone, on the repository's own content: SmartStack's
// decisions and the portal's docs/adr. Start with `yarn start` here, then
//
//   curl http://localhost:7007/api/adr/entities/system/default/smartstack/adrs
//   curl http://localhost:7007/api/adr/adrs?status=superseded
const repo = path.resolve(__dirname, '../../..');
const backend = createBackend();

backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(
  catalogServiceMock.factory({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'System',
        metadata: {
          name: 'smartstack',
          title: 'SmartStack',
          annotations: {
            'backstage.io/managed-by-location': `file:${repo}/catalog/smartstack/catalog-info.yaml`,
            'backstage.io/adr-location': 'adr',
          },
        },
        spec: { owner: 'team-ai' },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'stack-portal',
          title: 'Stack Portal',
          annotations: {
            'backstage.io/managed-by-location': `file:${repo}/catalog/stack-portal.yaml`,
            'backstage.io/adr-location': '../docs/adr',
          },
        },
        spec: {
          type: 'website',
          lifecycle: 'production',
          owner: 'team-platform',
        },
      },
    ],
  }),
);
backend.add(
  mockServices.rootConfig.factory({
    data: {
      backend: { baseUrl: 'http://localhost:7007', listen: { port: 7007 } },
      adr: { localRoots: [`${repo}/catalog`, `${repo}/docs`] },
    },
  }),
);
backend.add(import('../src'));

backend.start();
