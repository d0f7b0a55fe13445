import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import type {
  CloudWatchStatusResponse,
  EntityAlarmsResponse,
  EntityDashboardResponse,
  EntityMetricsResponse,
  EntityTargetResponse,
  MetricRange,
  MetricsOverviewResponse,
} from '@internal/backstage-plugin-cloudwatch-common';
import { responseErrorOf } from '@internal/backstage-plugin-http-common';

/** An entity as the routes name it. */
export interface EntityName {
  kind: string;
  namespace: string;
  name: string;
}

/** Reads CloudWatch views through `/api/cloudwatch`. */
export interface CloudWatchApi {
  getStatus(): Promise<CloudWatchStatusResponse>;
  getTarget(entity: EntityName): Promise<EntityTargetResponse>;
  getMetrics(
    entity: EntityName,
    range: MetricRange,
  ): Promise<EntityMetricsResponse>;
  getAlarms(
    entity: EntityName,
    range: MetricRange,
  ): Promise<EntityAlarmsResponse>;
  getDashboard(
    entity: EntityName,
    range: MetricRange,
  ): Promise<EntityDashboardResponse>;
  getOverview(range: MetricRange): Promise<MetricsOverviewResponse>;
}

export const cloudwatchApiRef = createApiRef<CloudWatchApi>().with({
  id: 'plugin.cloudwatch.api',
  pluginId: 'cloudwatch',
});

const entityPath = (e: EntityName) =>
  `/entities/${[e.kind, e.namespace, e.name]
    .map(encodeURIComponent)
    .join('/')}`;

/** Talks to the CloudWatch backend. */
export class CloudWatchClient implements CloudWatchApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  private async get<T>(path: string): Promise<T> {
    const base = await this.discoveryApi.getBaseUrl('cloudwatch');
    const response = await this.fetchApi.fetch(`${base}${path}`);
    if (!response.ok) throw await responseErrorOf(response);
    return (await response.json()) as T;
  }

  getStatus() {
    return this.get<CloudWatchStatusResponse>('/status');
  }

  getTarget(entity: EntityName) {
    return this.get<EntityTargetResponse>(`${entityPath(entity)}/target`);
  }

  getMetrics(entity: EntityName, range: MetricRange) {
    return this.get<EntityMetricsResponse>(
      `${entityPath(entity)}/metrics?range=${range}`,
    );
  }

  getAlarms(entity: EntityName, range: MetricRange) {
    return this.get<EntityAlarmsResponse>(
      `${entityPath(entity)}/alarms?range=${range}`,
    );
  }

  getDashboard(entity: EntityName, range: MetricRange) {
    return this.get<EntityDashboardResponse>(
      `${entityPath(entity)}/dashboard?range=${range}`,
    );
  }

  getOverview(range: MetricRange) {
    return this.get<MetricsOverviewResponse>(`/overview?range=${range}`);
  }
}
