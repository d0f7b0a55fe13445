import {
  BackstageCredentials,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { ImpersonationSession } from '@internal/backstage-plugin-admin-common';
import { DatabaseAdminStore } from './DatabaseAdminStore';
import { adminStoreServiceRef } from './adminStoreServiceRef';
import { decodeUnverified, tokenProofOf } from './tokens';

/**
 * Which impersonation session a token belongs to, whatever form of it
 * reaches a plugin: the full token the browser sends, the limited token a
 * plugin forwards on the user's behalf (what the permission policy sees),
 * or the auth cookie. Tokens are known by their proof, recorded when the
 * impersonation sign-in issues them.
 *
 * @public
 */
export interface ImpersonationSessions {
  /**
   * The session of a token whose signature was verified (by Backstage's
   * auth service, or the request gate), or undefined for a user's own token.
   */
  sessionOfToken(token: string): Promise<ImpersonationSession | undefined>;
  /** The session behind verified credentials (see `sessionOfToken`). */
  sessionOfCredentials(
    credentials: BackstageCredentials | undefined,
  ): Promise<ImpersonationSession | undefined>;
  /** Records a token the impersonation sign-in is about to hand out. */
  recordToken(session: ImpersonationSession, token: string): Promise<void>;
}

/** Proofs remembered; a proof's session never changes, only its status. */
const PROOF_CACHE_MAX = 10_000;
const MS_PER_SECOND = 1000;

/**
 * Knows tokens by proof in the admin store. A proof that names no session
 * is remembered as such: impersonation tokens are recorded before they are
 * handed out, so a token unknown once is never an impersonation token.
 * A session's status is read on every call, so a stop made through any
 * replica holds at once on every other.
 *
 * @public
 */
export class DefaultImpersonationSessions implements ImpersonationSessions {
  /** proof -> session id, or null when the proof is a user's own token */
  private readonly sessionIdByProof = new Map<string, string | null>();

  private constructor(private readonly store: DatabaseAdminStore) {}

  static create(options: {
    store: DatabaseAdminStore;
  }): DefaultImpersonationSessions {
    return new DefaultImpersonationSessions(options.store);
  }

  async sessionOfToken(
    token: string,
  ): Promise<ImpersonationSession | undefined> {
    const proof = tokenProofOf(token);
    if (!proof) return undefined;
    const known = this.sessionIdByProof.get(proof);
    if (known === null) return undefined;
    if (known !== undefined) return this.store.findSession(known);
    const session = await this.store.findSessionByTokenProof(proof);
    this.remember(proof, session?.id ?? null);
    return session;
  }

  async sessionOfCredentials(
    credentials: BackstageCredentials | undefined,
  ): Promise<ImpersonationSession | undefined> {
    const principal = credentials?.principal as { type?: string } | undefined;
    if (principal?.type !== 'user') return undefined;
    // Backstage's credentials keep the verified token in a hidden property
    const token = (credentials as unknown as { token?: unknown }).token;
    return typeof token === 'string' ? this.sessionOfToken(token) : undefined;
  }

  async recordToken(
    session: ImpersonationSession,
    token: string,
  ): Promise<void> {
    const proof = tokenProofOf(token);
    const exp = decodeUnverified(token)?.payload.exp;
    if (!proof || typeof exp !== 'number') {
      throw new Error(
        'The impersonation token has no user identity proof or expiry; it cannot be bound to its session',
      );
    }
    await this.store.recordSessionToken({
      sessionId: session.id,
      proof,
      expiresAt: exp * MS_PER_SECOND,
    });
    this.remember(proof, session.id);
  }

  private remember(proof: string, sessionId: string | null) {
    if (this.sessionIdByProof.size >= PROOF_CACHE_MAX) {
      this.sessionIdByProof.clear();
    }
    this.sessionIdByProof.set(proof, sessionId);
  }
}

/**
 * The backend's one view of impersonation sessions by token: the request
 * gate, the permission policy, the auditor and the impersonation sign-in
 * share it.
 *
 * @public
 */
export const impersonationSessionsServiceRef =
  createServiceRef<ImpersonationSessions>({
    id: 'admin.impersonation-sessions',
    scope: 'root',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: { store: adminStoreServiceRef },
        factory({ store }) {
          return DefaultImpersonationSessions.create({ store });
        },
      }),
  });
