import { ServiceUnavailableError } from '@backstage/errors';

/**
 * What the cache holds, as one explicit mode:
 * - `empty`: never read (or every read failed: `error` says why; the next
 *   read tries again, unless a 429 said to wait until `retryAt`);
 * - `current`: the last read succeeded; it may be older than the TTL;
 * - `invalidated`: misses a change it cannot show (a flag created or archived,
 *   another replica's write): no read answers from it before it is read again,
 *   whether it was current or degraded;
 * - `degraded`: the last read failed; the copy is the last good one, `fetchedAt`
 *   its true time, and no read is tried again before `retryAt`.
 */
export type CacheState<T> =
  | { mode: 'empty'; error?: string; retryAt: number; failures: number }
  | { mode: 'current'; data: T; fetchedAt: number }
  | { mode: 'invalidated'; data: T; fetchedAt: number }
  | {
      mode: 'degraded';
      data: T;
      fetchedAt: number;
      error: string;
      retryAt: number;
      failures: number;
    };

export type CacheMode = CacheState<unknown>['mode'];

export interface CacheReading<T> {
  data: T;
  /** How long ago Unleash gave this data (never a sentinel: a real age). */
  ageMs: number;
  degraded: boolean;
  reason?: string;
}

/**
 * How a read may answer:
 * - `fresh`: read the source now (unless a back-off holds it: then the copy, degraded);
 * - `stale`: at once from the copy; a refresh may start in the background;
 * - `stale-only`: at once from the copy, starting nothing;
 * - `normal`: from the copy within the TTL; past it, refresh but answer
 *   within `staleWaitMs` from the copy if the source is slow.
 */
export type ReadMode = 'fresh' | 'stale' | 'stale-only' | 'normal';

export interface SnapshotCacheOptions<T> {
  /** What the cache is of, for messages ("the flags"). */
  name: string;
  load: () => Promise<T>;
  /** Reads within this age answer from memory. */
  ttlMs: number;
  /** A `normal` read past the TTL waits this long for the refresh. */
  staleWaitMs: number;
  /** After the n-th failure in a row no read is tried for min(maxMs, baseMs * 2^(n-1)). */
  backoff?: { baseMs: number; maxMs: number };
  /** A failure may name when to come back (a 429's `Retry-After`); it wins over the back-off. */
  retryAtOf?: (error: unknown) => number | undefined;
  onError?: (message: string) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A change of ours, applied to the copy; false when the copy does not hold its subject. */
export type Patch<T> = (data: T) => boolean;

const DEFAULT_BACKOFF = { baseMs: 1000, maxMs: 15_000 };
/** Reads of an invalidated copy try this many refreshes before answering degraded. */
const INVALIDATED_ATTEMPTS = 3;

/**
 * A copy of something slow to read (Unleash's flags), refreshed once however
 * many reads ask at the same moment, with the portal's own writes applied to
 * it at once and again to a read that was in flight while they landed.
 */
export class SnapshotCache<T> {
  private state: CacheState<T> = { mode: 'empty', retryAt: 0, failures: 0 };
  private inFlight?: Promise<void>;
  /** Own writes since the oldest read in flight, numbered. */
  private patches: Array<{ n: number; apply: Patch<T> }> = [];
  private patchCount = 0;
  private invalidations = 0;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly backoff: { baseMs: number; maxMs: number };

  private constructor(private readonly options: SnapshotCacheOptions<T>) {
    this.now = options.now ?? Date.now;
    this.sleep =
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  static create<T>(options: SnapshotCacheOptions<T>) {
    return new SnapshotCache(options);
  }

  get mode(): CacheMode {
    return this.state.mode;
  }

  /** The copy as it is, without reading anything (undefined before the first read). */
  peek(): T | undefined {
    return this.state.mode === 'empty' ? undefined : this.state.data;
  }

  async read(mode: ReadMode = 'normal'): Promise<CacheReading<T>> {
    const state = this.state;
    if (state.mode === 'empty') {
      await this.refreshIfDue(true);
    } else if (state.mode === 'invalidated') {
      await this.readAgainAfterInvalidation();
    } else if (mode === 'fresh') {
      await this.refreshIfDue(false);
    } else if (mode === 'stale') {
      if (this.expired()) this.refreshIfDue(false).catch(() => undefined);
    } else if (mode === 'normal' && this.expired()) {
      const refreshed = this.refreshIfDue(false).catch(() => undefined);
      await Promise.race([refreshed, this.sleep(this.options.staleWaitMs)]);
    }
    return this.reading();
  }

  /** Applies a write of ours now, and again to a read in flight while it landed. */
  patch(apply: Patch<T>): void {
    this.patchCount++;
    this.patches.push({ n: this.patchCount, apply });
    if (this.state.mode !== 'empty' && !apply(this.state.data))
      this.invalidate();
  }

  /**
   * The copy misses a change it cannot replay: read again before answering.
   * A degraded copy too, back-off or not: the change was just written to the
   * source (by us or another replica), so the source answers again.
   */
  invalidate(): void {
    this.invalidations++;
    const state = this.state;
    if (state.mode === 'current' || state.mode === 'degraded') {
      this.state = {
        mode: 'invalidated',
        data: state.data,
        fetchedAt: state.fetchedAt,
      };
    }
  }

  private reading(): CacheReading<T> {
    const state = this.state;
    if (state.mode === 'empty') {
      throw new ServiceUnavailableError(
        `${
          state.error ?? `${this.options.name} could not be read`
        }, and the portal has no earlier copy of ${this.options.name} to show`,
      );
    }
    return {
      data: state.data,
      ageMs: Math.max(0, this.now() - state.fetchedAt),
      degraded: state.mode === 'degraded',
      reason: state.mode === 'degraded' ? state.error : undefined,
    };
  }

  private expired(): boolean {
    const state = this.state;
    if (state.mode === 'degraded') return this.now() >= state.retryAt;
    return (
      state.mode === 'current' &&
      this.now() - state.fetchedAt >= this.options.ttlMs
    );
  }

  /**
   * An invalidated copy may miss a flag we created or archived: no read
   * answers from it. A refresh already in flight may have started before
   * that change: then read once more.
   */
  private async readAgainAfterInvalidation() {
    for (
      let attempt = 0;
      attempt < INVALIDATED_ATTEMPTS && this.state.mode === 'invalidated';
      attempt++
    ) {
      try {
        await this.refreshIfDue(false);
      } catch {
        return; // degraded: answered from the copy, marked so
      }
    }
  }

  /**
   * Refreshes unless a back-off holds reads off (then the copy answers,
   * degraded). `rethrow`: the caller has no copy to fall back to.
   */
  private async refreshIfDue(rethrow: boolean): Promise<void> {
    const state = this.state;
    const held =
      (state.mode === 'degraded' || state.mode === 'empty') &&
      this.now() < state.retryAt;
    if (held && !this.inFlight) {
      if (rethrow) this.reading(); // throws: no copy
      return;
    }
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = undefined;
    });
    try {
      await this.inFlight;
    } catch (error) {
      if (rethrow) throw error;
    }
  }

  private async load(): Promise<void> {
    const patchesBefore = this.patchCount;
    const invalidationsBefore = this.invalidations;
    const startedAt = this.now();
    let data: T;
    try {
      data = await this.options.load();
    } catch (error) {
      this.fail(error);
      throw error;
    }
    // a write of ours that landed while reading may be missing: applied again
    let replayed = true;
    for (const p of this.patches) {
      if (p.n > patchesBefore) replayed = p.apply(data) && replayed;
    }
    // every write recorded so far landed before any later read starts
    this.patches = [];
    const missesAChange =
      !replayed || invalidationsBefore !== this.invalidations;
    this.state = {
      mode: missesAChange ? 'invalidated' : 'current',
      data,
      // the data is as of the read's start: its age is never flattered
      fetchedAt: startedAt,
    };
  }

  private fail(error: unknown) {
    const message = (error as Error).message ?? String(error);
    const state = this.state;
    const failures =
      state.mode === 'degraded' || state.mode === 'empty'
        ? state.failures + 1
        : 1;
    const backoffMs = Math.min(
      this.backoff.maxMs,
      this.backoff.baseMs * 2 ** (failures - 1),
    );
    const askedFor = this.options.retryAtOf?.(error) ?? 0;
    // with no copy to answer from, the next read tries again unless the
    // source said when to come back
    const retryAt =
      state.mode === 'empty'
        ? askedFor
        : Math.max(askedFor, this.now() + backoffMs);
    this.state =
      state.mode === 'empty'
        ? { mode: 'empty', error: message, retryAt, failures }
        : {
            mode: 'degraded',
            data: state.data,
            fetchedAt: state.fetchedAt,
            error: message,
            retryAt,
            failures,
          };
    this.options.onError?.(message);
  }
}
