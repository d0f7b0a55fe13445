import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type {
  ChangeRequest,
  ChangeRequestStatus,
  ChangeResponse,
  ProposedChange,
} from '@internal/backstage-plugin-feature-flags-common';
import type {
  Actor,
  FlagProvider,
  FlagRef,
  ProviderFlag,
} from '../providers/FlagProvider';
import { applyChange } from './applyChange';
import { diffOf, fingerprintOf, summaryOf } from './changes';
import {
  DatabaseFeatureFlagStore,
  withoutFingerprint,
} from './DatabaseFeatureFlagStore';
import { PendingWrites } from './PendingWrites';

const who = (ref: string) => ref.replace(/^user:[^/]+\//, '');

/** Approval refused because the flag changed since the request: the request is closed as stale. */
export class StaleChangeRequestError extends ConflictError {
  constructor(message: string, readonly changeRequest: ChangeRequest) {
    super(message);
    // Backstage's error handler maps errors to statuses by name: this one is a 409
    this.name = 'ConflictError';
  }
}

/**
 * Four-eyes for protected environments: a change is stored with its diff and
 * the fingerprint of the state it changes; another admin approves it (then
 * exactly the stored change is applied, if the flag is still as it was) or
 * rejects it; the requester may cancel it.
 */
export class DefaultChangeRequestService {
  private constructor(
    private readonly provider: FlagProvider,
    private readonly store: DatabaseFeatureFlagStore,
    private readonly writes: PendingWrites,
    private readonly logger: LoggerService,
    private readonly approverRefs: string[],
    private readonly notifications?: NotificationService,
  ) {}

  static create(options: {
    provider: FlagProvider;
    store: DatabaseFeatureFlagStore;
    writes: PendingWrites;
    logger: LoggerService;
    approverRefs: string[];
    notifications?: NotificationService;
  }) {
    return new DefaultChangeRequestService(
      options.provider,
      options.store,
      options.writes,
      options.logger,
      options.approverRefs,
      options.notifications,
    );
  }

  /** The flag as it is at the source now (not the cached copy): requests and approvals compare against it. */
  private async current(ref: FlagRef): Promise<ProviderFlag | undefined> {
    const snapshot = await this.provider.snapshot({ fresh: true });
    if (snapshot.degraded) {
      throw new ServiceUnavailableError(
        `The flag's current state cannot be read (${
          snapshot.reason ?? 'the provider is not answering'
        }); nothing was changed`,
      );
    }
    return snapshot.flags.find(
      f => f.project === ref.project && f.name === ref.flag,
    );
  }

  /** Stores the change for a second admin, with its diff against the flag as it is now; `unchanged` when it changes nothing. */
  async request(
    ref: FlagRef,
    environment: string,
    change: ProposedChange,
    reason: string,
    actor: Actor,
  ): Promise<ChangeResponse> {
    const flag = await this.current(ref);
    if (change.kind === 'create' && flag)
      throw new ConflictError(
        `Flag ${ref.flag} already exists in project ${ref.project}`,
      );
    if (change.kind !== 'create' && !flag)
      throw new NotFoundError(
        `Flag ${ref.flag} not found in project ${ref.project}`,
      );
    if (change.kind === 'strategy' && change.strategyId) {
      const env = flag?.environments.find(e => e.name === environment);
      if (!env?.strategies.some(st => st.id === change.strategyId)) {
        throw new NotFoundError(
          `Strategy ${change.strategyId} not found on ${ref.flag} in ${environment}`,
        );
      }
    }
    const diff = diffOf(change, flag, environment);
    if (diff.length === 0) return { outcome: 'unchanged' };
    const stored = await this.store.createChangeRequest(this.provider.kind, {
      ...ref,
      environment,
      change,
      diff,
      summary: summaryOf(change, ref, environment, diff),
      fingerprint: fingerprintOf(change, flag, environment),
      reason,
      requestedBy: actor.userEntityRef,
    });
    const changeRequest = withoutFingerprint(stored);
    // the request exists from here: its history line is written even if the database is briefly away
    await this.writes.write(`history of ${ref.flag}`, () =>
      this.store.recordChange(this.provider.kind, {
        ...ref,
        environment,
        action: 'change-requested',
        actor: actor.userEntityRef,
        summary: `asked for ${changeRequest.summary}: ${reason}`,
      }),
    );
    await this.notify(changeRequest);
    return { outcome: 'change-request', changeRequest };
  }

  private async notify(cr: ChangeRequest) {
    if (!this.notifications || !this.approverRefs.length) return;
    try {
      await this.notifications.send({
        recipients: {
          type: 'entity',
          entityRef: this.approverRefs,
          excludeEntityRef: cr.requestedBy,
        },
        payload: {
          title: `Approve ${cr.summary}?`,
          description: `${who(cr.requestedBy)} asks: ${cr.reason}`,
          link: `/feature-flags?changeRequest=${cr.id}`,
          severity: cr.environment === 'production' ? 'high' : 'normal',
          topic: 'feature-flags-change-request',
          scope: `feature-flags-change-request:${cr.id}`,
        },
      });
    } catch (error) {
      // the request itself is stored and shown on the Flags page; a lost notification must not undo it
      this.logger.warn(
        `Could not notify admins of change request ${cr.id}: ${
          (error as Error).message
        }`,
      );
    }
  }

  list(status?: ChangeRequestStatus) {
    return this.store.listChangeRequests(this.provider.kind, { status });
  }

  async get(id: string): Promise<ChangeRequest> {
    return withoutFingerprint(
      await this.store.getChangeRequest(this.provider.kind, id),
    );
  }

  /**
   * A second admin approves: if the flag is still as it was when the change
   * was requested, exactly the stored change is applied and recorded; if it
   * changed meanwhile the request is closed as stale (409) and nothing is
   * applied. The requester cannot approve their own; if the provider is down
   * the request stays pending and the error says why.
   */
  async approve(
    id: string,
    actor: Actor,
    comment?: string,
  ): Promise<ChangeRequest> {
    const cr = await this.store.getChangeRequest(this.provider.kind, id);
    if (cr.requestedBy === actor.userEntityRef) {
      throw new NotAllowedError(
        'You asked for this change: another admin must approve it',
      );
    }
    const alreadyDecided = (c: ChangeRequest) =>
      new ConflictError(
        `Change request ${id} is already ${c.status}${
          c.decidedBy ? ` (by ${c.decidedBy})` : ''
        }`,
      );
    if (cr.status !== 'pending') throw alreadyDecided(cr);
    // one approval wins: a double click or a second admin at the same moment gets a 409
    if (
      !(await this.store.claim(this.provider.kind, id, actor.userEntityRef))
    ) {
      throw alreadyDecided(
        await this.store.getChangeRequest(this.provider.kind, id),
      );
    }
    const ref = { project: cr.project, flag: cr.flag };
    const environment =
      cr.change.kind === 'create' || cr.change.kind === 'archive'
        ? undefined
        : cr.environment;
    let applied;
    try {
      const flag = await this.current(ref);
      if (
        cr.fingerprint !== undefined &&
        fingerprintOf(cr.change, flag, cr.environment) !== cr.fingerprint
      ) {
        const message = `${cr.flag} ${
          flag ? 'changed' : 'was archived'
        } since ${who(
          cr.requestedBy,
        )} asked for this, so the diff no longer holds; nothing was applied. Request the change again.`;
        const stale = await this.store.markStale(
          this.provider.kind,
          id,
          actor.userEntityRef,
          message,
        );
        throw new StaleChangeRequestError(message, stale);
      }
      applied = await applyChange(
        this.provider,
        ref,
        environment,
        cr.change,
        actor,
      );
    } catch (error) {
      if (!(error instanceof StaleChangeRequestError)) {
        await this.store.release(
          this.provider.kind,
          id,
          (error as Error).message,
        );
      }
      throw error;
    }
    // the change is live from here: its record is written even if the database is briefly away
    const decidedAt = new Date().toISOString();
    await this.writes.write(`change request ${id} applied`, () =>
      this.store.finish(this.provider.kind, id, actor.userEntityRef, comment),
    );
    await this.writes.write(`history of ${cr.flag}`, () =>
      this.store.recordChange(this.provider.kind, {
        ...ref,
        environment: applied.history.environment,
        action: applied.history.action,
        actor: actor.userEntityRef,
        summary: `${applied.history.summary}, approving ${who(
          cr.requestedBy,
        )}'s request`,
      }),
    );
    return {
      ...withoutFingerprint(cr),
      status: 'applied',
      decidedBy: actor.userEntityRef,
      decidedAt,
      decisionComment: comment,
      error: undefined,
    };
  }

  async reject(
    id: string,
    actor: Actor,
    comment: string,
  ): Promise<ChangeRequest> {
    const cr = await this.store.getChangeRequest(this.provider.kind, id);
    if (cr.requestedBy === actor.userEntityRef) {
      throw new NotAllowedError(
        'You asked for this change: cancel it instead of rejecting it',
      );
    }
    return this.store.decide(this.provider.kind, id, {
      status: 'rejected',
      by: actor.userEntityRef,
      comment,
    });
  }

  async cancel(id: string, actor: Actor): Promise<ChangeRequest> {
    const cr = await this.store.getChangeRequest(this.provider.kind, id);
    if (cr.requestedBy !== actor.userEntityRef) {
      throw new NotAllowedError(
        `Only ${cr.requestedBy} can cancel this change request; reject it instead`,
      );
    }
    return this.store.decide(this.provider.kind, id, {
      status: 'cancelled',
      by: actor.userEntityRef,
    });
  }
}
