import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  ChangeDiffEntry,
  ChangeKind,
  ChangeRequest,
  ChangeRequestStatus,
  FlagChange,
  FlagEnvironment,
  FlagTag,
  ProposedChange,
  Strategy,
  Variant,
} from '@internal/backstage-plugin-feature-flags-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { ProviderFlag } from '../providers/FlagProvider';

const migrationsDir = resolvePackagePath(
  '@internal/backstage-plugin-feature-flags-backend',
  'migrations',
);

interface FlagRow {
  project: string;
  name: string;
  description: string;
  type: string;
  stale: boolean | number;
  impression_data: boolean | number;
  tags: string;
  created_at: string;
  created_by: string | null;
  archived_at: string | null;
}

interface EnvRow {
  project: string;
  flag: string;
  environment: string;
  enabled: boolean | number;
  strategies: string;
  variants: string;
}

interface ChangeRequestRow {
  id: string;
  provider: string;
  project: string;
  flag: string;
  environment: string;
  enabled: boolean | number;
  reason: string;
  status: string;
  requested_by: string;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_comment: string | null;
  error: string | null;
  pending_key: string | null;
  kind: string;
  change: string | null;
  diff: string | null;
  summary: string | null;
  fingerprint: string | null;
}

/** A change request with the fingerprint of the state it was asked against (undefined for requests from before fingerprints). */
export interface StoredChangeRequest extends ChangeRequest {
  fingerprint?: string;
}

export interface NewChangeRequest {
  project: string;
  flag: string;
  environment: string;
  change: ProposedChange;
  diff: ChangeDiffEntry[];
  summary: string;
  fingerprint: string;
  reason: string;
  requestedBy: string;
}

const now = () => new Date().toISOString();

function toChangeRequest(row: ChangeRequestRow): StoredChangeRequest {
  const enabled = Boolean(row.enabled);
  const onOff = enabled ? 'on' : 'off';
  // requests from before kinds were stored are toggles
  const change = row.change
    ? (JSON.parse(row.change) as ProposedChange)
    : { kind: 'toggle' as const, enabled };
  return {
    id: row.id,
    project: row.project,
    flag: row.flag,
    environment: row.environment,
    kind: (row.kind as ChangeKind) ?? 'toggle',
    change,
    diff: row.diff
      ? (JSON.parse(row.diff) as ChangeDiffEntry[])
      : [{ field: 'enabled', before: enabled ? 'off' : 'on', after: onOff }],
    summary: row.summary ?? `${row.flag} ${onOff} in ${row.environment}`,
    ...(change.kind === 'toggle' ? { enabled: change.enabled } : {}),
    reason: row.reason,
    status: row.status as ChangeRequestStatus,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    decidedBy: row.decided_by ?? undefined,
    decidedAt: row.decided_at ?? undefined,
    decisionComment: row.decision_comment ?? undefined,
    error: row.error ?? undefined,
    fingerprint: row.fingerprint ?? undefined,
  };
}

/** The public shape: the fingerprint stays on the server. */
export function withoutFingerprint(cr: StoredChangeRequest): ChangeRequest {
  const { fingerprint: _f, ...rest } = cr;
  return rest;
}

/**
 * The feature-flags tables: the local provider's flags, the portal's record of
 * changes (who changed what, for both providers), and change requests.
 */
export class DatabaseFeatureFlagStore {
  private constructor(private readonly db: Knex) {}

  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseFeatureFlagStore> {
    const db = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await db.migrate.latest({
        directory: migrationsDir,
        tableName: 'feature_flags_migrations',
      });
    }
    return new DatabaseFeatureFlagStore(db);
  }

  // ---- flags of the local provider ----

  async listFlags(environments: string[]): Promise<ProviderFlag[]> {
    const [flags, envs] = await Promise.all([
      this.db<FlagRow>('feature_flags')
        .whereNull('archived_at')
        .orderBy(['project', 'name']),
      this.db<EnvRow>('feature_flag_environments').select(),
    ]);
    const byFlag = new Map<string, EnvRow[]>();
    for (const env of envs) {
      const key = `${env.project}\u0000${env.flag}`;
      const list = byFlag.get(key) ?? [];
      list.push(env);
      byFlag.set(key, list);
    }
    return flags.map(row =>
      this.toFlag(
        row,
        byFlag.get(`${row.project}\u0000${row.name}`) ?? [],
        environments,
      ),
    );
  }

  private toFlag(
    row: FlagRow,
    envRows: EnvRow[],
    environments: string[],
  ): ProviderFlag {
    const envs: FlagEnvironment[] = environments.map(name => {
      const env = envRows.find(e => e.environment === name);
      return {
        name,
        enabled: env ? Boolean(env.enabled) : false,
        strategies: env ? (JSON.parse(env.strategies) as Strategy[]) : [],
        variants: env ? (JSON.parse(env.variants) as Variant[]) : [],
      };
    });
    return {
      name: row.name,
      project: row.project,
      description: row.description,
      type: row.type,
      stale: Boolean(row.stale),
      createdAt: row.created_at,
      tags: JSON.parse(row.tags) as FlagTag[],
      environments: envs,
    };
  }

  async flagExists(project: string, name: string): Promise<boolean> {
    const row = await this.db<FlagRow>('feature_flags')
      .where({ project, name })
      .whereNull('archived_at')
      .first();
    return Boolean(row);
  }

  /**
   * Inserts a flag with its environments. `ifMissing` leaves an existing flag
   * (archived ones included) untouched, as seeding must; otherwise a name
   * already taken is a 409.
   */
  async insertFlag(
    flag: Omit<ProviderFlag, 'createdAt' | 'stale'> & { stale?: boolean },
    options: { createdBy?: string; ifMissing?: boolean },
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      const existing = await tx<FlagRow>('feature_flags')
        .where({ project: flag.project, name: flag.name })
        .first();
      if (existing) {
        if (options.ifMissing) return false;
        throw new ConflictError(
          existing.archived_at
            ? `Flag ${flag.name} exists in project ${flag.project} (archived); choose another name`
            : `Flag ${flag.name} already exists in project ${flag.project}`,
        );
      }
      await tx('feature_flags').insert({
        project: flag.project,
        name: flag.name,
        description: flag.description,
        type: flag.type,
        stale: flag.stale ?? false,
        impression_data: false,
        tags: JSON.stringify(flag.tags),
        created_at: now(),
        created_by: options.createdBy ?? null,
      });
      if (flag.environments.length) {
        await tx('feature_flag_environments').insert(
          flag.environments.map(env => ({
            project: flag.project,
            flag: flag.name,
            environment: env.name,
            enabled: env.enabled,
            strategies: JSON.stringify(env.strategies),
            variants: JSON.stringify(env.variants),
          })),
        );
      }
      return true;
    });
  }

  async archiveFlag(project: string, name: string): Promise<void> {
    const count = await this.db('feature_flags')
      .where({ project, name })
      .whereNull('archived_at')
      .update({ archived_at: now() });
    if (!count)
      throw new NotFoundError(`Flag ${name} not found in project ${project}`);
  }

  /** Sets the state; false when it already was (a double click changes nothing twice). */
  async setEnabled(
    project: string,
    flag: string,
    environment: string,
    enabled: boolean,
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      const row = await tx<EnvRow>('feature_flag_environments')
        .where({ project, flag, environment })
        .first();
      if (!row) {
        await tx('feature_flag_environments').insert({
          project,
          flag,
          environment,
          enabled,
          strategies: JSON.stringify([]),
          variants: JSON.stringify([]),
        });
        return enabled;
      }
      if (Boolean(row.enabled) === enabled) return false;
      await tx('feature_flag_environments')
        .where({ project, flag, environment })
        .update({ enabled });
      return true;
    });
  }

  async getStrategies(
    project: string,
    flag: string,
    environment: string,
  ): Promise<Strategy[]> {
    const row = await this.db<EnvRow>('feature_flag_environments')
      .where({ project, flag, environment })
      .first();
    return row ? (JSON.parse(row.strategies) as Strategy[]) : [];
  }

  async setStrategies(
    project: string,
    flag: string,
    environment: string,
    strategies: Strategy[],
  ): Promise<void> {
    const count = await this.db('feature_flag_environments')
      .where({ project, flag, environment })
      .update({ strategies: JSON.stringify(strategies) });
    if (!count) {
      await this.db('feature_flag_environments').insert({
        project,
        flag,
        environment,
        enabled: false,
        strategies: JSON.stringify(strategies),
        variants: JSON.stringify([]),
      });
    }
  }

  async setVariants(
    project: string,
    flag: string,
    environment: string,
    variants: Variant[],
  ): Promise<void> {
    const count = await this.db('feature_flag_environments')
      .where({ project, flag, environment })
      .update({ variants: JSON.stringify(variants) });
    if (!count) {
      await this.db('feature_flag_environments').insert({
        project,
        flag,
        environment,
        enabled: false,
        strategies: JSON.stringify([]),
        variants: JSON.stringify(variants),
      });
    }
  }

  // ---- who changed what, through the portal ----

  async recordChange(
    provider: string,
    change: Omit<FlagChange, 'at'> & { at?: string },
  ): Promise<void> {
    await this.db('feature_flag_changes').insert({
      provider,
      project: change.project,
      flag: change.flag,
      environment: change.environment ?? null,
      action: change.action,
      actor: change.actor,
      at: change.at ?? now(),
      summary: change.summary,
    });
  }

  /** The latest change of every flag, keyed `project/flag`. */
  async lastChanges(provider: string): Promise<Map<string, FlagChange>> {
    const latest = this.db('feature_flag_changes')
      .where({ provider })
      .groupBy(['project', 'flag'])
      .select('project', 'flag')
      .max({ id: 'id' });
    const rows = await this.db('feature_flag_changes as c')
      .join(latest.as('l'), 'c.id', 'l.id')
      .select('c.*');
    const map = new Map<string, FlagChange>();
    for (const row of rows) {
      map.set(`${row.project}/${row.flag}`, {
        project: row.project,
        flag: row.flag,
        environment: row.environment ?? undefined,
        action: row.action,
        actor: row.actor,
        at: row.at,
        summary: row.summary,
      });
    }
    return map;
  }

  // ---- change requests ----

  async createChangeRequest(
    provider: string,
    input: NewChangeRequest,
  ): Promise<StoredChangeRequest> {
    const pendingKey = `${provider}/${input.project}/${input.flag}/${input.environment}`;
    const row: ChangeRequestRow = {
      id: randomUUID(),
      provider,
      project: input.project,
      flag: input.flag,
      environment: input.environment,
      enabled: input.change.kind === 'toggle' ? input.change.enabled : false,
      reason: input.reason,
      status: 'pending',
      requested_by: input.requestedBy,
      requested_at: now(),
      decided_by: null,
      decided_at: null,
      decision_comment: null,
      error: null,
      pending_key: pendingKey,
      kind: input.change.kind,
      change: JSON.stringify(input.change),
      diff: JSON.stringify(input.diff),
      summary: input.summary,
      fingerprint: input.fingerprint,
    };
    try {
      await this.db('feature_flag_change_requests').insert(row);
    } catch (error) {
      const pending = await this.db<ChangeRequestRow>(
        'feature_flag_change_requests',
      )
        .where({ pending_key: pendingKey })
        .first();
      if (pending) {
        throw new ConflictError(
          `A change request for ${input.flag} in ${
            input.environment
          } is already pending (${pending.summary ?? pending.kind}, by ${
            pending.requested_by
          }); approve, reject or cancel it first`,
        );
      }
      throw error;
    }
    return toChangeRequest(row);
  }

  async listChangeRequests(
    provider: string,
    filter: { status?: ChangeRequestStatus; limit?: number } = {},
  ) {
    let query = this.db<ChangeRequestRow>('feature_flag_change_requests').where(
      { provider },
    );
    if (filter.status) query = query.where({ status: filter.status });
    const rows = await query
      .orderBy('requested_at', 'desc')
      .limit(filter.limit ?? 200);
    return rows.map(row => withoutFingerprint(toChangeRequest(row)));
  }

  async getChangeRequest(
    provider: string,
    id: string,
  ): Promise<StoredChangeRequest> {
    const row = await this.db<ChangeRequestRow>('feature_flag_change_requests')
      .where({ provider, id })
      .first();
    if (!row) throw new NotFoundError(`Change request ${id} not found`);
    return toChangeRequest(row);
  }

  /**
   * Moves a pending request to its outcome. Only one decision wins: a second
   * approval (a double click, or two admins at once) gets a 409.
   */
  async decide(
    provider: string,
    id: string,
    decision: {
      status: Exclude<ChangeRequestStatus, 'pending'>;
      by: string;
      comment?: string;
      error?: string;
    },
  ): Promise<ChangeRequest> {
    const count = await this.db('feature_flag_change_requests')
      .where({ provider, id, status: 'pending' })
      .update({
        status: decision.status,
        decided_by: decision.by,
        decided_at: now(),
        decision_comment: decision.comment ?? null,
        error: decision.error ?? null,
        pending_key: null,
      });
    const current = withoutFingerprint(
      await this.getChangeRequest(provider, id),
    );
    if (!count) {
      throw new ConflictError(
        `Change request ${id} is already ${current.status}${
          current.decidedBy ? ` (by ${current.decidedBy})` : ''
        }`,
      );
    }
    return current;
  }

  /** Claims a pending request for applying, so two approvals cannot both apply it. */
  async claim(provider: string, id: string, by: string): Promise<boolean> {
    const count = await this.db('feature_flag_change_requests')
      .where({ provider, id, status: 'pending' })
      .update({ status: 'applying', decided_by: by });
    return count === 1;
  }

  /** Returns a claimed request to pending (applying failed, e.g. Unleash is down). */
  async release(provider: string, id: string, error: string): Promise<void> {
    await this.db('feature_flag_change_requests')
      .where({ provider, id, status: 'applying' })
      .update({ status: 'pending', decided_by: null, error });
  }

  /** A claimed request whose flag changed since it was asked for: closed, to be asked for again. */
  async markStale(
    provider: string,
    id: string,
    by: string,
    error: string,
  ): Promise<ChangeRequest> {
    await this.db('feature_flag_change_requests')
      .where({ provider, id, status: 'applying' })
      .update({
        status: 'stale',
        decided_by: by,
        decided_at: now(),
        error,
        pending_key: null,
      });
    return withoutFingerprint(await this.getChangeRequest(provider, id));
  }

  async finish(
    provider: string,
    id: string,
    by: string,
    comment?: string,
  ): Promise<ChangeRequest> {
    await this.db('feature_flag_change_requests')
      .where({ provider, id, status: 'applying' })
      .update({
        status: 'applied',
        decided_by: by,
        decided_at: now(),
        decision_comment: comment ?? null,
        error: null,
        pending_key: null,
      });
    return withoutFingerprint(await this.getChangeRequest(provider, id));
  }
}
