import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

// A standalone backend for working on this plugin: `yarn start` here, then
//   curl 'http://localhost:7007/api/stacks/stacks?priority=critical'
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
          name: 'auth-stack',
          title: 'Auth Stack',
          labels: {
            'stackportal.io/layer': 'L5',
            'stackportal.io/priority': 'low',
            'stackportal.io/doc-status': 'complete',
          },
          annotations: {
            'stackportal.io/system-features': 'Identity\nAuthorization',
          },
        },
        spec: {
          type: 'stack',
          owner: 'team-identity',
          domain: 'core-infrastructure',
        },
      },
    ],
  }),
);
backend.add(import('../src'));
backend.start();
