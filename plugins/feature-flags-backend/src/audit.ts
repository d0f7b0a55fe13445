import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import type { Request } from 'express';
import type { StaleChangeRequestError } from './service/ChangeRequestService';

/** An audit event as a route declares it, before anything is done. */
export interface AuditedAction {
  eventId: string;
  /** `high` for a change that reaches a protected environment and for every change request decision. */
  severity: 'medium' | 'high';
  meta: JsonObject;
}

/** What an outcome records of a route's answer: its outcome and the change request it names. */
function outcomeOf(result: unknown): JsonObject {
  if (!result || typeof result !== 'object') return {};
  const r = result as Record<string, unknown>;
  const out: JsonObject = {};
  for (const key of ['outcome', 'id', 'status'])
    if (typeof r[key] === 'string') out[key] = r[key] as string;
  const cr = r.changeRequest as
    | { id?: string; summary?: string; reason?: string }
    | undefined;
  if (cr?.id) out.changeRequestId = cr.id;
  if (cr?.summary) out.summary = cr.summary;
  // the requester's reason: audit reports show it beside the approval
  if (cr?.reason) out.reason = cr.reason;
  return out;
}

/**
 * The audit trail of the feature-flags routes: every change runs inside its
 * audit event, and so does every refusal of one.
 */
export class FlagAudit {
  private constructor(
    private readonly auditor: AuditorService,
    private readonly logger: LoggerService,
    private readonly providerKind: string,
  ) {}

  static create(options: {
    auditor: AuditorService;
    logger: LoggerService;
    providerKind: string;
  }) {
    return new FlagAudit(options.auditor, options.logger, options.providerKind);
  }

  /**
   * Runs a route's work inside its audit event: `initiated` before anything
   * (if that cannot be written the request is refused and nothing is done),
   * then `succeeded` or `failed`. Every refusal, from a missing permission to
   * bad input or a provider that is down, is the work failing, so it is
   * audited too. Once the work has taken effect the answer says so: an
   * outcome the audit log cannot take now is retried in the background.
   */
  async run<T>(
    req: Request,
    action: AuditedAction,
    work: () => Promise<T>,
  ): Promise<T> {
    const event = await this.auditor.createEvent({
      eventId: action.eventId,
      severityLevel: action.severity,
      request: req,
      meta: { provider: this.providerKind, ...action.meta },
    });
    let result: T;
    try {
      result = await work();
    } catch (error) {
      await this.settle(action.eventId, 'failed', () =>
        event.fail({ error: error as Error }),
      );
      if (
        error instanceof ServiceUnavailableError &&
        !/nothing was (changed|created)/i.test(error.message)
      ) {
        throw new ServiceUnavailableError(
          `${error.message}. Nothing was changed; the flags shown are the last good copy. Try again once Unleash answers.`,
        );
      }
      throw error;
    }
    await this.settle(action.eventId, 'succeeded', () =>
      event.success({ meta: outcomeOf(result) }),
    );
    return result;
  }

  /** A request found stale on approval gets its own event (the approval's event fails with the same message). */
  async stale(req: Request, meta: JsonObject, error: StaleChangeRequestError) {
    const event = await this.auditor.createEvent({
      eventId: 'change-request-stale',
      severityLevel: 'high',
      request: req,
      meta,
    });
    await this.settle('change-request-stale', 'succeeded', () =>
      event.success({
        meta: { status: error.changeRequest.status, error: error.message },
      }),
    );
  }

  /**
   * Records an outcome. The auditor keeps and retries outcomes while the
   * database is away; an outcome it still refuses must not turn what happened
   * into an error for the person: it is logged as an error with the event.
   */
  private async settle(
    eventId: string,
    outcome: string,
    write: () => Promise<void>,
  ) {
    try {
      await write();
    } catch (error) {
      this.logger.error(
        `The ${outcome} outcome of audit event feature-flags.${eventId} could not be recorded: ${
          (error as Error).message
        }`,
      );
    }
  }
}
