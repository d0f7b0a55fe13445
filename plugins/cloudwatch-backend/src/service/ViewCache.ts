import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { JsonValue } from '@backstage/types';
import { createHash } from 'node:crypto';

const DEFAULT_TTL_SECONDS = 60;
const SECOND_MS = 1000;

/**
 * The answers of CloudWatch views, kept for a short time in Backstage's
 * cache service (memory on the embedded default, Redis when several
 * replicas share one), with identical requests in flight in this process
 * joined to one: twenty people opening the same tab make one call.
 */
export class ViewCache {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  private constructor(
    private readonly cache: CacheService,
    private readonly ttlMs: number,
    private readonly logger: LoggerService,
  ) {}

  static create(options: {
    cache: CacheService;
    logger: LoggerService;
    ttlSeconds?: number;
  }): ViewCache {
    return new ViewCache(
      options.cache,
      (options.ttlSeconds ?? DEFAULT_TTL_SECONDS) * SECOND_MS,
      options.logger,
    );
  }

  /** The key of a view: a digest of what identifies its question. */
  static keyOf(kind: string, question: object): string {
    const digest = createHash('sha256')
      .update(JSON.stringify(question))
      .digest('base64url');
    return `${kind}:${digest}`;
  }

  /**
   * The cached answer, the answer of an identical request in flight, or a
   * fresh one (then cached). Failures are not cached.
   */
  async getOrLoad<T extends object>(
    key: string,
    load: () => Promise<T>,
  ): Promise<T> {
    const pending = this.inFlight.get(key);
    if (pending) return pending as Promise<T>;
    const promise = this.lookUpOrLoad(key, load);
    this.inFlight.set(key, promise);
    try {
      return await promise;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async lookUpOrLoad<T extends object>(
    key: string,
    load: () => Promise<T>,
  ): Promise<T> {
    if (this.ttlMs > 0) {
      try {
        const hit = await this.cache.get(key);
        if (hit !== undefined) return hit as unknown as T;
      } catch (error) {
        this.logger.warn(`CloudWatch view cache unreadable: ${error}`);
      }
    }
    const value = await load();
    if (this.ttlMs > 0) {
      try {
        await this.cache.set(key, value as unknown as JsonValue, {
          ttl: this.ttlMs,
        });
      } catch (error) {
        this.logger.warn(`CloudWatch view cache unwritable: ${error}`);
      }
    }
    return value;
  }
}
