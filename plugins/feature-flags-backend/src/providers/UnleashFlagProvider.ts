import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type {
  Constraint,
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
  ProviderFlag,
  StrategyInput,
} from './FlagProvider';

/** The Unleash tag type under which the portal writes who made the last change. */
export const CHANGED_BY_TAG_TYPE = 'changed-by';

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
   * The bulk export of all flags (one call per project and environment) gives
   * up after this long (default 10000 ms); reads meanwhile answer from the last
   * snapshot, so this bounds staleness, not latency.
   */
  snapshotTimeoutMs?: number;
}

interface UnleashStrategy {
  id: string;
  name: string;
  title?: string | null;
  disabled?: boolean | null;
  parameters?: Record<string, string>;
  constraints?: Array<Partial<Constraint> & { contextName: string; operator: string }>;
  variants?: Variant[];
}

interface ExportResult {
  features: Array<{ name: string; description?: string; type: string; project: string; stale: boolean; createdAt?: string }>;
  featureStrategies: Array<UnleashStrategy & { featureName: string }>;
  featureEnvironments: Array<{ featureName: string; environment: string; enabled: boolean; variants?: Variant[] }>;
  featureTags: Array<{ featureName: string; tagType: string; tagValue: string }>;
}

type SnapshotData = Omit<FlagSnapshot, 'degraded' | 'ageMs' | 'reason'>;

/** Unleash did not answer, or answered with a server error: the caller sees a 503. */
class UnleashUnavailable extends ServiceUnavailableError {}

function toStrategy(s: UnleashStrategy): Strategy {
  return {
    id: s.id,
    name: s.name,
    title: s.title ?? undefined,
    disabled: Boolean(s.disabled),
    parameters: s.parameters ?? {},
    constraints: (s.constraints ?? []).map(c => ({
      contextName: c.contextName,
      operator: c.operator as Constraint['operator'],
      values: c.values ?? [],
      value: c.value,
      inverted: Boolean(c.inverted),
      caseInsensitive: Boolean(c.caseInsensitive),
    })),
    variants: s.variants ?? [],
  };
}

/**
 * A real Unleash server through its Admin API. Reads keep the last good
 * snapshot: when Unleash is slow or down they answer from it with
 * `degraded: true` and its age; writes are refused with a 503. The next
 * read after Unleash is back refreshes it; nothing needs a restart.
 */
export class UnleashFlagProvider implements FlagProvider {
  readonly kind = 'unleash' as const;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly cacheTtlMs: number;
  private readonly staleWaitMs: number;
  private readonly snapshotTimeoutMs: number;
  private last?: { snapshot: SnapshotData; fetchedAt: number };
  private lastError?: string;
  private inFlight?: Promise<void>;
  private tagTypeReady = false;
  /**
   * Our own toggles and strategy saves, numbered: a snapshot read while one
   * landed may miss it, so each is applied again to the snapshot read across
   * it (applying it twice does no harm).
   */
  private writes = 0;
  private ownWrites: Array<{ n: number; apply(snapshot: SnapshotData): boolean }> = [];
  /** Counts changes the snapshot cannot replay (create, archive): a snapshot read across one is not fresh. */
  private invalidations = 0;

  private constructor(private readonly options: UnleashFlagProviderOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.cacheTtlMs = options.cacheTtlMs ?? 15_000;
    this.snapshotTimeoutMs = options.snapshotTimeoutMs ?? 10_000;
    this.staleWaitMs = Math.min(150, this.timeoutMs);
  }

  static create(options: UnleashFlagProviderOptions) {
    return new UnleashFlagProvider(options);
  }

  /** One Admin API call, with a time-out; Unleash's own error message becomes ours. */
  private async call<T>(method: string, path: string, body?: unknown, timeoutMs = this.timeoutMs): Promise<T> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          Authorization: this.options.adminToken,
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const e = error as Error & { cause?: { message?: string; code?: string } };
      const reason =
        e.name === 'TimeoutError' || e.name === 'AbortError'
          ? `did not answer within ${timeoutMs} ms`
          : `cannot be reached (${e.cause?.code ?? e.cause?.message ?? e.message})`;
      throw new UnleashUnavailable(`Unleash at ${this.baseUrl} ${reason}`);
    }
    const json = text ? (() => { try { return JSON.parse(text); } catch { return undefined; } })() : undefined;
    if (response.ok) return json as T;
    const message = [json?.message, ...(json?.details ?? []).map((d: { message: string }) => d.message)]
      .filter((m, i, all) => m && all.indexOf(m) === i)
      .join('; ') || response.statusText;
    if (response.status === 404) throw new NotFoundError(`Unleash: ${message}`);
    if (response.status === 400) throw new InputError(`Unleash rejected the change: ${message}`);
    if (response.status === 409) throw new ConflictError(`Unleash: ${message}`);
    if (response.status >= 500) throw new UnleashUnavailable(`Unleash at ${this.baseUrl} failed: ${response.status} ${message}`);
    throw new Error(`Unleash answered ${response.status} to ${method} ${path}: ${message}`);
  }

  private async fetchSnapshot(): Promise<void> {
    const writesBefore = this.writes;
    const invalidationsBefore = this.invalidations;
    const [{ projects }, { environments }] = await Promise.all([
      this.call<{ projects: Array<{ id: string; name: string; archivedAt?: string | null }> }>('GET', '/api/admin/projects'),
      this.call<{ environments: Array<{ name: string; type: string; enabled: boolean }> }>('GET', '/api/admin/environments'),
    ]);
    const envs: ProviderEnvironment[] = environments.filter(e => e.enabled).map(e => ({ name: e.name, type: e.type }));
    const liveProjects = projects.filter(p => !p.archivedAt);
    const flags = new Map<string, ProviderFlag>();
    // the flags Unleash's search marks potentially stale or completed (few:
    // read alongside the exports, a page of 100 at a time)
    const marked = Promise.all([
      this.searchNames('state=IS:potentially-stale'),
      this.searchNames('lifecycle=IS:completed'),
    ]);
    marked.catch(() => undefined);
    const exports = await Promise.all(
      liveProjects.flatMap(project =>
        envs.map(async env => ({
          env: env.name,
          data: await this.call<ExportResult>(
            'POST',
            '/api/admin/features-batch/export',
            { environment: env.name, project: project.id },
            this.snapshotTimeoutMs,
          ),
        })),
      ),
    );
    // (a refresh runs on the event loop every few seconds: nothing in it may
    // grow with flags times tags)
    for (const { data } of exports) {
      const tagsByFlag = new Map<string, FlagTag[]>();
      for (const t of data.featureTags) {
        const list = tagsByFlag.get(t.featureName) ?? [];
        list.push({ type: t.tagType, value: t.tagValue });
        tagsByFlag.set(t.featureName, list);
      }
      for (const feature of data.features) {
        if (!flags.has(feature.name)) {
          flags.set(feature.name, {
            name: feature.name,
            project: feature.project,
            description: feature.description ?? '',
            type: feature.type,
            stale: feature.stale,
            createdAt: feature.createdAt,
            tags: tagsByFlag.get(feature.name) ?? [],
            environments: envs.map(e => ({ name: e.name, enabled: false, strategies: [], variants: [] })),
          });
        }
      }
    }
    for (const { env, data } of exports) {
      const strategiesByFlag = new Map<string, Strategy[]>();
      for (const s of data.featureStrategies) {
        const list = strategiesByFlag.get(s.featureName) ?? [];
        list.push(toStrategy(s));
        strategiesByFlag.set(s.featureName, list);
      }
      for (const fe of data.featureEnvironments) {
        const flag = flags.get(fe.featureName);
        const target = flag?.environments.find(e => e.name === env);
        if (!target) continue;
        target.enabled = fe.enabled;
        target.variants = fe.variants ?? [];
        target.strategies = strategiesByFlag.get(fe.featureName) ?? [];
      }
    }
    const [potentiallyStale, completed] = await marked;
    for (const flag of flags.values()) {
      if (potentiallyStale?.has(flag.name)) flag.potentiallyStale = true;
      if (completed?.has(flag.name)) flag.lifecycle = 'completed';
    }
    const snapshot: SnapshotData = {
      provider: 'unleash',
      projects: liveProjects.map(p => ({ id: p.id, name: p.name })),
      environments: envs,
      flags: [...flags.values()].sort((a, b) => a.project.localeCompare(b.project) || a.name.localeCompare(b.name)),
    };
    // a toggle or strategy of ours that landed while reading may be missing: applied again
    let replayed = true;
    for (const write of this.ownWrites) {
      if (write.n > writesBefore) replayed = write.apply(snapshot) && replayed;
    }
    // every write recorded so far landed before any later read starts
    this.ownWrites = [];
    this.last = {
      snapshot,
      // a flag created or archived meanwhile may be missing: read again next time
      fetchedAt: replayed && invalidationsBefore === this.invalidations ? Date.now() : 0,
    };
    this.lastError = undefined;
  }

  /**
   * The names of the flags Unleash's feature search finds for a filter, all
   * pages. Undefined when the search is not there (an Unleash older than
   * 5.9): the flags then carry only their own stale mark.
   */
  private async searchNames(filter: string): Promise<Set<string> | undefined> {
    const names = new Set<string>();
    try {
      for (let offset = 0; ; offset += 100) {
        const page = await this.call<{ features: Array<{ name: string }>; total: number }>(
          'GET',
          `/api/admin/search/features?${filter}&limit=100&offset=${offset}&archived=IS:false`,
          undefined,
          this.snapshotTimeoutMs,
        );
        page.features.forEach(f => names.add(f.name));
        if (page.features.length < 100 || offset + 100 >= page.total) return names;
      }
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  /** Refreshes once even when many reads ask at the same moment. */
  private refresh(): Promise<void> {
    this.inFlight ??= this.fetchSnapshot()
      .catch(error => {
        this.lastError = (error as Error).message;
        this.options.logger.warn(`Feature flags degraded: ${this.lastError}`);
        throw error;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  async snapshot(options?: { fresh?: boolean; stale?: boolean; refresh?: boolean }): Promise<FlagSnapshot> {
    const age = this.last ? Date.now() - this.last.fetchedAt : Infinity;
    if (this.last && this.last.fetchedAt === 0 && !this.lastError) {
      // The copy may miss a flag we created or archived: no read answers
      // from it. A refresh already in flight may have started before that
      // change: then read once more.
      for (let attempt = 0; attempt < 3 && this.last.fetchedAt === 0; attempt++) {
        try {
          await this.refresh();
        } catch {
          break; // degraded: answer from the copy, marked so
        }
      }
    } else if (options?.stale && this.last && !options.fresh) {
      // a toggle does not start a 5,000-flag export that would compete with its own calls
      if ((age > this.cacheTtlMs || this.lastError) && options.refresh !== false) this.refresh().catch(() => undefined);
    } else if (options?.fresh || !this.last) {
      try {
        await this.refresh();
      } catch (error) {
        if (!this.last) {
          throw new ServiceUnavailableError(
            `${(error as Error).message}, and the portal has no earlier copy of the flags to show`,
          );
        }
      }
    } else if (age > this.cacheTtlMs || this.lastError) {
      // Refresh, but answer within staleWaitMs: an Unleash that refuses
      // connections fails at once (degraded now); a slow one answers from the
      // copy we have and is marked degraded when its time-out expires.
      const refreshed = this.refresh().catch(() => undefined);
      await Promise.race([refreshed, new Promise(r => setTimeout(r, this.staleWaitMs))]);
    }
    const last = this.last!;
    return {
      ...last.snapshot,
      degraded: Boolean(this.lastError),
      ageMs: Date.now() - last.fetchedAt,
      reason: this.lastError,
    };
  }

  /** Forgets the snapshot's freshness so the next read sees our own change. */
  private invalidate() {
    this.invalidations++;
    if (this.last) this.last.fetchedAt = 0;
  }

  /**
   * Applies a write of ours that Unleash has confirmed to the snapshot now,
   * and again to a snapshot that was being read meanwhile. `apply` answers
   * false when the snapshot does not hold the flag.
   */
  private ownWrite(apply: (snapshot: SnapshotData) => boolean) {
    this.writes++;
    this.ownWrites.push({ n: this.writes, apply });
    if (this.last && !apply(this.last.snapshot)) this.invalidate();
  }

  private path(ref: FlagRef) {
    return `/api/admin/projects/${encodeURIComponent(ref.project)}/features/${encodeURIComponent(ref.flag)}`;
  }

  /**
   * Writes who made the change as the flag's `changed-by` tag, visible in
   * Unleash's UI and event log. The flag's tags come from the snapshot when
   * it holds the flag (our own tag writes are applied to it), else from
   * Unleash; when the tag already names this person nothing is sent.
   */
  private async tagChangedBy(ref: FlagRef, actor: Actor) {
    const who = actor.userEntityRef.replace(/^user:[^/]+\//, '').slice(0, 50);
    // Unleash wants a tag value of at least two characters
    const value = who.length >= 2 ? who : `${who}__`;
    const cached = this.last?.snapshot.flags.find(f => f.project === ref.project && f.name === ref.flag)?.tags;
    const tags = cached ?? (await this.readTags(ref.flag)).tags;
    const changedBy = tags.filter(t => t.type === CHANGED_BY_TAG_TYPE);
    if (changedBy.length === 1 && changedBy[0].value === value) return;
    if (!this.tagTypeReady) {
      try {
        await this.call('POST', '/api/admin/tag-types', {
          name: CHANGED_BY_TAG_TYPE,
          description: 'The Stack Portal user who made the last change (the portal toggles with one admin token)',
        });
      } catch (error) {
        if (!(error instanceof ConflictError) && !(error instanceof InputError)) throw error;
      }
      this.tagTypeReady = true;
    }
    await this.call('PUT', `/api/admin/features/${encodeURIComponent(ref.flag)}/tags`, {
      addedTags: [{ type: CHANGED_BY_TAG_TYPE, value }],
      removedTags: changedBy.filter(t => t.value !== value),
    });
    this.ownWrite(snapshot => {
      const flag = snapshot.flags.find(f => f.project === ref.project && f.name === ref.flag);
      if (flag) flag.tags = [...flag.tags.filter(t => t.type !== CHANGED_BY_TAG_TYPE), { type: CHANGED_BY_TAG_TYPE, value }];
      // a flag the snapshot does not hold gets its tags with it when it is read
      return true;
    });
  }

  private readTags(flag: string) {
    return this.call<{ tags: FlagTag[] }>('GET', `/api/admin/features/${encodeURIComponent(flag)}/tags`);
  }

  private async currentEnvironments(ref: FlagRef) {
    const feature = await this.call<{ environments: Array<{ name: string; enabled: boolean; strategies: UnleashStrategy[] }> }>(
      'GET',
      this.path(ref),
    );
    return feature.environments;
  }

  private findEnvironment<T extends { name: string }>(envs: T[], ref: FlagEnvRef): T {
    const env = envs.find(e => e.name === ref.environment);
    if (!env) {
      throw new NotFoundError(
        `Environment ${ref.environment} not found for ${ref.flag}; its environments are ${envs.map(e => e.name).join(', ')}`,
      );
    }
    return env;
  }

  /** One flag's environment in a snapshot, to update in place after our own write. */
  private static environmentIn(snapshot: SnapshotData, ref: FlagEnvRef) {
    const flag = snapshot.flags.find(f => f.project === ref.project && f.name === ref.flag);
    return flag?.environments.find(e => e.name === ref.environment);
  }

  /**
   * One round trip to Unleash: the toggle, and alongside it (unless it
   * already names this person) the `changed-by` tag. Whether it is a change
   * is judged against the portal's copy of the flag, which is what the
   * person saw; the toggle is sent either way (Unleash's on and off are
   * idempotent), so the flag ends in the state asked for even when the copy
   * was behind a change made in Unleash directly. A flag the copy does not
   * hold is read from Unleash first. Should the toggle fail after the tag was
   * written, the tag names someone whose change did not happen; the portal's
   * audit event says it failed.
   */
  async setEnabled(ref: FlagEnvRef, enabled: boolean, actor: Actor): Promise<boolean> {
    const known = this.last ? UnleashFlagProvider.environmentIn(this.last.snapshot, ref) : undefined;
    const before = known ? known.enabled : this.findEnvironment(await this.currentEnvironments(ref), ref).enabled;
    const changed = before !== enabled;
    const tagged = changed ? this.tagChangedBy(ref, actor) : Promise.resolve();
    tagged.catch(() => undefined);
    await this.call('POST', `${this.path(ref)}/environments/${encodeURIComponent(ref.environment)}/${enabled ? 'on' : 'off'}`);
    this.ownWrite(snapshot => {
      const target = UnleashFlagProvider.environmentIn(snapshot, ref);
      if (target) target.enabled = enabled;
      return Boolean(target);
    });
    await tagged;
    return changed;
  }

  async createFlag(input: CreateFlagInput, actor: Actor): Promise<void> {
    try {
      await this.call('POST', `/api/admin/projects/${encodeURIComponent(input.project)}/features`, {
        name: input.name,
        description: input.description,
        type: input.type,
        impressionData: false,
      });
    } catch (error) {
      if (error instanceof InputError && /already exists|must be unique/i.test(error.message)) {
        throw new ConflictError(`Flag ${input.name} already exists in Unleash`);
      }
      throw error;
    }
    for (const tag of input.tags) {
      try {
        await this.call('POST', '/api/admin/tag-types', { name: tag.type, description: 'Created by Stack Portal' });
      } catch (error) {
        if (!(error instanceof ConflictError) && !(error instanceof InputError)) throw error;
      }
    }
    if (input.tags.length) {
      await this.call('PUT', `/api/admin/features/${encodeURIComponent(input.name)}/tags`, {
        addedTags: input.tags,
        removedTags: [],
      });
    }
    await this.tagChangedBy({ project: input.project, flag: input.name }, actor);
    this.invalidate();
  }

  async archiveFlag(ref: FlagRef, actor: Actor): Promise<void> {
    await this.tagChangedBy(ref, actor);
    await this.call('DELETE', this.path(ref));
    this.invalidate();
  }

  async saveStrategy(
    ref: FlagEnvRef,
    strategyId: string | undefined,
    input: StrategyInput,
    actor: Actor,
  ): Promise<Strategy> {
    const env = this.findEnvironment(await this.currentEnvironments(ref), ref);
    const base = `${this.path(ref)}/environments/${encodeURIComponent(ref.environment)}/strategies`;
    let saved: UnleashStrategy;
    if (strategyId === undefined) {
      saved = await this.call<UnleashStrategy>('POST', base, {
        name: input.name ?? 'flexibleRollout',
        title: input.title,
        disabled: input.disabled ?? false,
        parameters: input.parameters,
        constraints: input.constraints,
      });
    } else {
      const existing = env.strategies.find(s => s.id === strategyId);
      if (!existing) throw new NotFoundError(`Strategy ${strategyId} not found on ${ref.flag} in ${ref.environment}`);
      saved = await this.call<UnleashStrategy>('PUT', `${base}/${encodeURIComponent(strategyId)}`, {
        name: existing.name,
        title: input.title ?? existing.title ?? undefined,
        disabled: input.disabled ?? Boolean(existing.disabled),
        parameters: input.parameters,
        constraints: input.constraints,
        variants: existing.variants ?? [],
      });
    }
    const strategy = toStrategy(saved);
    // the next preview sees the new targeting at once
    this.ownWrite(snapshot => {
      const target = UnleashFlagProvider.environmentIn(snapshot, ref);
      if (!target) return false;
      const at = target.strategies.findIndex(x => x.id === strategy.id);
      if (at >= 0) target.strategies[at] = strategy;
      else target.strategies.push(strategy);
      return true;
    });
    await this.tagChangedBy(ref, actor);
    return strategy;
  }
}
