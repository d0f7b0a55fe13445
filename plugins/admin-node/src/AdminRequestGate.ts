import { LoggerService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import {
  AuditEventInput,
  DatabaseAuditStore,
  ulid,
} from '@internal/backstage-plugin-audit-log-node';
import { RoleMapping, rolesOf } from '@internal/backstage-plugin-roles-common';
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { DatabaseAdminStore, isLive } from './DatabaseAdminStore';
import {
  bearerTokenOf,
  decodeUnverified,
  ImpersonationClaims,
  impersonationOf,
} from './impersonationToken';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const USER_TOKEN_TYPES = new Set([
  'vnd.backstage.user',
  'vnd.backstage.limited-user',
]);
const MAINTENANCE_CACHE_MS = 2_000;
const READY_TIMEOUT_MS = 30_000;

/**
 * Reads sent as POST because their question is too long for a URL: the
 * permission checks every page makes, the catalog's batch lookups and the
 * user settings every page loads.
 */
const READS_BY_POST = [
  /^\/api\/permission\/authorize\/?$/,
  /^\/api\/catalog\/entities\/by-refs\/?$/,
  /^\/api\/catalog\/validate-entity\/?$/,
  /^\/api\/user-settings\/multiget\/?$/,
];
/** Paths an impersonation token may write to: ending its own session. */
const IMPERSONATION_WRITE_EXEMPT = [
  /^\/api\/admin\/impersonation\/stop\/?$/,
  ...READS_BY_POST,
];
/** Paths that keep working during maintenance: signing in and out, and reads. */
const MAINTENANCE_EXEMPT = [/^\/api\/auth\//, ...READS_BY_POST];

interface GateState {
  store: DatabaseAdminStore;
  auditStore: DatabaseAuditStore;
  mapping: RoleMapping;
  logger: LoggerService;
  /**
   * The ownership refs of a user token, from the auth backend's user info
   * (tokens no longer carry `ent`); the auth backend verifies the token.
   */
  ownershipOf(token: string): Promise<string[] | undefined>;
}

const OWNERSHIP_CACHE_MS = 60_000;
const OWNERSHIP_CACHE_MAX = 1_000;

function sendError(
  req: Request,
  res: Response,
  status: number,
  name: string,
  message: string,
) {
  res.status(status).json({
    error: { name, message },
    request: { method: req.method, url: req.originalUrl },
    response: { statusCode: status },
  });
}

/**
 * The backend-wide gate in front of every plugin's routes. It refuses:
 * - any request with an impersonation token whose session is not live (401);
 * - mutating requests made with an impersonation token, unless the session
 *   allows writes (403);
 * - mutating requests of non-admins while maintenance mode is on (503).
 * Every refusal, and every request made while impersonating, is an audit
 * event naming both people.
 *
 * The gate reads tokens without verifying them: it only ever refuses, and
 * what it lets through is verified by the plugin's own auth as before.
 */
export class AdminRequestGate {
  private state?: GateState;
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private maintenanceCache?: { at: number; enabled: boolean; message: string };
  private readonly ownershipCache = new Map<
    string,
    { at: number; refs: string[] }
  >();

  private constructor() {
    this.ready = new Promise(resolve => {
      this.markReady = resolve;
    });
  }

  static create(): AdminRequestGate {
    return new AdminRequestGate();
  }

  /** Gives the gate its stores; requests wait for this. */
  bind(state: GateState): void {
    this.state = state;
    this.markReady();
  }

  /** Forget the cached maintenance state (after it changed). */
  invalidateMaintenance(): void {
    this.maintenanceCache = undefined;
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      if (!req.path.startsWith('/api/')) {
        next();
        return;
      }
      this.handle(req, res, next).catch(next);
    };
  }

  private async waitReady(): Promise<GateState | undefined> {
    if (this.state) return this.state;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.ready,
      new Promise(resolve => {
        timer = setTimeout(resolve, READY_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    return this.state;
  }

  private async handle(req: Request, res: Response, next: NextFunction) {
    const state = await this.waitReady();
    if (!state) {
      sendError(
        req,
        res,
        503,
        'ServiceUnavailableError',
        'The portal is still starting; try again in a moment',
      );
      return;
    }
    const bearer = bearerTokenOf(req);
    const token = decodeUnverified(bearer);
    const impersonation = impersonationOf(token?.payload);
    const mutating =
      !READ_METHODS.has(req.method.toUpperCase()) &&
      !READS_BY_POST.some(p => p.test(req.path));
    if (impersonation) {
      await this.handleImpersonation(
        state,
        impersonation,
        mutating,
        req,
        res,
        next,
      );
      return;
    }
    if (mutating && !MAINTENANCE_EXEMPT.some(p => p.test(req.path))) {
      const maintenance = await this.maintenance(state);
      if (
        maintenance.enabled &&
        !(await this.isAdminOrService(state, bearer, token))
      ) {
        const message = `Stack Portal is in maintenance: ${
          maintenance.message || 'changes are paused'
        }. Reading works; try your change again later.`;
        await this.audit(state, req, {
          actor: this.actorOf(token),
          action: 'maintenance-write-refused',
          severity: 'medium',
          outcome: 'failed',
          error: `ServiceUnavailableError: ${message}`,
          meta: { statusCode: 503, maintenanceMessage: maintenance.message },
        }).catch(e =>
          state.logger.error('Could not audit a refusal during maintenance', e),
        );
        sendError(req, res, 503, 'ServiceUnavailableError', message);
        return;
      }
    }
    next();
  }

  private async handleImpersonation(
    state: GateState,
    claims: ImpersonationClaims,
    mutating: boolean,
    req: Request,
    res: Response,
    next: NextFunction,
  ) {
    const session = claims.sessionId
      ? await state.store.findSession(claims.sessionId)
      : undefined;
    const actor = { type: 'user' as const, ref: claims.userRef || undefined };
    const realActor = {
      type: 'user' as const,
      ref: claims.actorRef || undefined,
    };
    const meta: JsonObject = {
      sessionId: claims.sessionId || null,
      targetRef: claims.userRef || null,
      adminRef: claims.actorRef || null,
    };
    const matches =
      session &&
      session.targetRef === claims.userRef &&
      session.adminRef === claims.actorRef;
    if (!matches || !isLive(session)) {
      let message =
        'This impersonation token names no impersonation session; sign in again as yourself';
      if (matches && session.status === 'stopped') {
        message = `The impersonation of ${session.targetRef} was stopped at ${session.endedAt}; its token no longer works. You are signed in as yourself again after a reload`;
      } else if (matches) {
        message = `The impersonation of ${session.targetRef} expired at ${session.expiresAt}; its token no longer works. You are signed in as yourself again after a reload`;
      }
      await this.audit(state, req, {
        actor,
        realActor,
        action: 'impersonation-token-refused',
        severity: 'high',
        outcome: 'failed',
        error: `AuthenticationError: ${message}`,
        meta: {
          ...meta,
          statusCode: 401,
          sessionStatus: session?.status ?? 'unknown',
        },
      }).catch(e =>
        state.logger.error('Could not audit a refused impersonation token', e),
      );
      sendError(req, res, 401, 'AuthenticationError', message);
      return;
    }
    if (
      mutating &&
      !session.allowWrites &&
      !IMPERSONATION_WRITE_EXEMPT.some(p => p.test(req.path))
    ) {
      const message = `Read-only: you are impersonating ${session.targetRef}, and nothing can be changed while impersonating. Stop impersonating to make changes as yourself`;
      await this.audit(state, req, {
        actor,
        realActor,
        action: 'impersonation-write-refused',
        severity: 'high',
        outcome: 'failed',
        error: `NotAllowedError: ${message}`,
        meta: { ...meta, statusCode: 403 },
      }).catch(e =>
        state.logger.error(
          'Could not audit a refused write while impersonating',
          e,
        ),
      );
      sendError(req, res, 403, 'NotAllowedError', message);
      return;
    }
    // every request while impersonating: recorded before it runs (fail closed)
    const correlationId = ulid();
    try {
      await this.audit(state, req, {
        id: correlationId,
        correlationId,
        actor,
        realActor,
        action: mutating ? 'impersonation-write' : 'impersonation-request',
        severity: mutating ? 'high' : 'medium',
        outcome: 'initiated',
        meta,
      });
    } catch (e) {
      sendError(
        req,
        res,
        503,
        'ServiceUnavailableError',
        `The audit log could not record this request made while impersonating, so it was refused: ${
          (e as Error).message
        }`,
      );
      return;
    }
    res.on('finish', () => {
      const failed = res.statusCode >= 400;
      this.audit(state, req, {
        correlationId,
        actor,
        realActor,
        action: mutating ? 'impersonation-write' : 'impersonation-request',
        severity: mutating ? 'high' : 'medium',
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
    next();
  }

  private async isAdminOrService(
    state: GateState,
    bearer: string | undefined,
    token: ReturnType<typeof decodeUnverified>,
  ): Promise<boolean> {
    if (!bearer || !token) return false;
    if (!token.typ || !USER_TOKEN_TYPES.has(token.typ)) {
      // a service token: plugins finishing their work are not users' changes
      return true;
    }
    const refs = await this.ownership(state, bearer, token);
    return rolesOf(refs, state.mapping).includes('admin');
  }

  private async ownership(
    state: GateState,
    bearer: string,
    token: NonNullable<ReturnType<typeof decodeUnverified>>,
  ): Promise<string[]> {
    const sub =
      typeof token.payload.sub === 'string' ? [token.payload.sub] : [];
    if (Array.isArray(token.payload.ent)) {
      return [
        ...sub,
        ...token.payload.ent.filter((e): e is string => typeof e === 'string'),
      ];
    }
    const cached = this.ownershipCache.get(bearer);
    if (cached && Date.now() - cached.at < OWNERSHIP_CACHE_MS) {
      return cached.refs;
    }
    let refs: string[] = sub;
    try {
      refs = [...sub, ...((await state.ownershipOf(bearer)) ?? [])];
    } catch (e) {
      // an invalid token is refused by the plugin; here it is simply not an admin's
      state.logger.debug(
        `Could not read the ownership of a token: ${(e as Error).message}`,
      );
    }
    if (this.ownershipCache.size >= OWNERSHIP_CACHE_MAX) {
      this.ownershipCache.clear();
    }
    this.ownershipCache.set(bearer, { at: Date.now(), refs });
    return refs;
  }

  private actorOf(
    token: ReturnType<typeof decodeUnverified>,
  ): AuditEventInput['actor'] {
    const sub = token?.payload.sub;
    return typeof sub === 'string' &&
      token?.typ &&
      USER_TOKEN_TYPES.has(token.typ)
      ? { type: 'user', ref: sub }
      : { type: 'none' };
  }

  private async maintenance(state: GateState) {
    const cached = this.maintenanceCache;
    if (cached && Date.now() - cached.at < MAINTENANCE_CACHE_MS) {
      return cached;
    }
    const current = await state.store.getMaintenance();
    this.maintenanceCache = {
      at: Date.now(),
      enabled: current.enabled,
      message: current.message,
    };
    return this.maintenanceCache;
  }

  private audit(
    state: GateState,
    req: Request,
    event: Omit<
      AuditEventInput,
      'plugin' | 'method' | 'path' | 'ip' | 'userAgent' | 'target'
    >,
  ) {
    return state.auditStore.append({
      ...event,
      plugin: 'admin',
      target: (event.meta as JsonObject | undefined)?.targetRef as
        | string
        | undefined,
      method: req.method,
      path: req.originalUrl,
      ip: req.ip,
      userAgent: req.get('user-agent'),
    });
  }
}
