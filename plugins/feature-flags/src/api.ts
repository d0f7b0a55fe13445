import { createApiRef, DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ChangeRequest,
  ChangeRequestStatus,
  Constraint,
  EvaluationContextInput,
  EvaluationResult,
  FlagCapabilities,
  FlagListResponse,
  Strategy,
  ToggleResponse,
} from '@internal/backstage-plugin-feature-flags-common';

/** Reads and changes feature flags through `/api/feature-flags`. */
export interface FeatureFlagsApi {
  getCapabilities(): Promise<FlagCapabilities>;
  listFlags(filter?: { entityRef?: string; fresh?: boolean }): Promise<FlagListResponse>;
  /** Sets the state; in a protected environment it opens a change request (reason required). */
  toggle(project: string, flag: string, environment: string, enabled: boolean, reason?: string): Promise<ToggleResponse>;
  saveStrategy(
    project: string,
    flag: string,
    environment: string,
    strategyId: string | undefined,
    input: { parameters: Record<string, string>; constraints: Array<Omit<Constraint, 'inverted' | 'caseInsensitive'> & Partial<Constraint>> },
  ): Promise<Strategy>;
  evaluate(project: string, flag: string, environment: string, context: EvaluationContextInput): Promise<EvaluationResult>;
  listChangeRequests(status?: ChangeRequestStatus): Promise<ChangeRequest[]>;
  approve(id: string, comment?: string): Promise<ChangeRequest>;
  reject(id: string, comment: string): Promise<ChangeRequest>;
  cancel(id: string): Promise<ChangeRequest>;
}

export const featureFlagsApiRef = createApiRef<FeatureFlagsApi>().with({
  id: 'plugin.feature-flags.api',
  pluginId: 'feature-flags',
});

const seg = (s: string) => encodeURIComponent(s);

/** Talks to the feature-flags backend. */
export class FeatureFlagsClient implements FeatureFlagsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  private async json<T>(path: string, init?: { method: string; body?: unknown }): Promise<T> {
    const base = await this.discoveryApi.getBaseUrl('feature-flags');
    const response = await this.fetchApi.fetch(`${base}${path}`, {
      method: init?.method ?? 'GET',
      headers: init?.body !== undefined ? { 'Content-Type': 'application/json' } : undefined,
      body: init?.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  getCapabilities() {
    return this.json<FlagCapabilities>('/capabilities');
  }

  listFlags(filter: { entityRef?: string; fresh?: boolean } = {}) {
    const query = new URLSearchParams();
    if (filter.entityRef) query.set('entityRef', filter.entityRef);
    if (filter.fresh) query.set('fresh', 'true');
    const search = query.toString();
    return this.json<FlagListResponse>(`/flags${search ? `?${search}` : ''}`);
  }

  toggle(project: string, flag: string, environment: string, enabled: boolean, reason?: string) {
    return this.json<ToggleResponse>(`/flags/${seg(project)}/${seg(flag)}/environments/${seg(environment)}`, {
      method: 'PUT',
      body: reason === undefined ? { enabled } : { enabled, reason },
    });
  }

  saveStrategy(
    project: string,
    flag: string,
    environment: string,
    strategyId: string | undefined,
    input: { parameters: Record<string, string>; constraints: Array<Partial<Constraint>> },
  ) {
    const base = `/flags/${seg(project)}/${seg(flag)}/environments/${seg(environment)}/strategies`;
    return this.json<Strategy>(strategyId ? `${base}/${seg(strategyId)}` : base, {
      method: strategyId ? 'PUT' : 'POST',
      body: input,
    });
  }

  evaluate(project: string, flag: string, environment: string, context: EvaluationContextInput) {
    return this.json<EvaluationResult>(`/flags/${seg(project)}/${seg(flag)}/evaluate`, {
      method: 'POST',
      body: { environment, context },
    });
  }

  async listChangeRequests(status?: ChangeRequestStatus) {
    const { items } = await this.json<{ items: ChangeRequest[] }>(`/change-requests${status ? `?status=${status}` : ''}`);
    return items;
  }

  approve(id: string, comment?: string) {
    return this.json<ChangeRequest>(`/change-requests/${seg(id)}/approve`, { method: 'POST', body: comment ? { comment } : {} });
  }

  reject(id: string, comment: string) {
    return this.json<ChangeRequest>(`/change-requests/${seg(id)}/reject`, { method: 'POST', body: { comment } });
  }

  cancel(id: string) {
    return this.json<ChangeRequest>(`/change-requests/${seg(id)}/cancel`, { method: 'POST', body: {} });
  }
}
