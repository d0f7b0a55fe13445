import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { RealActorResolver } from './StoringAuditorService';

/**
 * Who is really behind a request made with an impersonation token. The
 * default knows no impersonation; the admin plugin's node package provides
 * the factory that reads the token's `act` claim and checks its session.
 *
 * @public
 */
export const auditRealActorServiceRef = createServiceRef<{
  resolve: RealActorResolver;
}>({
  id: 'audit-log.real-actor',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {},
      factory: () => ({ resolve: () => undefined }),
    }),
});
