import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { ImpersonationSession } from '@internal/backstage-plugin-admin-common';
import { DatabaseAdminStore } from '@internal/backstage-plugin-admin-node';
import {
  AuditStore,
  recordAuditEvent,
} from '@internal/backstage-plugin-audit-log-node';

function minutesBetween(from: string, to: string): string {
  const minutes = Math.max(0, (Date.parse(to) - Date.parse(from)) / 60_000);
  return minutes < 1
    ? 'less than a minute'
    : `${Math.round(minutes)} minute${Math.round(minutes) === 1 ? '' : 's'}`;
}

/** `2026-11-22 08:00 UTC` */
function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** How long the record of an expired impersonation token is kept. */
const TOKEN_ROWS_KEPT_MS = 24 * 60 * 60_000;

/**
 * Ends sessions (stop or expiry) exactly once, and tells the impersonated
 * user who viewed the portal as them, when and why.
 */
export class SessionEnder {
  private constructor(
    private readonly store: DatabaseAdminStore,
    private readonly auditStore: AuditStore,
    private readonly notifications: NotificationService,
    private readonly logger: LoggerService,
  ) {}

  static create(options: {
    store: DatabaseAdminStore;
    auditStore: AuditStore;
    notifications: NotificationService;
    logger: LoggerService;
  }) {
    return new SessionEnder(
      options.store,
      options.auditStore,
      options.notifications,
      options.logger,
    );
  }

  /** Ends a session; undefined when it had already ended. */
  async end(
    session: ImpersonationSession,
    how: { status: 'stopped' | 'expired'; endedBy: string },
  ): Promise<ImpersonationSession | undefined> {
    const ended = await this.store.endSession(session.id, how);
    if (ended) {
      await this.notify(ended);
    }
    return ended;
  }

  /** Ends every session past its expiry; each expiry is an audit event naming both people. */
  async expireDue(): Promise<ImpersonationSession[]> {
    const expired = await this.store.expireDue();
    // tokens past their own expiry are refused by every verifier anyway
    await this.store.purgeExpiredTokens(Date.now() - TOKEN_ROWS_KEPT_MS);
    for (const session of expired) {
      await recordAuditEvent(
        { store: this.auditStore, logger: this.logger },
        {
          actor: { type: 'user', ref: session.targetRef },
          realActor: { type: 'user', ref: session.adminRef },
          plugin: 'admin',
          action: 'impersonation-expire',
          severity: 'high',
          outcome: 'succeeded',
          target: session.targetRef,
          meta: {
            sessionId: session.id,
            targetRef: session.targetRef,
            adminRef: session.adminRef,
            reason: session.reason,
            startedAt: session.startedAt,
            expiresAt: session.expiresAt,
          },
        },
        'awaited',
      );
      this.logger.info(
        `Impersonation session ${session.id} of ${session.adminRef} as ${session.targetRef} expired`,
      );
      await this.notify(session);
    }
    return expired;
  }

  private async notify(session: ImpersonationSession) {
    const endedAt = session.endedAt ?? new Date().toISOString();
    const ticket = session.ticket ? ` (ticket ${session.ticket})` : '';
    try {
      await this.notifications.send({
        recipients: { type: 'entity', entityRef: session.targetRef },
        payload: {
          title: `${session.adminRef} viewed the portal as you`,
          description:
            `Reason: "${session.reason}"${ticket}. ${session.adminRef} saw Stack Portal as you ` +
            `from ${utc(session.startedAt)} to ${utc(endedAt)} ` +
            `(${minutesBetween(session.startedAt, endedAt)}, ${
              session.status === 'expired'
                ? 'ended at its time limit'
                : 'stopped'
            }). ` +
            `Nothing could be changed in your name unless writes were allowed` +
            `${
              session.allowWrites
                ? ' (they were, and each write is in the audit log)'
                : ' (they were not)'
            }.`,
          severity: 'normal',
          topic: 'impersonation',
          scope: `impersonation:${session.id}`,
        },
      });
    } catch (e) {
      this.logger.error(
        `Could not notify ${session.targetRef} about impersonation session ${session.id}`,
        e as Error,
      );
    }
  }
}
