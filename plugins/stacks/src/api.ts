import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import {
  CoverageResponse,
  StacksFilter,
  StacksResponse,
} from '@internal/backstage-plugin-stacks-common';
import { responseErrorOf } from '@internal/backstage-plugin-http-common';

/** Reads the stacks overview from the stacks backend. */
export interface StacksApi {
  /**
   * The stacks that match the filter (all of them without one), the domains
   * that hold stacks, and the summary over every stack.
   */
  getStacks(filter?: StacksFilter): Promise<StacksResponse>;
  /**
   * Each stack's documentation, measured: which of the six required parts its
   * document has. Answered by the ADR backend, which reads the documents.
   */
  getCoverage(): Promise<CoverageResponse>;
}

export const stacksApiRef = createApiRef<StacksApi>().with({
  id: 'plugin.stacks.api',
  pluginId: 'stacks',
});

/** Talks to `GET /api/stacks/stacks` and `GET /api/adr/coverage`. */
export class StacksClient implements StacksApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getStacks(filter: StacksFilter = {}): Promise<StacksResponse> {
    const query = new URLSearchParams();
    for (const key of ['domain', 'layer', 'priority', 'status'] as const) {
      for (const value of filter[key] ?? []) {
        query.append(key, value);
      }
    }
    const search = query.toString();
    return this.request<StacksResponse>(`/stacks${search ? `?${search}` : ''}`);
  }

  async getCoverage(): Promise<CoverageResponse> {
    return this.request<CoverageResponse>('/coverage', 'adr');
  }

  private async request<T>(path: string, pluginId = 'stacks'): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl(pluginId);
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await responseErrorOf(response);
    }
    return (await response.json()) as T;
  }
}
