import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  CloudWatchStatusResponse,
  EntityAlarmsResponse,
  EntityDashboardResponse,
  EntityMetricsResponse,
  EntityTargetResponse,
  MetricObjectives,
  MetricRange,
  MetricsOverviewResponse,
} from '@internal/backstage-plugin-cloudwatch-common';
import {
  DEFAULT_HEALTH_OBJECTIVES,
  objectivesOf,
} from '@internal/backstage-plugin-health-common';
import {
  CloudWatchAccounts,
  summarizeAccount,
} from '../aws/CloudWatchAccounts';
import { CloudWatchReader } from '../aws/CloudWatchReader';
import { CloudWatchAccessError } from '../aws/errors';
import { capabilityQueries } from '../query/capabilityMetrics';
import { planWindow } from '../query/window';
import {
  loadEntityAlarms,
  loadEntityDashboard,
} from './alarmsAndDashboardViews';
import { accountFor, EntityTargets } from './EntityTargets';
import { loadEntityMetrics } from './metricsView';
import { loadOverview } from './overview';
import { ViewCache } from './ViewCache';

type Options = { credentials: BackstageCredentials };

export interface ViewRequest {
  range: MetricRange;
  /** End of the window (default now). */
  end?: Date;
}

/** CloudWatch metrics, alarms and dashboards of the catalog's entities. */
export interface CloudWatchService {
  status(): CloudWatchStatusResponse;
  getTarget(entityRef: string, options: Options): Promise<EntityTargetResponse>;
  getEntityMetrics(
    entityRef: string,
    request: ViewRequest,
    options: Options,
  ): Promise<EntityMetricsResponse>;
  getEntityAlarms(
    entityRef: string,
    request: ViewRequest,
    options: Options,
  ): Promise<EntityAlarmsResponse>;
  getEntityDashboard(
    entityRef: string,
    request: ViewRequest,
    options: Options,
  ): Promise<EntityDashboardResponse>;
  getOverview(
    request: ViewRequest,
    options: Options,
  ): Promise<MetricsOverviewResponse>;
}

/**
 * The health plugin's objectives (`health.objectives`, over StackPro's
 * defaults of seed 002): the SLOs the charts draw are the ones the health
 * plugin computes budgets and burn rates for.
 */
export function objectivesFromConfig(config: Config): MetricObjectives {
  const c = config.getOptionalConfig('health.objectives');
  return {
    availabilityPercent:
      c?.getOptionalNumber('availabilityPercent') ??
      DEFAULT_HEALTH_OBJECTIVES.availabilityPercent,
    latencyP95Ms:
      c?.getOptionalNumber('latencyP95Ms') ??
      DEFAULT_HEALTH_OBJECTIVES.latencyP95Ms,
    degradedPercent:
      c?.getOptionalNumber('degradedPercent') ??
      DEFAULT_HEALTH_OBJECTIVES.degradedPercent,
    source: c ? 'health.objectives' : 'the SLO defaults of seed 002',
  };
}

/**
 * An entity's objectives: its `stackportal.io/slo-*` annotations over the
 * portal's, read as the health plugin reads them (a bad annotation keeps the
 * default; the health tab names it).
 */
export function objectivesOfEntity(
  annotations: Record<string, string> | undefined,
  defaults: MetricObjectives,
): MetricObjectives {
  const { objectives } = objectivesOf(annotations, defaults);
  const overridden = (
    Object.keys(objectives) as Array<keyof typeof objectives>
  ).some(key => objectives[key] !== defaults[key]);
  return {
    ...objectives,
    source: overridden
      ? "the entity's stackportal.io/slo-* annotations"
      : defaults.source,
  };
}

/** Series of the Metrics tab's one call: for the data-point limit. */
const ENTITY_VIEW_SERIES = capabilityQueries({
  prefix: '',
  source: { namespace: '-', dimensions: [] },
  periodSeconds: 60,
  windowSeconds: 60,
  latencyStatistic: 'p95',
}).length;

/**
 * Views are cached by what they ask CloudWatch (account, what, window), so
 * everyone who may see an entity shares its answer; who may see it is
 * checked on every request against the catalog before the cache is read.
 */
export class DefaultCloudWatchService implements CloudWatchService {
  private constructor(
    private readonly accounts: CloudWatchAccounts,
    private readonly targets: EntityTargets,
    private readonly reader: CloudWatchReader,
    private readonly cache: ViewCache,
    private readonly objectives: MetricObjectives,
    private readonly now: () => Date,
  ) {}

  static create(options: {
    accounts: CloudWatchAccounts;
    targets: EntityTargets;
    reader: CloudWatchReader;
    cache: ViewCache;
    objectives: MetricObjectives;
    now?: () => Date;
  }): DefaultCloudWatchService {
    return new DefaultCloudWatchService(
      options.accounts,
      options.targets,
      options.reader,
      options.cache,
      options.objectives,
      options.now ?? (() => new Date()),
    );
  }

  status(): CloudWatchStatusResponse {
    return {
      configured: this.accounts.configured,
      accounts: this.accounts.list().map(summarizeAccount),
      defaultAccount: this.accounts.defaultAccountId,
      howToConfigure: this.accounts.configured
        ? undefined
        : CloudWatchAccounts.howToConfigure,
    };
  }

  async getTarget(entityRef: string, { credentials }: Options) {
    return this.targets.describe(
      await this.targets.get(entityRef, credentials),
    );
  }

  private cached<T extends object>(
    kind: string,
    question: object,
    load: () => Promise<T>,
  ): Promise<T> {
    return this.cache.getOrLoad(ViewCache.keyOf(kind, question), load);
  }

  private requireConfigured() {
    if (!this.accounts.configured) throw CloudWatchAccessError.notConfigured();
  }

  async getEntityMetrics(
    entityRef: string,
    request: ViewRequest,
    { credentials }: Options,
  ): Promise<EntityMetricsResponse> {
    this.requireConfigured();
    const resolved = await this.targets.get(entityRef, credentials);
    const account = accountFor(resolved, 'namespace');
    const source = {
      namespace: resolved.target.namespace!,
      dimensions: resolved.target.dimensions,
    };
    const window = planWindow({
      ...request,
      now: this.now(),
      seriesCount: ENTITY_VIEW_SERIES,
    });
    const view = await this.cached(
      'metrics',
      { account: account.id, source, window },
      () =>
        loadEntityMetrics({
          reader: this.reader,
          entityRef: resolved.entityRef,
          account,
          source,
          window,
          objectives: this.objectives,
          now: this.now,
        }),
    );
    // one answer may serve several entities naming the same metrics
    return {
      ...view,
      objectives: objectivesOfEntity(
        resolved.entity.metadata.annotations,
        this.objectives,
      ),
      entityRef: resolved.entityRef,
      problems: resolved.problems,
    };
  }

  async getEntityAlarms(
    entityRef: string,
    request: ViewRequest,
    { credentials }: Options,
  ): Promise<EntityAlarmsResponse> {
    this.requireConfigured();
    const resolved = await this.targets.get(entityRef, credentials);
    const account = accountFor(resolved, 'alarms');
    const selector = resolved.target.alarms!;
    const window = planWindow({ ...request, now: this.now(), seriesCount: 1 });
    const view = await this.cached(
      'alarms',
      { account: account.id, selector, window },
      () =>
        loadEntityAlarms({
          reader: this.reader,
          entityRef: resolved.entityRef,
          account,
          selector,
          window,
          now: this.now,
        }),
    );
    return {
      ...view,
      entityRef: resolved.entityRef,
      problems: resolved.problems,
    };
  }

  async getEntityDashboard(
    entityRef: string,
    request: ViewRequest,
    { credentials }: Options,
  ): Promise<EntityDashboardResponse> {
    this.requireConfigured();
    const resolved = await this.targets.get(entityRef, credentials);
    const account = accountFor(resolved, 'dashboard');
    const name = resolved.target.dashboard!;
    const window = planWindow({ ...request, now: this.now(), seriesCount: 1 });
    const view = await this.cached(
      'dashboard',
      { account: account.id, name, window },
      () =>
        loadEntityDashboard({
          reader: this.reader,
          entityRef: resolved.entityRef,
          account,
          name,
          window,
          now: this.now,
        }),
    );
    return {
      ...view,
      entityRef: resolved.entityRef,
      problems: resolved.problems,
    };
  }

  async getOverview(
    request: ViewRequest,
    { credentials }: Options,
  ): Promise<MetricsOverviewResponse> {
    this.requireConfigured();
    const entities = await this.targets.listWithMetrics(credentials);
    const window = planWindow({ ...request, now: this.now(), seriesCount: 1 });
    const question = {
      window,
      entities: entities.map(e => ({
        ref: e.entityRef,
        account: e.account?.id ?? null,
        namespace: e.target.namespace ?? null,
        dimensions: e.target.dimensions.map(d => `${d.name}=${d.value}`),
        title: e.entity.metadata.title ?? null,
      })),
    };
    return this.cached('overview', question, () =>
      loadOverview({
        reader: this.reader,
        entities,
        window,
        objectives: this.objectives,
        now: this.now,
      }),
    );
  }
}
