import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';

const KEY = 'unleash-change-stamp';
/** Long enough to outlive any copy; when it lapses every replica reads once more. */
const STAMP_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * A stamp every replica shares through Backstage's cache service (Redis in
 * production): each write through the portal sets a new one, and a replica
 * whose copy was read under another stamp reads Unleash again before
 * answering. So a change through one replica shows through every other at
 * once, not after the cache's TTL. Without a shared cache (one replica) it
 * costs a map lookup. If the cache cannot be reached, copies fall back to
 * their TTL and a warning says so.
 */
export class ChangeStamp {
  private warned = false;

  private constructor(
    private readonly cache: CacheService | undefined,
    private readonly logger: LoggerService,
  ) {}

  static create(options: { cache?: CacheService; logger: LoggerService }) {
    return new ChangeStamp(options.cache, options.logger);
  }

  /** The current stamp (undefined: none yet, or the cache is away). */
  async current(): Promise<string | undefined> {
    if (!this.cache) return undefined;
    try {
      const stamp = await this.cache.get<string>(KEY);
      this.warned = false;
      return stamp;
    } catch (error) {
      this.warn(error);
      return undefined;
    }
  }

  /** A new stamp for a write of ours; the other replicas read again. */
  async publish(): Promise<string | undefined> {
    if (!this.cache) return undefined;
    const stamp = randomUUID();
    try {
      await this.cache.set(KEY, stamp, { ttl: STAMP_TTL_MS });
      return stamp;
    } catch (error) {
      this.warn(error);
      return undefined;
    }
  }

  private warn(error: unknown) {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn(
      `Feature flags: the shared cache cannot be reached (${
        (error as Error).message
      }); other replicas see this one's changes after unleash.cacheTtlMs`,
    );
  }
}
