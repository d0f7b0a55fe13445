import { LoggerService } from '@backstage/backend-plugin-api';

/** First retry after this long; each next one waits twice as long, up to the maximum. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;

interface Pending {
  what: string;
  write: () => Promise<unknown>;
  attempts: number;
  timer?: NodeJS.Timeout;
}

/**
 * The feature-flags backend's own writes that must happen because a change
 * already took effect: the flag's history line, a change request's `applied`
 * status (the auditor keeps audit outcomes itself). When the database is briefly away, the answer
 * to the person still says what happened (the change is live), and the write
 * is kept in memory and retried with back-off until it lands, logged as an
 * error on every failed attempt. A shutdown names every write still pending.
 */
export class PendingWrites {
  private readonly pending = new Set<Pending>();
  private stopped = false;

  private constructor(
    private readonly logger: LoggerService,
    private readonly firstRetryMs: number,
  ) {}

  static create(options: { logger: LoggerService; firstRetryMs?: number }) {
    return new PendingWrites(
      options.logger,
      options.firstRetryMs ?? FIRST_RETRY_MS,
    );
  }

  /** Writes now; on failure keeps retrying in the background. Never throws. */
  async write(what: string, write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      const entry: Pending = { what, write, attempts: 1 };
      this.pending.add(entry);
      this.logger.error(
        `${what} could not be written although the change took effect; retrying in the background: ${
          (error as Error).message
        }`,
      );
      this.schedule(entry);
      return false;
    }
  }

  /** How many writes wait for their retry. */
  get size() {
    return this.pending.size;
  }

  private schedule(entry: Pending) {
    if (this.stopped) return;
    const delay = Math.min(
      this.firstRetryMs * 2 ** (entry.attempts - 1),
      MAX_RETRY_MS,
    );
    entry.timer = setTimeout(() => this.retry(entry), delay);
    // a pending write does not keep a process alive that is otherwise done
    entry.timer.unref?.();
  }

  private async retry(entry: Pending) {
    entry.attempts++;
    try {
      await entry.write();
      this.pending.delete(entry);
      this.logger.warn(
        `${entry.what} was written after ${entry.attempts} attempts`,
      );
    } catch (error) {
      this.logger.error(
        `${entry.what}: attempt ${entry.attempts} failed, retrying: ${
          (error as Error).message
        }`,
      );
      this.schedule(entry);
    }
  }

  /** Stops retrying and names what was never written, so an operator can restore it from the logs. */
  stop() {
    this.stopped = true;
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      this.logger.error(
        `${entry.what} was never written (${entry.attempts} attempts) before shutdown`,
      );
    }
    this.pending.clear();
  }
}
