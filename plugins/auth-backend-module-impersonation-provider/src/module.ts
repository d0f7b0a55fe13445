import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import {
  IMPERSONATION_PROVIDER_ID,
  IMPERSONATION_SESSION_CLAIM,
} from '@internal/backstage-plugin-admin-common';
import {
  adminStoreServiceRef,
  impersonationSessionsServiceRef,
} from '@internal/backstage-plugin-admin-node';
import { createImpersonationAuthenticator } from './authenticator';

/**
 * The impersonation sign-in (`/api/auth/impersonation/refresh`): for a live
 * session started in the admin console, a real Backstage token for the
 * impersonated user, with their ownership (`ent`), the admin in an `act`
 * claim (RFC 8693) and the session id. Each token is recorded with its
 * session (by its user identity proof) before it is handed out, so the
 * request gate, the permission policy and the auditor know it in every form.
 *
 * @public
 */
export const authModuleImpersonationProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'impersonation-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        auth: coreServices.auth,
        logger: coreServices.logger,
        auditor: coreServices.auditor,
        store: adminStoreServiceRef,
        sessions: impersonationSessionsServiceRef,
      },
      async init({ providers, auth, logger, auditor, store, sessions }) {
        providers.registerProvider({
          providerId: IMPERSONATION_PROVIDER_ID,
          factory: createProxyAuthProviderFactory({
            authenticator: createImpersonationAuthenticator({
              auth,
              auditor,
              store,
              sessions,
              logger,
            }),
            async signInResolver({ result }, ctx) {
              const { session } = result;
              const { entity } = await ctx.findCatalogUser({
                entityRef: session.targetRef,
              });
              const { ownershipEntityRefs } =
                await ctx.resolveOwnershipEntityRefs(entity);
              logger.info(
                `Issuing an impersonation token: ${session.adminRef} as ${session.targetRef} (session ${session.id})`,
              );
              const issued = await ctx.issueToken({
                claims: {
                  sub: stringifyEntityRef(entity),
                  ent: ownershipEntityRefs,
                  act: { sub: session.adminRef },
                  [IMPERSONATION_SESSION_CLAIM]: session.id,
                },
              });
              // bound to its session before it is handed out: in every form
              // (limited, on a user's behalf, cookie) it dies with the session
              await sessions.recordToken(session, issued.token);
              return issued;
            },
          }),
        });
      },
    });
  },
});
