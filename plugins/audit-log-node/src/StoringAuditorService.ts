import {
  AuditorService,
  AuditorServiceCreateEventOptions,
  AuditorServiceEvent,
  AuditorServiceEventSeverityLevel,
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import { Request } from 'express';
import { AuditActor } from '@internal/backstage-plugin-audit-log-common';
import { AuditEventInput, AuditStore } from './AuditStore';
import { recordAuditEvent } from './recordAuditEvent';
import { targetOf } from './prepareMeta';
import { ulid } from './ulid';
import { unverifiedClaimsOf } from './unverifiedClaims';

const AWAITED: AuditorServiceEventSeverityLevel[] = [
  'medium',
  'high',
  'critical',
];

/** Reads who is behind an impersonation, when a token says so. */
export type RealActorResolver = (
  credentials: BackstageCredentials,
  request?: Request,
) => Promise<string | undefined> | string | undefined;

/**
 * An auditor that logs every event as Backstage's does and stores it in the
 * audit store. Events of medium severity and above are awaited: when the
 * store cannot write `initiated`, the audited request fails (fail closed)
 * instead of succeeding unrecorded. Once the action took effect, its outcome
 * (`succeeded`, `failed`) is kept and written again until stored when the
 * database is briefly away, so the answer tells what happened.
 * Low-severity events are stored only when asked.
 */
export class StoringAuditorService implements AuditorService {
  private constructor(
    private readonly options: {
      pluginId: string;
      store: AuditStore;
      logger: LoggerService;
      auth: AuthService;
      httpAuth: HttpAuthService;
      storeLowSeverity: boolean;
      realActor?: RealActorResolver;
    },
  ) {}

  static create(options: {
    pluginId: string;
    store: AuditStore;
    logger: LoggerService;
    auth: AuthService;
    httpAuth: HttpAuthService;
    storeLowSeverity: boolean;
    realActor?: RealActorResolver;
  }): StoringAuditorService {
    return new StoringAuditorService(options);
  }

  private async actorOf(request?: Request): Promise<{
    actor: { type: AuditActor['type']; ref?: string };
    realActor?: { type: AuditActor['type']; ref?: string };
    /** What a token that failed verification claimed: kept apart from the actor. */
    unverifiedClaims?: Record<string, string>;
  }> {
    const { auth, httpAuth, realActor } = this.options;
    let credentials: BackstageCredentials =
      await auth.getOwnServiceCredentials();
    if (request) {
      try {
        credentials = await httpAuth.credentials(request);
      } catch {
        const bearer = /^\s*Bearer\s+(\S+)\s*$/i.exec(
          request.headers.authorization ?? '',
        )?.[1];
        return {
          actor: { type: 'none' },
          unverifiedClaims: unverifiedClaimsOf(bearer),
        };
      }
    }
    const real = realActor ? await realActor(credentials, request) : undefined;
    if (auth.isPrincipal(credentials, 'user')) {
      return {
        actor: { type: 'user', ref: credentials.principal.userEntityRef },
        realActor: real ? { type: 'user', ref: real } : undefined,
      };
    }
    if (auth.isPrincipal(credentials, 'service')) {
      return { actor: { type: 'service', ref: credentials.principal.subject } };
    }
    return { actor: { type: 'none' } };
  }

  async createEvent(
    options: AuditorServiceCreateEventOptions,
  ): Promise<AuditorServiceEvent> {
    const { eventId, request, meta } = options;
    const severity = options.severityLevel ?? 'low';
    const correlationId = ulid();
    const { unverifiedClaims, ...who } = await this.actorOf(request);
    const base = {
      ...who,
      ip: request?.ip,
      userAgent: request?.get('user-agent'),
      plugin: this.options.pluginId,
      action: eventId,
      severity,
      method: request?.method,
      path: request?.originalUrl,
      correlationId,
    };
    const record = async (
      outcome: AuditEventInput['outcome'],
      eventMeta: JsonObject | undefined,
      error?: Error,
    ) => {
      const input: AuditEventInput = {
        ...base,
        id: outcome === 'initiated' ? correlationId : undefined,
        outcome,
        meta: unverifiedClaims ? { ...eventMeta, unverifiedClaims } : eventMeta,
        target: targetOf(eventMeta),
        error: error ? `${error.name}: ${error.message}` : undefined,
      };
      const recorder = {
        store: this.options.store,
        logger: this.options.logger,
      };
      const details = { meta: eventMeta, error };
      if (!AWAITED.includes(severity)) {
        const storage = this.options.storeLowSeverity
          ? 'background'
          : 'log-only';
        await recordAuditEvent(recorder, input, storage, details);
        return;
      }
      if (outcome !== 'initiated') {
        // the action took effect: its outcome is kept until stored, and the
        // caller reports what happened, not a refusal
        await recordAuditEvent(recorder, input, 'outcome', details);
        return;
      }
      try {
        await recordAuditEvent(recorder, input, 'awaited', details);
      } catch (e) {
        throw new ServiceUnavailableError(
          `The audit log could not record ${
            this.options.pluginId
          }.${eventId}, so the action was refused: ${(e as Error).message}`,
        );
      }
    };

    await record('initiated', meta);
    return {
      success: async params => {
        await record('succeeded', { ...meta, ...params?.meta });
      },
      fail: async params => {
        await record('failed', { ...meta, ...params.meta }, params.error);
      },
    };
  }
}
