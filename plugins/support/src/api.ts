import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import {
  BulkAssignResponse,
  CreateTicketRequest,
  GithubLinkRequest,
  QueueInfo,
  SupportSettings,
  Ticket,
  TicketComment,
  TicketPage,
  TicketQuery,
  TicketSuggestions,
  TicketView,
  UpdateTicketRequest,
} from '@internal/backstage-plugin-support-common';
import { responseErrorOf } from '@internal/backstage-plugin-http-common';

/** Talks to the support backend. */
export interface SupportApi {
  settings(): Promise<SupportSettings>;
  queues(): Promise<QueueInfo[]>;
  list(query: TicketQuery): Promise<TicketPage>;
  suggestions(entityRef: string, text: string): Promise<TicketSuggestions>;
  raise(request: CreateTicketRequest): Promise<Ticket>;
  view(id: number): Promise<TicketView>;
  update(id: number, request: UpdateTicketRequest): Promise<TicketView>;
  bulkAssign(
    ticketIds: number[],
    assigneeRef: string | null,
  ): Promise<BulkAssignResponse>;
  comment(
    id: number,
    body: string,
    visibility: 'public' | 'internal',
  ): Promise<TicketComment>;
  watch(id: number, watching: boolean): Promise<TicketView>;
  linkGithub(id: number, request: GithubLinkRequest): Promise<TicketView>;
}

export const supportApiRef = createApiRef<SupportApi>().with({
  id: 'plugin.support.api',
  pluginId: 'support',
});

function queryString(query: TicketQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    for (const v of ([] as unknown[]).concat(value))
      params.append(key, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** `/api/support` */
export class SupportClient implements SupportApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  private async call<T>(
    path: string,
    init?: { method: string; body?: unknown },
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('support');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method: init?.method ?? 'GET',
      headers:
        init?.body !== undefined
          ? { 'Content-Type': 'application/json' }
          : undefined,
      body: init?.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
    if (!response.ok) throw await responseErrorOf(response);
    return (await response.json()) as T;
  }

  settings() {
    return this.call<SupportSettings>('/settings');
  }

  async queues() {
    return (await this.call<{ items: QueueInfo[] }>('/queues')).items;
  }

  list(query: TicketQuery) {
    return this.call<TicketPage>(`/tickets${queryString(query)}`);
  }

  suggestions(entityRef: string, text: string) {
    return this.call<TicketSuggestions>(
      `/suggestions${queryString({ entityRef, q: text })}`,
    );
  }

  raise(request: CreateTicketRequest) {
    return this.call<Ticket>('/tickets', { method: 'POST', body: request });
  }

  view(id: number) {
    return this.call<TicketView>(`/tickets/${id}`);
  }

  update(id: number, request: UpdateTicketRequest) {
    return this.call<TicketView>(`/tickets/${id}`, {
      method: 'PATCH',
      body: request,
    });
  }

  bulkAssign(ticketIds: number[], assigneeRef: string | null) {
    return this.call<BulkAssignResponse>('/tickets/bulk-assign', {
      method: 'POST',
      body: { ticketIds, assigneeRef },
    });
  }

  comment(id: number, body: string, visibility: 'public' | 'internal') {
    return this.call<TicketComment>(`/tickets/${id}/comments`, {
      method: 'POST',
      body: { body, visibility },
    });
  }

  watch(id: number, watching: boolean) {
    return this.call<TicketView>(`/tickets/${id}/watch`, {
      method: watching ? 'PUT' : 'DELETE',
    });
  }

  linkGithub(id: number, request: GithubLinkRequest) {
    return this.call<TicketView>(`/tickets/${id}/github`, {
      method: 'POST',
      body: request,
    });
  }
}
