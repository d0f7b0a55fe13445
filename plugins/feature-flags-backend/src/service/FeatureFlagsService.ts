import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type {
  ChangeRequest,
  ChangeRequestStatus,
  EvaluationContextInput,
  EvaluationResult,
  Flag,
  FlagListResponse,
  FlagResponse,
  ToggleResponse,
} from '@internal/backstage-plugin-feature-flags-common';
import type { Actor, FlagEnvRef, FlagProvider, FlagSnapshot, ProviderFlag } from '../providers/FlagProvider';
import { CatalogFlagIndex, FlaggedEntity } from './CatalogFlagIndex';
import { DatabaseFeatureFlagStore } from './DatabaseFeatureFlagStore';
import { evaluateWithUnleashClient, toClientFeature, toClientFeatures } from './evaluate';

export interface FeatureFlagsSettings {
  protectedEnvironments: string[];
  /** Who is told about a pending change request (group or user refs): the admins. */
  approverRefs: string[];
}

const describe = (ref: FlagEnvRef, enabled: boolean) => `${ref.flag} ${enabled ? 'on' : 'off'} in ${ref.environment}`;

/**
 * The flags as the portal shows them: the provider's data with the catalog's
 * entities and the portal's record of who changed what; toggles, protected
 * environments' change requests and the evaluation preview.
 */
export class DefaultFeatureFlagsService {
  private constructor(
    readonly provider: FlagProvider,
    private readonly store: DatabaseFeatureFlagStore,
    private readonly index: CatalogFlagIndex,
    readonly settings: FeatureFlagsSettings,
    private readonly logger: LoggerService,
    private readonly notifications?: NotificationService,
  ) {}

  static create(options: {
    provider: FlagProvider;
    store: DatabaseFeatureFlagStore;
    index: CatalogFlagIndex;
    settings: FeatureFlagsSettings;
    logger: LoggerService;
    notifications?: NotificationService;
  }) {
    return new DefaultFeatureFlagsService(
      options.provider,
      options.store,
      options.index,
      options.settings,
      options.logger,
      options.notifications,
    );
  }

  isProtected(environment: string) {
    return this.settings.protectedEnvironments.includes(environment);
  }

  private environmentsOf(snapshot: FlagSnapshot) {
    return snapshot.environments.map(e => ({ ...e, protected: this.isProtected(e.name) }));
  }

  async list(filter: { entityRef?: string; project?: string; fresh?: boolean }): Promise<FlagListResponse> {
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
        [...byFlag.entries()].filter(([, es]) => es.some(e => e.entityRef === filter.entityRef)).map(([key]) => key),
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
        entities: (byFlag.get(`${f.project}/${f.name}`) ?? []).map(({ flags: _f, project: _p, ...e }) => e),
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
        e => e.flags.includes(flag.name) && (e.project === flag.project || !projects.has(e.project)),
      );
      if (named.length) map.set(`${flag.project}/${flag.name}`, named);
    }
    return map;
  }

  private async findFlag(project: string, name: string, refresh = true) {
    // the provider checks the flag again at the source when it writes
    const snapshot = await this.provider.snapshot({ stale: true, refresh });
    if (!snapshot.projects.some(p => p.id === project)) throw new NotFoundError(`Project ${project} not found`);
    const flag = snapshot.flags.find(f => f.project === project && f.name === name);
    if (!flag) throw new NotFoundError(`Flag ${name} not found in project ${project}`);
    return { snapshot, flag };
  }

  checkEnvironment(snapshot: FlagSnapshot, environment: string) {
    if (!snapshot.environments.some(e => e.name === environment)) {
      throw new NotFoundError(
        `Environment ${environment} not found; the environments are ${snapshot.environments.map(e => e.name).join(', ')}`,
      );
    }
  }

  async getFlag(project: string, name: string): Promise<FlagResponse> {
    const list = await this.list({ project });
    const flag = list.flags.find(f => f.name === name);
    if (!flag) throw new NotFoundError(`Flag ${name} not found in project ${project}`);
    const { flags: _f, projects: _p, ...rest } = list;
    return { ...rest, flag };
  }

  /** Checks flag, project and environment exist (404 naming the unknown one). */
  async resolve(ref: FlagEnvRef): Promise<ProviderFlag> {
    const { snapshot, flag } = await this.findFlag(ref.project, ref.flag, false);
    this.checkEnvironment(snapshot, ref.environment);
    return flag;
  }

  /** A toggle in a non-protected environment: applied at once. */
  async toggle(ref: FlagEnvRef, enabled: boolean, actor: Actor): Promise<ToggleResponse> {
    if (this.isProtected(ref.environment)) {
      throw new InputError(`${ref.environment} is protected: request the change with a reason for a second admin to approve`);
    }
    const changed = await this.provider.setEnabled(ref, enabled, actor);
    if (changed) {
      await this.store.recordChange(this.provider.kind, {
        ...ref,
        action: enabled ? 'enabled' : 'disabled',
        actor: actor.userEntityRef,
        summary: `turned ${describe(ref, enabled)}`,
      });
    }
    return { outcome: changed ? 'applied' : 'unchanged' };
  }

  async requestChange(ref: FlagEnvRef, enabled: boolean, reason: string, actor: Actor): Promise<ToggleResponse> {
    const flag = await this.resolve(ref);
    const current = flag.environments.find(e => e.name === ref.environment)?.enabled;
    if (current === enabled) {
      return { outcome: 'unchanged' };
    }
    const changeRequest = await this.store.createChangeRequest(this.provider.kind, {
      ...ref,
      enabled,
      reason,
      requestedBy: actor.userEntityRef,
    });
    await this.store.recordChange(this.provider.kind, {
      ...ref,
      action: 'change-requested',
      actor: actor.userEntityRef,
      summary: `asked for ${describe(ref, enabled)}: ${reason}`,
    });
    await this.notify(changeRequest);
    return { outcome: 'change-request', changeRequest };
  }

  private async notify(cr: ChangeRequest) {
    if (!this.notifications || !this.settings.approverRefs.length) return;
    try {
      await this.notifications.send({
        recipients: { type: 'entity', entityRef: this.settings.approverRefs, excludeEntityRef: cr.requestedBy },
        payload: {
          title: `Approve ${cr.flag} ${cr.enabled ? 'on' : 'off'} in ${cr.environment}?`,
          description: `${cr.requestedBy.replace(/^user:[^/]+\//, '')} asks: ${cr.reason}`,
          link: `/feature-flags?changeRequest=${cr.id}`,
          severity: cr.environment === 'production' ? 'high' : 'normal',
          topic: 'feature-flags-change-request',
          scope: `feature-flags-change-request:${cr.id}`,
        },
      });
    } catch (error) {
      // the request itself is stored and shown on the Flags page; a lost notification must not undo it
      this.logger.warn(`Could not notify admins of change request ${cr.id}: ${(error as Error).message}`);
    }
  }

  listChangeRequests(status?: ChangeRequestStatus) {
    return this.store.listChangeRequests(this.provider.kind, { status });
  }

  getChangeRequest(id: string) {
    return this.store.getChangeRequest(this.provider.kind, id);
  }

  /**
   * A second admin approves: the change is applied, then recorded. The
   * requester cannot approve their own; if Unleash is down the request stays
   * pending and the error says why.
   */
  async approve(id: string, actor: Actor, comment?: string): Promise<ChangeRequest> {
    const cr = await this.store.getChangeRequest(this.provider.kind, id);
    if (cr.requestedBy === actor.userEntityRef) {
      throw new NotAllowedError('You asked for this change: another admin must approve it');
    }
    const alreadyDecided = (c: ChangeRequest) =>
      new ConflictError(`Change request ${id} is already ${c.status}${c.decidedBy ? ` (by ${c.decidedBy})` : ''}`);
    if (cr.status !== 'pending') throw alreadyDecided(cr);
    // one approval wins: a double click or a second admin at the same moment gets a 409
    if (!(await this.store.claim(this.provider.kind, id, actor.userEntityRef))) {
      throw alreadyDecided(await this.store.getChangeRequest(this.provider.kind, id));
    }
    const ref = { project: cr.project, flag: cr.flag, environment: cr.environment };
    try {
      await this.provider.setEnabled(ref, cr.enabled, actor);
    } catch (error) {
      await this.store.release(this.provider.kind, id, (error as Error).message);
      throw error;
    }
    const done = await this.store.finish(this.provider.kind, id, actor.userEntityRef, comment);
    await this.store.recordChange(this.provider.kind, {
      ...ref,
      action: cr.enabled ? 'enabled' : 'disabled',
      actor: actor.userEntityRef,
      summary: `turned ${describe(ref, cr.enabled)}, approving ${cr.requestedBy.replace(/^user:[^/]+\//, '')}'s request`,
    });
    return done;
  }

  async reject(id: string, actor: Actor, comment: string): Promise<ChangeRequest> {
    const cr = await this.store.getChangeRequest(this.provider.kind, id);
    if (cr.requestedBy === actor.userEntityRef) {
      throw new NotAllowedError('You asked for this change: cancel it instead of rejecting it');
    }
    return this.store.decide(this.provider.kind, id, { status: 'rejected', by: actor.userEntityRef, comment });
  }

  async cancel(id: string, actor: Actor): Promise<ChangeRequest> {
    const cr = await this.store.getChangeRequest(this.provider.kind, id);
    if (cr.requestedBy !== actor.userEntityRef) {
      throw new NotAllowedError(`Only ${cr.requestedBy} can cancel this change request; reject it instead`);
    }
    return this.store.decide(this.provider.kind, id, { status: 'cancelled', by: actor.userEntityRef });
  }

  async evaluate(project: string, name: string, environment: string, context: EvaluationContextInput): Promise<EvaluationResult> {
    const { snapshot, flag } = await this.findFlag(project, name);
    this.checkEnvironment(snapshot, environment);
    // the flag's dependencies are not modelled: evaluate it with the data of its own environment
    const env = flag.environments.find(e => e.name === environment)!;
    const result = await evaluateWithUnleashClient([toClientFeature(flag, env)], name, environment, context);
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

  async recordChange(ref: { project: string; flag: string; environment?: string }, action: string, actor: Actor, summary: string) {
    await this.store.recordChange(this.provider.kind, { ...ref, action, actor: actor.userEntityRef, summary });
  }

  /** Entities naming the flag and owned by one of these refs (for `featureFlags.ownersMayToggle`). */
  async ownedBy(project: string, flag: string, ownershipRefs: string[]): Promise<boolean> {
    const [snapshot, all] = await Promise.all([this.provider.snapshot(), this.index.entities()]);
    const entities = this.entitiesByFlag(snapshot, all).get(`${project}/${flag}`) ?? [];
    return entities.some(e => e.owner && ownershipRefs.includes(e.owner));
  }
}
