import {
  AuditorService,
  AuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
} from '@backstage/errors';
import { createProxyAuthenticator } from '@backstage/plugin-auth-node';
import { Request } from 'express';
import {
  ImpersonationSession,
  IMPERSONATION_SESSION_HEADER,
} from '@internal/backstage-plugin-admin-common';
import {
  bearerTokenOf,
  DatabaseAdminStore,
  ImpersonationSessions,
  isLive,
} from '@internal/backstage-plugin-admin-node';

/** What the impersonation sign-in resolves: the live session the admin started. */
export interface ImpersonationSignInResult {
  session: ImpersonationSession;
}

/**
 * Authenticates the admin by their own Backstage token and hands out the
 * session they started, if it is live. The admin plugin decided who may
 * start it (permission, targets, reason, duration); this only trusts the
 * session store.
 */
export function createImpersonationAuthenticator(options: {
  auth: AuthService;
  auditor: AuditorService;
  store: DatabaseAdminStore;
  sessions: ImpersonationSessions;
  logger: LoggerService;
}) {
  const { auth, auditor, store, sessions } = options;
  return createProxyAuthenticator({
    defaultProfileTransform: async (result: ImpersonationSignInResult) => ({
      profile: { displayName: result.session.targetRef },
    }),
    initialize() {},
    async authenticate({ req }) {
      // every attempt is audited: a forged, foreign or ended session is refused on the record
      const sessionHeader = req.header(IMPERSONATION_SESSION_HEADER)?.trim();
      const event = await auditor.createEvent({
        eventId: 'impersonation-sign-in',
        severityLevel: 'high',
        request: req,
        meta: { sessionId: sessionHeader ?? null },
      });
      try {
        const result = await authenticateAdmin(req);
        await event.success({
          meta: {
            sessionId: result.session.id,
            targetRef: result.session.targetRef,
            adminRef: result.session.adminRef,
          },
        });
        return { result };
      } catch (error) {
        await event.fail({ error: error as Error });
        throw error;
      }
    },
  });

  async function authenticateAdmin(
    req: Request,
  ): Promise<ImpersonationSignInResult> {
    const token = bearerTokenOf(req);
    if (!token) {
      throw new AuthenticationError(
        'The impersonation sign-in needs your own Backstage token as a bearer token',
      );
    }
    const credentials = await auth.authenticate(token);
    if (await sessions.sessionOfCredentials(credentials)) {
      throw new NotAllowedError(
        'An impersonation token cannot start or renew an impersonation; stop impersonating first',
      );
    }
    if (!auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError('Only a signed-in admin can impersonate');
    }
    const sessionId = req.header(IMPERSONATION_SESSION_HEADER)?.trim();
    if (!sessionId) {
      throw new InputError(
        `The impersonation sign-in needs the ${IMPERSONATION_SESSION_HEADER} header naming a session started in the admin console`,
      );
    }
    const session = await store.findSession(sessionId);
    if (!session || session.adminRef !== credentials.principal.userEntityRef) {
      throw new NotAllowedError(
        'No impersonation session of yours has that id; start one in the admin console',
      );
    }
    if (!isLive(session)) {
      throw new NotAllowedError(
        `That impersonation session has ${
          session.status === 'active' ? 'expired' : session.status
        }; start a new one in the admin console`,
      );
    }
    return { session };
  }
}
