import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import {
  IMPERSONATION_SESSION_CLAIM,
  ImpersonationSession,
} from '@internal/backstage-plugin-admin-common';
import {
  AuditEventInput,
  AuditStore,
  recordAuditEvent,
  ulid,
  unverifiedClaimsOf,
} from '@internal/backstage-plugin-audit-log-node';
import { RoleMapping, rolesOf } from '@internal/backstage-plugin-roles-common';
import { Request, RequestHandler, Response } from 'express';
import { DatabaseAdminStore, isLive } from './DatabaseAdminStore';
import { ImpersonationSessions } from './ImpersonationSessions';
import {
  isImpersonationWriteExempt,
  isMaintenanceExempt,
  isMutating,
} from './requestRules';
import {
  bearerTokenOf,
  cookieTokenOf,
  decodeUnverified,
  impersonationClaimsOf,
  isUserTokenShape,
  onBehalfOfToken,
} from './tokens';
import { UserTokenVerifier, VerifiedUserToken } from './UserTokenVerifier';

const READY_TIMEOUT_MS = 30_000;
const OWNERSHIP_CACHE_MS = 60_000;
const OWNERSHIP_CACHE_MAX = 1_000;
/** What a refusal during maintenance tells clients to wait before retrying. */
const MAINTENANCE_RETRY_AFTER_SECONDS = 60;

/** What the gate needs; bound once the backend's root services exist. */
export interface RequestGateState {
  store: DatabaseAdminStore;
  sessions: ImpersonationSessions;
  verifier: UserTokenVerifier;
  auditStore: AuditStore;
  mapping: RoleMapping;
  logger: LoggerService;
  /** The ownership refs of a verified user token (the auth backend's user info). */
  ownershipOf(token: string): Promise<string[] | undefined>;
}

/** Who a request speaks for, as far as its tokens' signatures show. */
interface Caller {
  /** A user token sent as the bearer token, verified. */
  user?: VerifiedUserToken;
  /** The user a plugin token acts for (its `obo` claim), verified. */
  onBehalfOf?: VerifiedUserToken;
  /** The auth cookie's limited user token, verified. */
  cookie?: VerifiedUserToken;
  /** A bearer token that is not a user's: a plugin's or an external caller's. */
  service: boolean;
  /** A user token (or a plugin token's user) whose signature does not hold. */
  unverifiable?: string;
}

type GateAudit = Omit<
  AuditEventInput,
  'plugin' | 'method' | 'path' | 'ip' | 'userAgent'
>;

/** Whom an impersonated request is audited as. */
type Who = Pick<GateAudit, 'actor' | 'realActor' | 'target'> & {
  meta: JsonObject;
};

/**
 * The backend-wide gate in front of every plugin's routes, on every path
 * however it is spelled. It decides on verified tokens and the HTTP method,
 * never on how a path is written:
 * - a token of an impersonation session that is not live is refused (401),
 *   in any form (bearer, a plugin's call on the user's behalf, cookie);
 * - a mutating method sent with an impersonation token is refused (403)
 *   unless the session allows writes; only a few reads sent as POST, in
 *   their exact spelling, are let through;
 * - during maintenance, a mutating method from a verified user who is not an
 *   admin, or from a token that cannot be verified, is refused (503).
 * Refusals go through the backend's error handler (CORS, logging, one error
 * shape) and are audited naming only verified people; what an unverifiable
 * token claimed is kept apart, as `unverifiedClaims`.
 */
export class RequestGate {
  private state?: RequestGateState;
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private readonly ownershipCache = new Map<
    string,
    { at: number; refs: string[] }
  >();

  private constructor() {
    this.ready = new Promise(resolve => {
      this.markReady = resolve;
    });
  }

  static create(): RequestGate {
    return new RequestGate();
  }

  /** Gives the gate its services; requests wait for this (503 after 30 s). */
  bind(state: RequestGateState): void {
    this.state = state;
    this.markReady();
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      this.handle(req, res).then(
        () => next(),
        error => next(error),
      );
    };
  }

  private async waitReady(): Promise<RequestGateState> {
    if (this.state) return this.state;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.ready,
      new Promise(resolve => {
        timer = setTimeout(resolve, READY_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (!this.state) {
      throw new ServiceUnavailableError(
        'The portal is still starting; try again in a moment',
      );
    }
    return this.state;
  }

  /** Resolves when the request may go on; throws the refusal otherwise. */
  private async handle(req: Request, res: Response): Promise<void> {
    const state = await this.waitReady();
    const caller = await this.identify(state, req);
    let direct: { session: ImpersonationSession; who: Who } | undefined;
    for (const token of [caller.user, caller.onBehalfOf, caller.cookie]) {
      if (!token) continue;
      const session = await state.sessions.sessionOfToken(token.token);
      if (session) {
        const who = await this.checkSession(state, req, session, token);
        // sent by the person (bearer or cookie), not by a plugin on their behalf
        if (token !== caller.onBehalfOf) direct ??= { session, who };
      } else if (
        token.kind === 'user' &&
        impersonationClaimsOf(token.payload)
      ) {
        // signed by our auth backend, yet not issued by its impersonation sign-in
        await this.refuseImpersonationToken(
          state,
          req,
          token.token,
          'This impersonation token belongs to no impersonation session; sign in again as yourself',
        );
      }
    }
    const claimed = decodeUnverified(caller.unverifiable);
    if (claimed && impersonationClaimsOf(claimed.payload)) {
      await this.refuseImpersonationToken(
        state,
        req,
        caller.unverifiable,
        'This impersonation token cannot be verified; sign in again as yourself',
      );
    }
    const mutating = isMutating(req);
    if (
      direct &&
      mutating &&
      !direct.session.allowWrites &&
      !isImpersonationWriteExempt(req)
    ) {
      await this.refuse(
        state,
        req,
        new NotAllowedError(
          `Read-only: you are impersonating ${direct.session.targetRef}, and nothing can be changed while impersonating. Stop impersonating to make changes as yourself`,
        ),
        {
          ...direct.who,
          action: 'impersonation-write-refused',
          severity: 'high',
        },
      );
    }
    await this.checkMaintenance(state, req, res, caller);
    if (direct) {
      await this.auditImpersonatedRequest(
        state,
        req,
        res,
        direct.who,
        mutating,
      );
    }
  }

  private refuseImpersonationToken(
    state: RequestGateState,
    req: Request,
    token: string | undefined,
    message: string,
  ): Promise<never> {
    return this.refuse(state, req, new AuthenticationError(message), {
      actor: { type: 'none' },
      action: 'impersonation-token-refused',
      severity: 'high',
      meta: {
        unverifiedClaims:
          unverifiedClaimsOf(token, [IMPERSONATION_SESSION_CLAIM]) ?? null,
      },
    });
  }

  private async identify(
    state: RequestGateState,
    req: Request,
  ): Promise<Caller> {
    const caller: Caller = { service: false };
    const bearer = bearerTokenOf(req);
    const decoded = decodeUnverified(bearer);
    if (bearer && decoded && isUserTokenShape(decoded)) {
      caller.user = await state.verifier.verify(bearer);
      if (!caller.user) caller.unverifiable = bearer;
    } else if (bearer && decoded && onBehalfOfToken(decoded)) {
      // the plugin token itself is verified by the plugin it calls
      const obo = onBehalfOfToken(decoded)!;
      caller.onBehalfOf = await state.verifier.verify(obo);
      if (!caller.onBehalfOf) caller.unverifiable = obo;
    } else if (bearer) {
      caller.service = true;
    }
    const cookie = cookieTokenOf(req);
    if (cookie) caller.cookie = await state.verifier.verify(cookie);
    return caller;
  }

  /**
   * Refuses a token of a session that is not live (401), and says who the
   * session's requests are audited as: the user seen, and the admin.
   */
  private async checkSession(
    state: RequestGateState,
    req: Request,
    session: ImpersonationSession,
    token: VerifiedUserToken,
  ): Promise<Who> {
    const who: Who = {
      actor: { type: 'user', ref: session.targetRef },
      realActor: { type: 'user', ref: session.adminRef },
      target: session.targetRef,
      meta: {
        sessionId: session.id,
        targetRef: session.targetRef,
        adminRef: session.adminRef,
      },
    };
    if (isLive(session) && token.payload.sub === session.targetRef) {
      return who;
    }
    const message =
      session.status === 'stopped'
        ? `The impersonation of ${session.targetRef} was stopped at ${session.endedAt}; its token no longer works. You are signed in as yourself again after a reload`
        : `The impersonation of ${session.targetRef} expired at ${session.expiresAt}; its token no longer works. You are signed in as yourself again after a reload`;
    return this.refuse(state, req, new AuthenticationError(message), {
      ...who,
      action: 'impersonation-token-refused',
      severity: 'high',
      meta: {
        ...who.meta,
        sessionStatus: isLive(session) ? 'not-its-user' : session.status,
      },
    });
  }

  /** Every request made while impersonating: recorded before it runs (fail closed). */
  private async auditImpersonatedRequest(
    state: RequestGateState,
    req: Request,
    res: Response,
    who: Who,
    mutating: boolean,
  ): Promise<void> {
    const meta = who.meta;
    const correlationId = ulid();
    const action = mutating ? 'impersonation-write' : 'impersonation-request';
    const severity = mutating ? 'high' : 'medium';
    try {
      await this.audit(state, req, {
        ...who,
        id: correlationId,
        correlationId,
        action,
        severity,
        outcome: 'initiated',
        meta,
      });
    } catch (e) {
      throw new ServiceUnavailableError(
        `The audit log could not record this request made while impersonating, so it was refused: ${
          (e as Error).message
        }`,
      );
    }
    res.on('finish', () => {
      const failed = res.statusCode >= 400;
      this.audit(state, req, {
        ...who,
        correlationId,
        action,
        severity,
        outcome: failed ? 'failed' : 'succeeded',
        error: failed ? `HTTP ${res.statusCode}` : undefined,
        meta: { ...meta, statusCode: res.statusCode },
      }).catch(e =>
        state.logger.error(
          'Could not audit the end of a request made while impersonating',
          e,
        ),
      );
    });
  }

  private async checkMaintenance(
    state: RequestGateState,
    req: Request,
    res: Response,
    caller: Caller,
  ): Promise<void> {
    if (!isMutating(req) || isMaintenanceExempt(req)) return;
    const user = caller.user ?? caller.cookie;
    if (!user && !caller.unverifiable) {
      // no user's change: a plugin finishing its work, or an unauthenticated
      // route (signing in, Unleash clients); plugins refuse the rest themselves
      return;
    }
    // read on every change, so switching it through any replica holds at once
    const maintenance = await state.store.getMaintenance();
    if (!maintenance.enabled) return;
    if (user && (await this.isAdmin(state, user))) return;
    const message = `Stack Portal is in maintenance: ${
      maintenance.message || 'changes are paused'
    }. Reading works; try your change again later.`;
    res.setHeader('Retry-After', String(MAINTENANCE_RETRY_AFTER_SECONDS));
    await this.refuse(state, req, new ServiceUnavailableError(message), {
      actor: user ? { type: 'user', ref: user.payload.sub } : { type: 'none' },
      action: 'maintenance-write-refused',
      severity: 'medium',
      meta: {
        maintenanceMessage: maintenance.message,
        ...(user
          ? {}
          : {
              unverifiedClaims:
                unverifiedClaimsOf(caller.unverifiable, [
                  IMPERSONATION_SESSION_CLAIM,
                ]) ?? null,
            }),
      },
    });
  }

  /** Audits a refusal (best effort: the refusal stands either way) and throws it. */
  private async refuse(
    state: RequestGateState,
    req: Request,
    error: Error,
    event: Omit<GateAudit, 'outcome' | 'error'>,
  ): Promise<never> {
    await this.audit(state, req, {
      ...event,
      outcome: 'failed',
      error: `${error.name}: ${error.message}`,
    }).catch(e =>
      state.logger.error(
        `Could not audit a refused request (${event.action})`,
        e,
      ),
    );
    throw error;
  }

  private async isAdmin(
    state: RequestGateState,
    user: VerifiedUserToken,
  ): Promise<boolean> {
    return rolesOf(await this.ownership(state, user), state.mapping).includes(
      'admin',
    );
  }

  private async ownership(
    state: RequestGateState,
    user: VerifiedUserToken,
  ): Promise<string[]> {
    const sub = [user.payload.sub];
    const ent = user.payload.ent;
    if (Array.isArray(ent)) {
      return [...sub, ...ent.filter((e): e is string => typeof e === 'string')];
    }
    const cached = this.ownershipCache.get(user.token);
    if (cached && Date.now() - cached.at < OWNERSHIP_CACHE_MS) {
      return cached.refs;
    }
    let refs = sub;
    try {
      refs = [...sub, ...((await state.ownershipOf(user.token)) ?? [])];
    } catch (e) {
      state.logger.warn(
        `Could not read the ownership of ${
          user.payload.sub
        }; treated as no admin: ${(e as Error).message}`,
      );
      return refs;
    }
    if (this.ownershipCache.size >= OWNERSHIP_CACHE_MAX) {
      this.ownershipCache.clear();
    }
    this.ownershipCache.set(user.token, { at: Date.now(), refs });
    return refs;
  }

  private audit(state: RequestGateState, req: Request, event: GateAudit) {
    return recordAuditEvent(
      { store: state.auditStore, logger: state.logger },
      {
        ...event,
        plugin: 'admin',
        method: req.method,
        path: req.originalUrl,
        ip: req.ip,
        userAgent: req.get('user-agent'),
      },
      'awaited',
    );
  }
}
