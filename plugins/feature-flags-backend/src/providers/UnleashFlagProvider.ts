import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type {
  FlagTag,
  Strategy,
  Variant,
} from '@internal/backstage-plugin-feature-flags-common';
import type {
  Actor,
  CreateFlagInput,
  FlagEnvRef,
  FlagProvider,
  FlagRef,
  FlagSnapshot,
  ProviderEnvironment,
  StrategyInput,
} from './FlagProvider';
import { ChangeStamp } from './unleash/ChangeStamp';
import {
  applyMarks,
  CHANGED_BY_TAG_TYPE,
  changedByValue,
  findEnvironment,
  findFlag,
  FlagsData,
  flagsFromExports,
  SearchMarks,
  toStrategy,
  UnleashExport,
  UnleashStrategy,
} from './unleash/mapping';
import { Patch, ReadMode, SnapshotCache } from './unleash/SnapshotCache';
import {
  UnleashClient,
  UnleashRateLimitedError,
} from './unleash/UnleashClient';

export { CHANGED_BY_TAG_TYPE } from './unleash/mapping';

export interface UnleashFlagProviderOptions {
  url: string;
  adminToken: string;
  logger: LoggerService;
  /** Each call to Unleash gives up after this long (default 2000 ms). */
  timeoutMs?: number;
  /**
   * Reads within this age answer from memory (default 15000 ms, the refresh
   * interval of Unleash's SDKs; our own writes are applied to the copy at once).
   */
  cacheTtlMs?: number;
  /**
   * The bulk export of all flags (one call per environment) gives up after
   * this long (default 10000 ms); reads meanwhile answer from the last
   * snapshot, so this bounds staleness, not latency.
   */
  snapshotTimeoutMs?: number;
  /**
   * Unleash's feature search (potentially stale, completed) is read at most
   * this often (default 300000 ms): Unleash 8 allows 15 searches a minute per
   * client address, shared by every replica behind one egress.
   */
  searchIntervalMs?: number;
  /** Backstage's cache service, shared by the replicas: see `ChangeStamp`. */
  cache?: CacheService;
  /** The clock (tests pass a fake one). */
  now?: () => number;
}

/** How many flags a page of Unleash's feature search holds. */
const SEARCH_PAGE = 100;
/** A normal read past the TTL waits at most this long for the refresh. */
const STALE_WAIT_MS = 150;

interface UnleashFeature {
  environments: Array<{
    name: string;
    enabled: boolean;
    strategies: UnleashStrategy[];
  }>;
}

function readModeOf(options?: {
  fresh?: boolean;
  stale?: boolean;
  refresh?: boolean;
}): ReadMode {
  if (options?.fresh) return 'fresh';
  if (options?.stale) return options.refresh === false ? 'stale-only' : 'stale';
  return 'normal';
}

/**
 * A real Unleash server through its Admin API, in three parts: the HTTP
 * client (`UnleashClient`: time-outs, 429s), two copies (`SnapshotCache`: the
 * flags, and apart from them the marks of Unleash's rate-limited feature
 * search, read more slowly) and the mapping of Unleash's answers.
 *
 * Reads keep the last good copy: when Unleash is slow, down or limiting the
 * portal they answer from it with `degraded: true` and its true age; writes
 * are refused with a 503. Writes read the flag's current state from Unleash,
 * never from the copy, and name the person on Unleash's event with the
 * `changed-by` tag written just before the change.
 */
export class UnleashFlagProvider implements FlagProvider {
  readonly kind = 'unleash' as const;
  private readonly client: UnleashClient;
  private readonly flags: SnapshotCache<FlagsData>;
  private readonly marks: SnapshotCache<SearchMarks>;
  private readonly stamps: ChangeStamp;
  private readonly snapshotTimeoutMs: number;
  private marked?: { flags: FlagsData['flags']; marks?: SearchMarks };
  private tagTypeReady = false;

  private constructor(options: UnleashFlagProviderOptions) {
    const now = options.now ?? Date.now;
    const timeoutMs = options.timeoutMs ?? 2000;
    this.snapshotTimeoutMs = options.snapshotTimeoutMs ?? 10_000;
    this.client = UnleashClient.create({
      url: options.url,
      adminToken: options.adminToken,
      timeoutMs,
      now,
    });
    this.stamps = ChangeStamp.create({
      cache: options.cache,
      logger: options.logger,
    });
    const retryAtOf = (error: unknown) =>
      error instanceof UnleashRateLimitedError ? error.retryAt : undefined;
    this.flags = SnapshotCache.create({
      name: 'the flags',
      load: () => this.readFlags(),
      ttlMs: options.cacheTtlMs ?? 15_000,
      staleWaitMs: Math.min(STALE_WAIT_MS, timeoutMs),
      retryAtOf,
      onError: m => options.logger.warn(`Feature flags degraded: ${m}`),
      now,
    });
    this.marks = SnapshotCache.create({
      name: "Unleash's feature search",
      load: () => this.readMarks(),
      ttlMs: options.searchIntervalMs ?? 300_000,
      staleWaitMs: this.snapshotTimeoutMs,
      // a failed search is tried again after 1 s, doubling to 15 s (a 429: after Retry-After)
      retryAtOf,
      onError: m =>
        options.logger.warn(
          `Feature flags: Unleash's feature search failed, the stale and completed marks are kept as they were: ${m}`,
        ),
      now,
    });
  }

  static create(options: UnleashFlagProviderOptions) {
    return new UnleashFlagProvider(options);
  }

  /** The flag list: projects, environments, then one export per environment. */
  private async readFlags(): Promise<FlagsData> {
    const stamp = await this.stamps.current();
    const [{ projects }, { environments }] = await Promise.all([
      this.client.call<{
        projects: Array<{
          id: string;
          name: string;
          archivedAt?: string | null;
        }>;
      }>('GET', '/api/admin/projects'),
      this.client.call<{
        environments: Array<{ name: string; type: string; enabled: boolean }>;
      }>('GET', '/api/admin/environments'),
    ]);
    const envs: ProviderEnvironment[] = environments
      .filter(e => e.enabled)
      .map(e => ({ name: e.name, type: e.type }));
    const exports = await Promise.all(
      envs.map(async env => ({
        environment: env.name,
        data: await this.client.call<UnleashExport>(
          'POST',
          '/api/admin/features-batch/export',
          {
            // every flag of every project in one call
            body: { environment: env.name, features: [] },
            timeoutMs: this.snapshotTimeoutMs,
          },
        ),
      })),
    );
    const live = projects
      .filter(p => !p.archivedAt)
      .map(p => ({ id: p.id, name: p.name }));
    const liveIds = new Set(live.map(p => p.id));
    return {
      projects: live,
      environments: envs,
      flags: flagsFromExports(envs, exports).filter(f =>
        liveIds.has(f.project),
      ),
      stamp,
    };
  }

  /** The two searches the marks need (few flags: a page of 100 at a time). */
  private async readMarks(): Promise<SearchMarks> {
    const [potentiallyStale, completed] = await Promise.all([
      this.searchNames('state=IS:potentially-stale'),
      this.searchNames('lifecycle=IS:completed'),
    ]);
    return { potentiallyStale, completed };
  }

  /**
   * The names Unleash's feature search finds for a filter, all pages. Empty
   * when the search is not there (an Unleash older than 5.9): the flags then
   * carry only their own stale mark.
   */
  private async searchNames(filter: string): Promise<Set<string>> {
    const names = new Set<string>();
    try {
      for (let offset = 0; ; offset += SEARCH_PAGE) {
        const page = await this.client.call<{
          features: Array<{ name: string }>;
          total: number;
        }>(
          'GET',
          `/api/admin/search/features?${filter}&limit=${SEARCH_PAGE}&offset=${offset}&archived=IS:false`,
          { timeoutMs: this.snapshotTimeoutMs, bucket: 'search' },
        );
        page.features.forEach(f => names.add(f.name));
        if (
          page.features.length < SEARCH_PAGE ||
          offset + SEARCH_PAGE >= page.total
        ) {
          return names;
        }
      }
    } catch (error) {
      if (error instanceof NotFoundError) return names;
      throw error;
    }
  }

  /**
   * The marks as they are: read the first time; after that refreshed in the
   * background once `searchIntervalMs` has passed, or awaited by a `fresh`
   * read (never sooner, whatever reads ask: the search is rate-limited).
   */
  private async currentMarks(fresh: boolean): Promise<SearchMarks | undefined> {
    try {
      const mode = !this.marks.peek() || fresh ? 'normal' : 'stale';
      return (await this.marks.read(mode)).data;
    } catch {
      return undefined; // never read yet: the flags show without the marks
    }
  }

  async snapshot(options?: {
    fresh?: boolean;
    stale?: boolean;
    refresh?: boolean;
  }): Promise<FlagSnapshot> {
    // another replica's write: this copy is read again before answering
    const copy = this.flags.peek();
    if (copy && copy.stamp !== (await this.stamps.current())) {
      this.flags.invalidate();
    }
    const reading = await this.flags.read(readModeOf(options));
    // after the flags: a cold Unleash's search must not slow the flag list down
    const marks = await this.currentMarks(Boolean(options?.fresh));
    const { data } = reading;
    if (this.marked?.flags !== data.flags || this.marked.marks !== marks) {
      applyMarks(data.flags, marks);
      this.marked = { flags: data.flags, marks };
    }
    return {
      provider: 'unleash',
      projects: data.projects,
      environments: data.environments,
      flags: data.flags,
      degraded: reading.degraded,
      ageMs: reading.ageMs,
      reason: reading.reason,
    };
  }

  /**
   * A write of ours has landed in Unleash: applied to this replica's copy at
   * once, and announced to the others, which read Unleash again.
   * `before` is the stamp read before the write: a copy that had not seen
   * it stays behind and reads again.
   */
  private async landed(before: string | undefined, apply: Patch<FlagsData>) {
    const mine = await this.stamps.publish();
    this.flags.patch(data => {
      if (data.stamp === before) data.stamp = mine;
      return apply(data);
    });
  }

  private path(ref: FlagRef) {
    return `/api/admin/projects/${encodeURIComponent(
      ref.project,
    )}/features/${encodeURIComponent(ref.flag)}`;
  }

  /** The flag's current state and tags, from Unleash (never from the copy). */
  private async current(ref: FlagRef) {
    const [feature, { tags }] = await Promise.all([
      this.client.call<UnleashFeature>('GET', this.path(ref)),
      this.client.call<{ tags: FlagTag[] }>(
        'GET',
        `/api/admin/features/${encodeURIComponent(ref.flag)}/tags`,
      ),
    ]);
    return { environments: feature.environments, tags };
  }

  private static environment<T extends { name: string }>(
    envs: T[],
    ref: FlagEnvRef,
  ): T {
    const env = envs.find(e => e.name === ref.environment);
    if (!env) {
      throw new NotFoundError(
        `Environment ${ref.environment} not found for ${
          ref.flag
        }; its environments are ${envs.map(e => e.name).join(', ')}`,
      );
    }
    return env;
  }

  /** Runs a create that Unleash refuses (409, or 400 on older versions) when it exists. */
  private async ignoringExisting(create: () => Promise<unknown>) {
    try {
      await create();
    } catch (error) {
      if (!(error instanceof ConflictError) && !(error instanceof InputError)) {
        throw error;
      }
    }
  }

  private ensureTagType(name: string, description: string) {
    return this.ignoringExisting(() =>
      this.client.call('POST', '/api/admin/tag-types', {
        body: { name, description },
      }),
    );
  }

  private async ensureChangedByType() {
    if (this.tagTypeReady) return;
    await this.ensureTagType(
      CHANGED_BY_TAG_TYPE,
      'The Stack Portal user who made the last change (the portal changes flags with one admin token)',
    );
    this.tagTypeReady = true;
  }

  /**
   * Makes the flag's `changed-by` tag name exactly this person, before the
   * change itself: Unleash copies a flag's tags into each event it records,
   * so the change's event carries the person (its `createdBy` is the portal's
   * token). `tags` are the flag's tags as Unleash has them now.
   */
  private async attribute(ref: FlagRef, actor: Actor, tags: FlagTag[]) {
    const value = changedByValue(actor.userEntityRef);
    const changedBy = tags.filter(t => t.type === CHANGED_BY_TAG_TYPE);
    if (changedBy.length === 1 && changedBy[0].value === value) return;
    await this.ensureChangedByType();
    await this.client.call(
      'PUT',
      `/api/admin/features/${encodeURIComponent(ref.flag)}/tags`,
      {
        body: {
          addedTags: changedBy.some(t => t.value === value)
            ? []
            : [{ type: CHANGED_BY_TAG_TYPE, value }],
          removedTags: changedBy.filter(t => t.value !== value),
        },
      },
    );
  }

  private static tagged(data: FlagsData, ref: FlagRef, actor: Actor) {
    const flag = findFlag(data, ref.project, ref.flag);
    if (flag) {
      flag.tags = [
        ...flag.tags.filter(t => t.type !== CHANGED_BY_TAG_TYPE),
        {
          type: CHANGED_BY_TAG_TYPE,
          value: changedByValue(actor.userEntityRef),
        },
      ];
    }
    return flag;
  }

  /**
   * Whether this is a change is judged against Unleash's current state, not
   * the copy (which may be behind another replica or Unleash's own UI): a
   * flag already in the state asked for is `unchanged` and nothing is sent.
   * Otherwise the `changed-by` tag, then the toggle. Two toggles racing
   * through two replicas may both answer `applied`; Unleash records one event.
   */
  async setEnabled(
    ref: FlagEnvRef,
    enabled: boolean,
    actor: Actor,
  ): Promise<boolean> {
    const before = await this.stamps.current();
    const now = await this.current(ref);
    const changed =
      UnleashFlagProvider.environment(now.environments, ref).enabled !==
      enabled;
    if (changed) {
      await this.attribute(ref, actor, now.tags);
      await this.client.call(
        'POST',
        `${this.path(ref)}/environments/${encodeURIComponent(
          ref.environment,
        )}/${enabled ? 'on' : 'off'}`,
      );
    }
    // unchanged or not, Unleash's answer is the truth the copy takes
    const apply = (data: FlagsData) => {
      const target = findEnvironment(data, ref);
      if (target) target.enabled = enabled;
      if (changed) UnleashFlagProvider.tagged(data, ref, actor);
      return Boolean(target);
    };
    if (changed) await this.landed(before, apply);
    else this.flags.patch(apply);
    return changed;
  }

  async createFlag(input: CreateFlagInput, actor: Actor): Promise<void> {
    const changedBy = {
      type: CHANGED_BY_TAG_TYPE,
      value: changedByValue(actor.userEntityRef),
    };
    for (const tag of input.tags) {
      await this.ensureTagType(tag.type, 'Created by Stack Portal');
    }
    await this.ensureChangedByType();
    // a flag is created only with tags that exist
    for (const tag of [...input.tags, changedBy]) {
      await this.ignoringExisting(() =>
        this.client.call('POST', '/api/admin/tags', { body: tag }),
      );
    }
    const before = await this.stamps.current();
    try {
      // the tags go with the flag: its `feature-created` event carries them
      await this.client.call(
        'POST',
        `/api/admin/projects/${encodeURIComponent(input.project)}/features`,
        {
          body: {
            name: input.name,
            description: input.description,
            type: input.type,
            impressionData: false,
            tags: [...input.tags, changedBy],
          },
        },
      );
    } catch (error) {
      if (
        error instanceof InputError &&
        /already exists|must be unique/i.test(error.message)
      ) {
        throw new ConflictError(`Flag ${input.name} already exists in Unleash`);
      }
      throw error;
    }
    // the copy cannot hold a flag it never read: read again
    await this.landed(before, () => false);
  }

  async archiveFlag(ref: FlagRef, actor: Actor): Promise<void> {
    const before = await this.stamps.current();
    const { tags } = await this.client.call<{ tags: FlagTag[] }>(
      'GET',
      `/api/admin/features/${encodeURIComponent(ref.flag)}/tags`,
    );
    await this.attribute(ref, actor, tags);
    await this.client.call('DELETE', this.path(ref));
    await this.landed(before, () => false);
  }

  async saveStrategy(
    ref: FlagEnvRef,
    strategyId: string | undefined,
    input: StrategyInput,
    actor: Actor,
  ): Promise<Strategy> {
    const before = await this.stamps.current();
    const now = await this.current(ref);
    const env = UnleashFlagProvider.environment(now.environments, ref);
    const existing =
      strategyId === undefined
        ? undefined
        : env.strategies.find(s => s.id === strategyId);
    if (strategyId !== undefined && !existing) {
      throw new NotFoundError(
        `Strategy ${strategyId} not found on ${ref.flag} in ${ref.environment}`,
      );
    }
    await this.attribute(ref, actor, now.tags);
    const base = `${this.path(ref)}/environments/${encodeURIComponent(
      ref.environment,
    )}/strategies`;
    const saved = existing
      ? await this.client.call<UnleashStrategy>(
          'PUT',
          `${base}/${encodeURIComponent(existing.id)}`,
          {
            body: {
              name: existing.name,
              title: input.title ?? existing.title ?? undefined,
              disabled: input.disabled ?? Boolean(existing.disabled),
              parameters: input.parameters,
              constraints: input.constraints,
              variants: existing.variants ?? [],
            },
          },
        )
      : await this.client.call<UnleashStrategy>('POST', base, {
          body: {
            name: input.name ?? 'flexibleRollout',
            title: input.title,
            disabled: input.disabled ?? false,
            parameters: input.parameters,
            constraints: input.constraints,
          },
        });
    const strategy = toStrategy(saved);
    // the next preview sees the new targeting at once
    await this.landed(before, data => {
      const target = findEnvironment(data, ref);
      if (!target) return false;
      const at = target.strategies.findIndex(x => x.id === strategy.id);
      if (at >= 0) target.strategies[at] = strategy;
      else target.strategies.push(strategy);
      UnleashFlagProvider.tagged(data, ref, actor);
      return true;
    });
    return strategy;
  }

  /**
   * Replaces the flag's variants in one environment (Unleash's environment
   * variants endpoint), the `changed-by` tag set first like every change.
   */
  async setVariants(
    ref: FlagEnvRef,
    variants: Variant[],
    actor: Actor,
  ): Promise<Variant[]> {
    const before = await this.stamps.current();
    const now = await this.current(ref);
    UnleashFlagProvider.environment(now.environments, ref);
    await this.attribute(ref, actor, now.tags);
    let saved: { variants?: Variant[] } | undefined;
    try {
      saved = await this.client.call<{ variants?: Variant[] }>(
        'PUT',
        `${this.path(ref)}/environments/${encodeURIComponent(
          ref.environment,
        )}/variants`,
        { body: variants },
      );
    } catch (error) {
      // Unleash 5+ keeps variants on strategies; environment variants only where a flag already had them
      if (/deprecated/i.test((error as Error).message)) {
        throw new InputError(
          `Unleash keeps the variants of ${
            ref.flag
          } on its strategies, not on the environment: ${
            (error as Error).message
          }`,
        );
      }
      throw error;
    }
    const stored = saved?.variants ?? variants;
    await this.landed(before, data => {
      const target = findEnvironment(data, ref);
      if (target) target.variants = stored;
      UnleashFlagProvider.tagged(data, ref, actor);
      return Boolean(target);
    });
    return stored;
  }
}
