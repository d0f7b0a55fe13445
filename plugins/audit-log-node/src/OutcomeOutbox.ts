import { LoggerService } from '@backstage/backend-plugin-api';
import { isDatabaseUnavailableError } from '@internal/backstage-plugin-resilience-node';
import type { AuditEventInput } from './AuditStore';

/** How long an outcome's first write may take before the caller goes on without it. */
export const OUTCOME_WAIT_MS = 2_000;
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * The outcomes of actions that already took effect (`succeeded`, `failed`):
 * they must reach the audit log even when the database is briefly away.
 * Each is written as usual; when the database cannot be reached, it is kept
 * here and written again, with back-off, until it is stored. Errors that are
 * not about reaching the database (an invalid event) are not retried.
 */
export class OutcomeOutbox {
  private readonly pending = new Map<Promise<void>, AuditEventInput>();

  private constructor(
    private readonly append: (input: AuditEventInput) => Promise<unknown>,
    private readonly logger?: LoggerService,
  ) {}

  static create(options: {
    append: (input: AuditEventInput) => Promise<unknown>;
    logger?: LoggerService;
  }): OutcomeOutbox {
    return new OutcomeOutbox(options.append, options.logger);
  }

  /** Outcomes written to nothing yet: waiting for the database. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Writes `input`, retrying while the database is unreachable. Resolves
   * `'written'` when stored within `waitMs`, `'kept'` when it is still being
   * retried; rejects only for errors a retry cannot fix.
   */
  async deliver(
    input: AuditEventInput,
    waitMs = OUTCOME_WAIT_MS,
  ): Promise<'written' | 'kept'> {
    const written = this.writeUntilStored(input);
    const tracked = written.then(
      () => undefined,
      () => undefined,
    );
    this.pending.set(tracked, input);
    tracked.finally(() => this.pending.delete(tracked));
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        written.then(() => 'written' as const),
        new Promise<'kept'>(resolve => {
          timer = setTimeout(() => resolve('kept'), waitMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async writeUntilStored(input: AuditEventInput): Promise<void> {
    let delay = FIRST_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.append(input);
        if (attempt > 1) {
          this.logger?.info(
            `Audit outcome ${input.plugin}.${input.action} (${input.outcome}, correlation ${input.correlationId}) stored after ${attempt} attempts`,
          );
        }
        return;
      } catch (error) {
        if (!isDatabaseUnavailableError(error)) {
          this.logger?.error(
            `Audit outcome ${input.plugin}.${input.action} could not be stored`,
            error as Error,
          );
          throw error;
        }
        if (attempt === 1) {
          this.logger?.warn(
            `Audit outcome ${input.plugin}.${input.action} (${input.outcome}, correlation ${input.correlationId}) kept until the database answers: ${error}`,
          );
        }
        await sleep(delay);
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      }
    }
  }

  /**
   * Waits up to `timeoutMs` for every kept outcome to be stored (at
   * shutdown); logs, with their content, those that could not be.
   */
  async flush(timeoutMs: number): Promise<void> {
    if (!this.pending.size) return;
    const done = await Promise.race([
      Promise.all([...this.pending.keys()]).then(() => true),
      sleep(timeoutMs).then(() => false),
    ]);
    if (!done) {
      this.logger?.error(
        `${
          this.pending.size
        } audit outcome(s) could not be stored before shutdown: ${JSON.stringify(
          [...this.pending.values()],
        )}`,
      );
    }
  }
}
