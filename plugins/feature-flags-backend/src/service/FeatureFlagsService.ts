import { LoggerService } from '@backstage/backend-plugin-api';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type {
  ChangeRequest,
  ChangeRequestStatus,
  ChangeResponse,
  EvaluationContextInput,
  EvaluationResult,
  Flag,
  FlagListResponse,
  FlagResponse,
  ProposedChange,
} from '@internal/backstage-plugin-feature-flags-common';
import type {
  Actor,
  FlagEnvRef,
  FlagProvider,
  FlagRef,
  FlagSnapshot,
  ProviderFlag,
} from '../providers/FlagProvider';
import { AppliedChange, applyChange } from './applyChange';
import { DefaultChangeRequestService } from './ChangeRequestService';
import { CatalogFlagIndex, FlaggedEntity } from './CatalogFlagIndex';
import { DatabaseFeatureFlagStore } from './DatabaseFeatureFlagStore';
import {
  evaluateWithUnleashClient,
  toClientFeature,
  toClientFeatures,
} from './evaluate';
import { PendingWrites } from './PendingWrites';

export interface FeatureFlagsSettings {
  protectedEnvironments: string[];
  /** Who is told about a pending change request (group or user refs): the admins. */
  approverRefs: string[];
}

/**
 * The flags as the portal shows them: the provider's data with the catalog's
 * entities and the portal's record of who changed what; toggles, protected
 * environments' change requests and the evaluation preview.
 */
export class DefaultFeatureFlagsService {
  private readonly changeRequests: DefaultChangeRequestService;

  private constructor(
    readonly provider: FlagProvider,
    private readonly store: DatabaseFeatureFlagStore,
    private readonly index: CatalogFlagIndex,
    readonly settings: FeatureFlagsSettings,
    private readonly writes: PendingWrites,
    logger: LoggerService,
    notifications?: NotificationService,
  ) {
    this.changeRequests = DefaultChangeRequestService.create({
      provider,
      store,
      writes,
      logger,
      approverRefs: settings.approverRefs,
      notifications,
    });
  }

  static create(options: {
    provider: FlagProvider;
    store: DatabaseFeatureFlagStore;
    index: CatalogFlagIndex;
    settings: FeatureFlagsSettings;
    logger: LoggerService;
    notifications?: NotificationService;
    /** Where writes that follow a change which took effect are retried; one is made when not given. */
    writes?: PendingWrites;
  }) {
    return new DefaultFeatureFlagsService(
      options.provider,
      options.store,
      options.index,
      options.settings,
      options.writes ?? PendingWrites.create({ logger: options.logger }),
      options.logger,
      options.notifications,
    );
  }

  isProtected(environment: string) {
    return this.settings.protectedEnvironments.includes(environment);
  }

  private environmentsOf(snapshot: FlagSnapshot) {
    return snapshot.environments.map(e => ({
      ...e,
      protected: this.isProtected(e.name),
    }));
  }

  async list(filter: {
    entityRef?: string;
    project?: string;
    fresh?: boolean;
  }): Promise<FlagListResponse> {
    const [snapshot, entities, changes] = await Promise.all([
      this.provider.snapshot({ fresh: filter.fresh }),
      this.index.entities(),
      this.store.lastChanges(this.provider.kind),
    ]);
    const byFlag = this.entitiesByFlag(snapshot, entities);
    let flags = snapshot.flags;
    if (filter.project) {
      if (!snapshot.projects.some(p => p.id === filter.project)) {
        throw new NotFoundError(`Project ${filter.project} not found`);
      }
      flags = flags.filter(f => f.project === filter.project);
    }
    if (filter.entityRef) {
      const named = new Set(
        [...byFlag.entries()]
          .filter(([, es]) => es.some(e => e.entityRef === filter.entityRef))
          .map(([key]) => key),
      );
      flags = flags.filter(f => named.has(`${f.project}/${f.name}`));
    }
    const { flags: _all, ...rest } = snapshot;
    return {
      ...rest,
      environments: this.environmentsOf(snapshot),
      flags: flags.map<Flag>(f => ({
        ...f,
        lastChange: changes.get(`${f.project}/${f.name}`),
        entities: (byFlag.get(`${f.project}/${f.name}`) ?? []).map(
          ({ flags: _f, project: _p, ...e }) => e,
        ),
      })),
    };
  }

  /**
   * The entities naming each flag, keyed `project/flag`. An annotation's
   * project that the provider does not have (Unleash OSS has only `default`)
   * matches the flag of that name in any project.
   */
  private entitiesByFlag(snapshot: FlagSnapshot, entities: FlaggedEntity[]) {
    const projects = new Set(snapshot.projects.map(p => p.id));
    const map = new Map<string, FlaggedEntity[]>();
    for (const flag of snapshot.flags) {
      const named = entities.filter(
        e =>
          e.flags.includes(flag.name) &&
          (e.project === flag.project || !projects.has(e.project)),
      );
      if (named.length) map.set(`${flag.project}/${flag.name}`, named);
    }
    return map;
  }

  private async findFlag(project: string, name: string, refresh = true) {
    // the provider checks the flag again at the source when it writes
    let snapshot = await this.provider.snapshot({ stale: true, refresh });
    const find = () =>
      snapshot.flags.find(f => f.project === project && f.name === name);
    if (!find() && this.provider.kind !== 'local') {
      // a copy from before the flag was created (a moment ago, or in Unleash directly): ask the source once
      snapshot = await this.provider.snapshot({ fresh: true });
      if (snapshot.degraded && !find()) {
        throw new ServiceUnavailableError(
          `${name} is not in the last good copy and Unleash is not answering (${snapshot.reason}); nothing was changed`,
        );
      }
    }
    if (!snapshot.projects.some(p => p.id === project))
      throw new NotFoundError(`Project ${project} not found`);
    const flag = find();
    if (!flag)
      throw new NotFoundError(`Flag ${name} not found in project ${project}`);
    return { snapshot, flag };
  }

  checkEnvironment(snapshot: FlagSnapshot, environment: string) {
    if (!snapshot.environments.some(e => e.name === environment)) {
      throw new NotFoundError(
        `Environment ${environment} not found; the environments are ${snapshot.environments
          .map(e => e.name)
          .join(', ')}`,
      );
    }
  }

  async getFlag(project: string, name: string): Promise<FlagResponse> {
    const list = await this.list({ project });
    const flag = list.flags.find(f => f.name === name);
    if (!flag)
      throw new NotFoundError(`Flag ${name} not found in project ${project}`);
    const { flags: _f, projects: _p, ...rest } = list;
    return { ...rest, flag };
  }

  /** Checks flag, project and environment exist (404 naming the unknown one). */
  async resolve(ref: FlagEnvRef): Promise<ProviderFlag> {
    const { snapshot, flag } = await this.findFlag(
      ref.project,
      ref.flag,
      false,
    );
    this.checkEnvironment(snapshot, ref.environment);
    return flag;
  }

  /** The environment a create or archive reaches that needs four eyes: the first protected one the provider has. */
  private protectedTarget(snapshot: FlagSnapshot): string | undefined {
    return this.settings.protectedEnvironments.find(name =>
      snapshot.environments.some(e => e.name === name),
    );
  }

  /** Whether this change needs a second admin (for create and archive: whether any protected environment exists). */
  needsApproval(kind: ProposedChange['kind'], environment?: string): boolean {
    if (kind === 'create' || kind === 'archive')
      return this.settings.protectedEnvironments.length > 0;
    return environment !== undefined && this.isProtected(environment);
  }

  /**
   * Every change to a flag goes through here. In a protected environment
   * (and, for create and archive, whenever the flag reaches one) it becomes a
   * change request for a second admin and nothing is applied; elsewhere it is
   * applied at once. `reason` is required for the first (the router asks for it).
   */
  async change(
    ref: FlagRef,
    environment: string | undefined,
    change: ProposedChange,
    actor: Actor,
    reason?: string,
  ): Promise<ChangeResponse & { applied?: AppliedChange }> {
    const snapshot = await this.checkTarget(ref, environment, change);
    const target =
      change.kind === 'create' || change.kind === 'archive'
        ? this.protectedTarget(snapshot) ??
          this.settings.protectedEnvironments[0]
        : environment;
    if (target !== undefined && this.needsApproval(change.kind, target)) {
      if (reason === undefined) {
        throw new InputError(
          `Invalid reason (${target} is protected: the change needs a second admin): a reason is required: say why this change is needed`,
        );
      }
      return this.changeRequests.request(ref, target, change, reason, actor);
    }
    const applied = await applyChange(
      this.provider,
      ref,
      environment,
      change,
      actor,
    );
    if (applied.changed) {
      // the change is live: its history is written even if the database is briefly away
      await this.writes.write(`history of ${ref.flag}`, () =>
        this.store.recordChange(this.provider.kind, {
          ...ref,
          ...applied.history,
          actor: actor.userEntityRef,
        }),
      );
    }
    return { outcome: applied.changed ? 'applied' : 'unchanged', applied };
  }

  /** 404 naming an unknown project, flag or environment, 409 for a create of a name taken, 503 when the provider's copy is not current for a create. */
  private async checkTarget(
    ref: FlagRef,
    environment: string | undefined,
    change: ProposedChange,
  ): Promise<FlagSnapshot> {
    if (change.kind === 'create') {
      const snapshot = await this.provider.snapshot();
      if (snapshot.degraded) {
        throw new ServiceUnavailableError(
          `Unleash is not answering (${snapshot.reason}); the flag was not created`,
        );
      }
      if (!snapshot.projects.some(p => p.id === ref.project))
        throw new NotFoundError(`Project ${ref.project} not found`);
      return snapshot;
    }
    const { snapshot } = await this.findFlag(ref.project, ref.flag, false);
    if (environment !== undefined) this.checkEnvironment(snapshot, environment);
    if (change.kind === 'strategy' && change.strategyId) {
      const env = snapshot.flags
        .find(f => f.project === ref.project && f.name === ref.flag)
        ?.environments.find(e => e.name === environment);
      if (env && !env.strategies.some(st => st.id === change.strategyId)) {
        throw new NotFoundError(
          `Strategy ${change.strategyId} not found on ${ref.flag} in ${environment}`,
        );
      }
    }
    return snapshot;
  }

  listChangeRequests(status?: ChangeRequestStatus) {
    return this.changeRequests.list(status);
  }

  getChangeRequest(id: string) {
    return this.changeRequests.get(id);
  }

  approve(id: string, actor: Actor, comment?: string): Promise<ChangeRequest> {
    return this.changeRequests.approve(id, actor, comment);
  }

  reject(id: string, actor: Actor, comment: string): Promise<ChangeRequest> {
    return this.changeRequests.reject(id, actor, comment);
  }

  cancel(id: string, actor: Actor): Promise<ChangeRequest> {
    return this.changeRequests.cancel(id, actor);
  }

  async evaluate(
    project: string,
    name: string,
    environment: string,
    context: EvaluationContextInput,
  ): Promise<EvaluationResult> {
    const { snapshot, flag } = await this.findFlag(project, name);
    this.checkEnvironment(snapshot, environment);
    // the flag's dependencies are not modelled: evaluate it with the data of its own environment
    const env = flag.environments.find(e => e.name === environment)!;
    const result = await evaluateWithUnleashClient(
      [toClientFeature(flag, env)],
      name,
      environment,
      context,
    );
    return {
      provider: snapshot.provider,
      degraded: snapshot.degraded,
      ageMs: snapshot.ageMs,
      reason: snapshot.reason,
      flag: name,
      environment,
      context,
      ...result,
    };
  }

  async clientFeatures(environment: string) {
    const snapshot = await this.provider.snapshot();
    return toClientFeatures(snapshot.flags, environment);
  }

  /** Entities naming the flag and owned by one of these refs (for `featureFlags.ownersMayToggle`). */
  async ownedBy(
    project: string,
    flag: string,
    ownershipRefs: string[],
  ): Promise<boolean> {
    const [snapshot, all] = await Promise.all([
      this.provider.snapshot(),
      this.index.entities(),
    ]);
    const entities =
      this.entitiesByFlag(snapshot, all).get(`${project}/${flag}`) ?? [];
    return entities.some(e => e.owner && ownershipRefs.includes(e.owner));
  }
}
