import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  StacksFilter,
  StacksResponse,
} from '@internal/backstage-plugin-stacks-common';

/** Reads the stacks overview from the stacks backend. */
export interface StacksApi {
  /**
   * The stacks that match the filter (all of them without one), the domains
   * that hold stacks, and the summary over every stack.
   */
  getStacks(filter?: StacksFilter): Promise<StacksResponse>;
}

export const stacksApiRef = createApiRef<StacksApi>().with({
  id: 'plugin.stacks.api',
  pluginId: 'stacks',
});

/** Talks to `GET /api/stacks/stacks`. */
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

  private async request<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('stacks');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
