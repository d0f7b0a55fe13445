import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ActiveAlert,
  CapabilityDiscoveryResponse,
  EntityHealthResponse,
  ErrorBudget,
  HealthIncident,
  HealthListResponse,
  HealthObjectives,
  HealthSummary,
  objectivesOf,
  SloFigures,
} from '@internal/backstage-plugin-health-common';
import {
  capabilityFlagNames,
  CapabilityUrlResolver,
  HEALTH_ENDPOINT_ANNOTATION,
} from '@internal/backstage-plugin-stackpro-common';
import {
  AlertRecord,
  EndpointRecord,
  HealthStore,
  RESOLUTION_MS,
  SloRecord,
} from '../store/HealthStore';
import { emptyStrip } from './SloEvaluator';

const LATEST_PROBES = 50;
const INCIDENTS_SHOWN = 20;
const MINUTE_SERIES_MS = 24 * RESOLUTION_MS.h;
const HOUR_SERIES_MS = 30 * RESOLUTION_MS.d;

/** Which entities a caller may see: all, or the refs the catalog shows them. */
export type Visibility = { all: true } | { all: false; refs: Set<string> };

export interface HealthFilter {
  stack?: string;
  system?: string;
  owner?: string;
}

/** The health plugin's reads. */
export interface HealthService {
  list(
    filter: HealthFilter,
    credentials: BackstageCredentials,
  ): Promise<HealthListResponse>;
  entity(
    entityRef: string,
    resolution: 'minute' | 'hour',
    credentials: BackstageCredentials,
  ): Promise<EntityHealthResponse>;
  incidents(credentials: BackstageCredentials): Promise<HealthIncident[]>;
  capabilities(
    credentials: BackstageCredentials,
  ): Promise<CapabilityDiscoveryResponse>;
}

/** Reads the catalog's visibility, then the store. */
export class DefaultHealthService implements HealthService {
  private constructor(
    private readonly store: HealthStore,
    private readonly catalog: CatalogService,
    private readonly resolver: CapabilityUrlResolver,
    private readonly defaults: HealthObjectives,
    private readonly intervalSeconds: number,
    private readonly now: () => number,
  ) {}

  static create(options: {
    store: HealthStore;
    catalog: CatalogService;
    resolver: CapabilityUrlResolver;
    defaults: HealthObjectives;
    intervalSeconds: number;
    now?: () => number;
  }) {
    return new DefaultHealthService(
      options.store,
      options.catalog,
      options.resolver,
      options.defaults,
      options.intervalSeconds,
      options.now ?? Date.now,
    );
  }

  /** The probed entities the catalog shows these credentials. */
  private async visible(
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const { items } = await this.catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${HEALTH_ENDPOINT_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    );
    return new Set(items.map(e => stringifyEntityRef(e)));
  }

  async list(filter: HealthFilter, credentials: BackstageCredentials) {
    return this.listVisible(filter, {
      all: false,
      refs: await this.visible(credentials),
    });
  }

  /** The list for a known visibility (the benchmark measures this part). */
  async listVisible(
    filter: HealthFilter,
    visibility: Visibility,
  ): Promise<HealthListResponse> {
    const [endpoints, slo, alerts] = await Promise.all([
      this.store.listEndpoints(),
      // the list shows no per-window figures: not read nor parsed
      this.store.readSlo(undefined, { figures: false }),
      this.store.alerts({ firingOnly: true }),
    ]);
    const alertsByRef = groupAlerts(alerts);
    const items = endpoints
      .filter(e => visibility.all || visibility.refs.has(e.entityRef))
      .filter(
        e =>
          (!filter.stack || e.stack === filter.stack) &&
          (!filter.system || e.system === filter.system) &&
          (!filter.owner || e.owner === filter.owner),
      )
      .map(e =>
        this.summaryOf(
          e,
          slo.get(e.entityRef),
          alertsByRef.get(e.entityRef) ?? [],
        ),
      );
    return {
      items,
      generatedAt: this.now(),
      intervalSeconds: this.intervalSeconds,
    };
  }

  private summaryOf(
    e: EndpointRecord,
    slo: SloRecord | undefined,
    alerts: ActiveAlert[],
  ): HealthSummary {
    const { objectives, problems } = objectivesOf(e.annotations, this.defaults);
    const seen = new Set(problems.map(p => p.message));
    return {
      entityRef: e.entityRef,
      title: e.title,
      kind: e.kind,
      owner: e.owner,
      system: e.system,
      stack: e.stack,
      capability: e.capability,
      url: e.url,
      status: e.last?.status,
      lastProbe: e.last,
      p95Ms: slo?.p95Ms24h,
      degradedRatio: slo?.degraded24h,
      availability30d: slo?.availability30d,
      budget: (slo?.budget as ErrorBudget) ?? { failures: 0 },
      alerts,
      uptime: slo?.uptime ?? emptyStrip(this.now()),
      objectives,
      problems: [...problems, ...e.problems.filter(p => !seen.has(p.message))],
    };
  }

  async entity(
    entityRef: string,
    resolution: 'minute' | 'hour',
    credentials: BackstageCredentials,
  ): Promise<EntityHealthResponse> {
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    const endpoint = entity
      ? await this.store.getEndpoint(stringifyEntityRef(entity))
      : undefined;
    if (!entity || !endpoint) {
      throw new NotFoundError(
        `${entityRef} is not probed: it has no ${HEALTH_ENDPOINT_ANNOTATION} annotation, or the first probe run has not seen it yet`,
      );
    }
    const ref = endpoint.entityRef;
    const now = this.now();
    const [slo, alerts, incidents, probes, series] = await Promise.all([
      this.store.readSlo([ref]),
      this.store.alerts({ firingOnly: true }),
      this.store.incidentsOf(ref, INCIDENTS_SHOWN),
      this.store.latestProbes(ref, LATEST_PROBES),
      resolution === 'minute'
        ? this.store.series(ref, 'm', now - MINUTE_SERIES_MS)
        : this.store.series(ref, 'h', now - HOUR_SERIES_MS),
    ]);
    const record = slo.get(ref);
    return {
      summary: this.summaryOf(
        endpoint,
        record,
        groupAlerts(alerts).get(ref) ?? [],
      ),
      slo: (record?.figures as SloFigures[]) ?? [],
      incidents,
      probes,
      series,
      resolution,
      intervalSeconds: this.intervalSeconds,
    };
  }

  async incidents(credentials: BackstageCredentials) {
    const visible = await this.visible(credentials);
    return (await this.store.openIncidents()).filter(i =>
      visible.has(i.entityRef),
    );
  }

  async capabilities(
    credentials: BackstageCredentials,
  ): Promise<CapabilityDiscoveryResponse> {
    const { items } = await this.listVisible(
      {},
      { all: false, refs: await this.visible(credentials) },
    );
    const byCapability = new Map(
      items.filter(s => s.capability).map(s => [s.capability!, s]),
    );
    const endpoints = new Map(
      (await this.store.listEndpoints()).map(e => [e.entityRef, e]),
    );
    const names = [
      ...new Set([...this.resolver.capabilities(), ...byCapability.keys()]),
    ].sort();
    return {
      environment: this.resolver.environment,
      capabilities: names.map(name => {
        const summary = byCapability.get(name);
        const flags = summary
          ? endpoints.get(summary.entityRef)?.lastFlags
          : undefined;
        const month = summary?.availability30d;
        return {
          name,
          entityRef: summary?.entityRef,
          environment: this.resolver.environment,
          baseUrls: this.resolver.baseUrls(name).map(u => ({
            environment: u.environment,
            url: u.url,
            source: u.source,
          })),
          enabled:
            flags?.enabled ??
            (summary?.status ? summary.status !== 'disabled' : undefined),
          version: flags?.version ?? summary?.lastProbe?.version,
          degraded: summary?.status
            ? summary.status === 'degraded' || flags?.forcedDegraded === true
            : undefined,
          flags: capabilityFlagNames(name),
          health: {
            status: summary?.status,
            checkedAt: summary?.lastProbe?.at,
            latencyMs: summary?.lastProbe?.latencyMs,
          },
          slo: {
            availability30d: month,
            budgetRemaining: summary?.budget.remaining,
            meetsObjectives:
              month === undefined || !summary
                ? undefined
                : month * 100 >= summary.objectives.availabilityPercent,
            alerts: summary?.alerts ?? [],
          },
        };
      }),
    };
  }
}

function groupAlerts(alerts: AlertRecord[]): Map<string, ActiveAlert[]> {
  const map = new Map<string, ActiveAlert[]>();
  for (const a of alerts) {
    if (!a.firing) continue;
    const list = map.get(a.entityRef) ?? [];
    list.push({
      rule: a.rule,
      severity: a.severity,
      since: a.since,
      burnRate: a.burnRate,
    });
    map.set(a.entityRef, list);
  }
  return map;
}
