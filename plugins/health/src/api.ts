import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import {
  CapabilityDiscoveryResponse,
  EntityHealthResponse,
  HealthIncident,
  HealthListResponse,
} from '@internal/backstage-plugin-health-common';
import { responseErrorOf } from '@internal/backstage-plugin-http-common';

export interface HealthFilter {
  stack?: string;
  system?: string;
  owner?: string;
}

/** Talks to the health backend. */
export interface HealthApi {
  list(filter?: HealthFilter): Promise<HealthListResponse>;
  entity(
    ref: { kind: string; namespace: string; name: string },
    resolution?: 'minute' | 'hour',
  ): Promise<EntityHealthResponse>;
  incidents(): Promise<HealthIncident[]>;
  capabilities(): Promise<CapabilityDiscoveryResponse>;
}

export const healthApiRef = createApiRef<HealthApi>().with({
  id: 'plugin.health.api',
  pluginId: 'health',
});

/** `/api/health` */
export class HealthClient implements HealthApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('health');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) throw await responseErrorOf(response);
    return (await response.json()) as T;
  }

  list(filter: HealthFilter = {}) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) if (v) params.set(k, v);
    const qs = params.toString();
    return this.get<HealthListResponse>(`/entities${qs ? `?${qs}` : ''}`);
  }

  entity(
    ref: { kind: string; namespace: string; name: string },
    resolution: 'minute' | 'hour' = 'minute',
  ) {
    const path = [ref.kind, ref.namespace, ref.name]
      .map(encodeURIComponent)
      .join('/');
    return this.get<EntityHealthResponse>(
      `/entities/${path}?resolution=${resolution}`,
    );
  }

  async incidents() {
    return (await this.get<{ items: HealthIncident[] }>('/incidents')).items;
  }

  capabilities() {
    return this.get<CapabilityDiscoveryResponse>('/capabilities');
  }
}
