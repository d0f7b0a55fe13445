import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  AdrIndexFilter,
  AdrIndexResponse,
  AdrRecordResponse,
  EntityAdrsResponse,
} from '@internal/backstage-plugin-adr-common';
import { StackDocumentResponse } from '@internal/backstage-plugin-stacks-common';
import { responseErrorOf } from '@internal/backstage-plugin-http-common';

/** Reads decision records from the ADR backend. */
export interface AdrApi {
  /** An entity's decisions, their problems, and where they are read from. */
  getEntityAdrs(entity: CompoundEntityRef): Promise<EntityAdrsResponse>;
  /** One decision with its markdown. */
  getRecord(entity: CompoundEntityRef, key: string): Promise<AdrRecordResponse>;
  /** An image next to an entity's decisions, as a blob. */
  getAsset(entity: CompoundEntityRef, path: string): Promise<Blob>;
  /** Every decision of the portal, filtered. */
  getIndex(filter?: AdrIndexFilter): Promise<AdrIndexResponse>;
  /** A stack's documentation (`stackportal.io/docs-location`) and its measured parts. */
  getStackDocument(entity: CompoundEntityRef): Promise<StackDocumentResponse>;
}

export const adrApiRef = createApiRef<AdrApi>().with({
  id: 'plugin.adr.api',
  pluginId: 'adr',
});

const entityPath = (entity: CompoundEntityRef) =>
  `/entities/${encodeURIComponent(
    entity.kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(entity.namespace)}/${encodeURIComponent(
    entity.name,
  )}`;

/** Talks to `/api/adr`. */
export class AdrClient implements AdrApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getEntityAdrs(entity: CompoundEntityRef): Promise<EntityAdrsResponse> {
    return this.json(`${entityPath(entity)}/adrs`);
  }

  getRecord(
    entity: CompoundEntityRef,
    key: string,
  ): Promise<AdrRecordResponse> {
    return this.json(`${entityPath(entity)}/adrs/${encodeURIComponent(key)}`);
  }

  async getAsset(entity: CompoundEntityRef, path: string): Promise<Blob> {
    const response = await this.fetch(
      `${entityPath(entity)}/assets?path=${encodeURIComponent(path)}`,
    );
    return response.blob();
  }

  getIndex(filter: AdrIndexFilter = {}): Promise<AdrIndexResponse> {
    const query = new URLSearchParams();
    for (const key of ['status', 'system', 'stack', 'decider'] as const) {
      for (const value of filter[key] ?? []) query.append(key, value);
    }
    if (filter.from) query.set('from', filter.from);
    if (filter.to) query.set('to', filter.to);
    if (filter.q) query.set('q', filter.q);
    const search = query.toString();
    return this.json(`/adrs${search ? `?${search}` : ''}`);
  }

  getStackDocument(entity: CompoundEntityRef): Promise<StackDocumentResponse> {
    return this.json(`${entityPath(entity)}/documentation`);
  }

  private async fetch(path: string): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('adr');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await responseErrorOf(response);
    }
    return response;
  }

  private async json<T>(path: string): Promise<T> {
    return (await (await this.fetch(path)).json()) as T;
  }
}
