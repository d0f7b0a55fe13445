import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { auditorServiceFactory } from '@internal/backstage-plugin-audit-log-node';

// A standalone backend for this plugin: `yarn start` here, then
//   curl http://localhost:7007/api/audit-log/events
const backend = createBackend();
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(mockServices.permissions.factory());
backend.add(auditorServiceFactory);
backend.add(import('../src'));
backend.start();
