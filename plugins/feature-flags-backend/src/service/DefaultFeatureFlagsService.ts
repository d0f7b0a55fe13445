import { LoggerService } from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  ChangeKind,
  ChangeRequest,
  ChangeRequestStatus,
  ChangeResponse,
  EvaluationContextInput,
  EvaluationResult,
  featureFlagsFlagTogglePermission,
  Flag,
  FlagCapabilities,
  FlagListResponse,
  FlagResponse,
  FlagSearchDocument,
  ProposedChange,
  Strategy,
  Variant,
} from '@internal/backstage-plugin-feature-flags-common';
import type {
  Actor,
  FlagEnvRef,
  FlagProvider,
  FlagRef,
} from '../providers/FlagProvider';
import { AppliedChange, applyChange } from './applyChange';
import { DefaultChangeRequestService } from './ChangeRequestService';
import { CatalogFlagIndex, entitiesByFlag } from './CatalogFlagIndex';
import { DatabaseFeatureFlagStore } from './DatabaseFeatureFlagStore';
import { FlagFinder } from './FlagFinder';
import {
  evaluateWithUnleashClient,
  toClientFeature,
  toClientFeatures,
} from './evaluate';
import type {
  Caller,
  FeatureFlagsService,
  FeatureFlagsSettings,
  FlagListFilter,
  GrantedActions,
  NewFlagInput,
  Reasoned,
  StrategySaveInput,
  ToggleInput,
  VariantsInput,
} from './FeatureFlagsService';
import { PendingWrites } from './PendingWrites';
import { ProtectedEnvironments } from './ProtectedEnvironments';
import { flagSearchDocument } from './searchDocuments';

/**
 * The flags as the portal shows them: the provider's data with the catalog's
 * entities and the portal's record of who changed what; every change, with
 * the four-eyes rule of protected environments (`ProtectedEnvironments`) and
 * the owners' right to toggle; change requests (`DefaultChangeRequestService`)
 * and the evaluation preview.
 */
export class DefaultFeatureFlagsService implements FeatureFlagsService {
  private readonly changeRequests: DefaultChangeRequestService;
  private readonly protection: ProtectedEnvironments;
  private readonly finder: FlagFinder;

  private constructor(
    private readonly provider: FlagProvider,
    private readonly store: DatabaseFeatureFlagStore,
    private readonly index: CatalogFlagIndex,
    private readonly settings: FeatureFlagsSettings,
    private readonly writes: PendingWrites,
    logger: LoggerService,
    notifications?: NotificationService,
  ) {
    this.protection = ProtectedEnvironments.create(
      settings.protectedEnvironments,
    );
    this.finder = FlagFinder.create(provider);
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
  }): DefaultFeatureFlagsService {
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

  get providerKind() {
    return this.provider.kind;
  }

  // ---- reads ----

  async capabilities(
    caller: Caller,
    granted: GrantedActions,
  ): Promise<FlagCapabilities> {
    let ownerToggleFlags: string[] | undefined;
    if (this.settings.ownersMayToggle && !granted.toggle) {
      const ownershipRefs = await caller.ownershipRefs();
      const { flags } = await this.list({});
      ownerToggleFlags = flags
        .filter(flag =>
          flag.entities.some(e => e.owner && ownershipRefs.includes(e.owner)),
        )
        .map(flag => `${flag.project}/${flag.name}`);
    }
    return {
      ...granted,
      ownerToggleFlags,
      protectedEnvironments: this.protection.names,
      userEntityRef: caller.userEntityRef,
    };
  }

  async list(filter: FlagListFilter): Promise<FlagListResponse> {
    const [snapshot, entities, changes] = await Promise.all([
      this.provider.snapshot({ fresh: filter.fresh }),
      this.index.entities(),
      this.store.lastChanges(this.provider.kind),
    ]);
    const byFlag = entitiesByFlag(snapshot, entities);
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
      environments: snapshot.environments.map(e => ({
        ...e,
        protected: this.protection.isProtected(e.name),
      })),
      flags: flags.map<Flag>(f => ({
        ...f,
        lastChange: changes.get(`${f.project}/${f.name}`),
        entities: (byFlag.get(`${f.project}/${f.name}`) ?? []).map(
          ({ flags: _f, project: _p, ...e }) => e,
        ),
      })),
    };
  }

  async searchDocuments(): Promise<FlagSearchDocument[]> {
    const { flags } = await this.list({});
    return flags.map(flagSearchDocument);
  }

  async getFlag(project: string, name: string): Promise<FlagResponse> {
    const list = await this.list({ project });
    const flag = list.flags.find(f => f.name === name);
    if (!flag)
      throw new NotFoundError(`Flag ${name} not found in project ${project}`);
    const { flags: _f, projects: _p, ...rest } = list;
    return { ...rest, flag };
  }

  async evaluate(
    ref: FlagEnvRef,
    context: EvaluationContextInput,
  ): Promise<EvaluationResult> {
    const { snapshot, flag } = await this.finder.flag(ref.project, ref.flag);
    this.finder.checkEnvironment(snapshot, ref.environment);
    // the flag's dependencies are not modelled: evaluate it with the data of its own environment
    const env = flag.environments.find(e => e.name === ref.environment)!;
    const result = await evaluateWithUnleashClient(
      [toClientFeature(flag, env)],
      ref.flag,
      ref.environment,
      context,
    );
    return {
      provider: snapshot.provider,
      degraded: snapshot.degraded,
      ageMs: snapshot.ageMs,
      reason: snapshot.reason,
      flag: ref.flag,
      environment: ref.environment,
      context,
      ...result,
    };
  }

  async clientFeatures(environment: string) {
    if (this.provider.kind !== 'local') {
      throw new NotFoundError(
        'The portal serves the client API only on the embedded provider; point unleash-client at Unleash',
      );
    }
    const snapshot = await this.provider.snapshot();
    return toClientFeatures(snapshot.flags, environment);
  }

  // ---- changes: applied at once, or a change request in a protected environment ----

  needsApproval(kind: ChangeKind, environment?: string): boolean {
    return this.protection.needsApproval(kind, environment);
  }

  async authorizeOwnerToggle(ref: FlagEnvRef, caller: Caller): Promise<void> {
    const ownersMay =
      this.settings.ownersMayToggle &&
      !this.protection.isProtected(ref.environment);
    if (ownersMay && (await this.ownedBy(ref, await caller.ownershipRefs())))
      return;
    throw new NotAllowedError(
      `${featureFlagsFlagTogglePermission.name} is for admins${
        ownersMay ? " and the owners of the flag's entity" : ''
      }`,
    );
  }

  /** Whether an entity naming the flag is owned by one of these refs. */
  private async ownedBy(ref: FlagRef, ownershipRefs: string[]) {
    const [snapshot, all] = await Promise.all([
      this.provider.snapshot(),
      this.index.entities(),
    ]);
    const entities =
      entitiesByFlag(snapshot, all).get(`${ref.project}/${ref.flag}`) ?? [];
    return entities.some(e => e.owner && ownershipRefs.includes(e.owner));
  }

  async toggle(
    ref: FlagEnvRef,
    input: ToggleInput,
    actor: Actor,
  ): Promise<ChangeResponse> {
    const { applied: _a, ...answer } = await this.change(
      ref,
      ref.environment,
      { kind: 'toggle', enabled: input.enabled },
      actor,
      input.reason,
    );
    return answer;
  }

  async createFlag(
    ref: FlagRef,
    input: NewFlagInput,
    actor: Actor,
  ): Promise<ChangeResponse> {
    const flag = {
      description: input.description,
      type: input.type,
      tags: input.tags,
    };
    const { applied: _a, ...answer } = await this.change(
      ref,
      undefined,
      { kind: 'create', flag },
      actor,
      input.reason,
    );
    return answer;
  }

  async archiveFlag(
    ref: FlagRef,
    input: Reasoned,
    actor: Actor,
  ): Promise<ChangeResponse> {
    const { applied: _a, ...answer } = await this.change(
      ref,
      undefined,
      { kind: 'archive' },
      actor,
      input.reason,
    );
    return answer;
  }

  async saveStrategy(
    ref: FlagEnvRef,
    strategyId: string | undefined,
    input: StrategySaveInput,
    actor: Actor,
  ): Promise<ChangeResponse & { strategy?: Strategy }> {
    const { reason, ...strategy } = input;
    const { applied, ...answer } = await this.change(
      ref,
      ref.environment,
      { kind: 'strategy', strategyId, strategy },
      actor,
      reason,
    );
    return applied ? { ...answer, strategy: applied.strategy } : answer;
  }

  async setVariants(
    ref: FlagEnvRef,
    input: VariantsInput,
    actor: Actor,
  ): Promise<ChangeResponse & { variants?: Variant[] }> {
    const { applied, ...answer } = await this.change(
      ref,
      ref.environment,
      { kind: 'variants', variants: input.variants },
      actor,
      input.reason,
    );
    return applied ? { ...answer, variants: applied.variants } : answer;
  }

  /**
   * Every change to a flag goes through here: its reason is checked first
   * (where one is needed), then its target. Where the change needs a second
   * admin it becomes a change request and nothing is applied; elsewhere it is
   * applied at once and recorded in the flag's history.
   */
  private async change(
    ref: FlagRef,
    environment: string | undefined,
    change: ProposedChange,
    actor: Actor,
    givenReason: string | undefined,
  ): Promise<ChangeResponse & { applied?: AppliedChange }> {
    const reason = this.protection.checkedReason(
      change.kind,
      environment,
      givenReason,
    );
    const snapshot = await this.finder.changeTarget(ref, environment, change);
    const target = this.protection.approvalTarget(
      change.kind,
      environment,
      snapshot,
    );
    if (target !== undefined) {
      return this.changeRequests.request(
        ref,
        target,
        change,
        this.protection.requireReason(target, reason),
        actor,
      );
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

  // ---- change requests ----

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
}
