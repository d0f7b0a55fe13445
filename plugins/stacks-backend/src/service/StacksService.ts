import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { SharedCatalogReads } from '@internal/backstage-plugin-resilience-node';
import {
  compareStacks,
  matchesFilter,
  readStack,
  Stack,
  STACK_ENTITY_FIELDS,
  STACK_SYSTEM_TYPE,
  StackDomain,
  StacksFilter,
  StacksResponse,
  summarizeStacks,
} from '@internal/backstage-plugin-stacks-common';

/** Reads the stacks overview from the catalog, on behalf of the caller. */
export interface StacksService {
  getStacks(
    filter: StacksFilter,
    options: { credentials: BackstageCredentials },
  ): Promise<StacksResponse>;
}

const LINK_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.description',
  'spec.profile.displayName',
];

function titleOf(entity: Entity): string {
  const profile = entity.spec?.profile as { displayName?: string } | undefined;
  return entity.metadata.title ?? profile?.displayName ?? entity.metadata.name;
}

/**
 * Two catalog round trips whatever the number of stacks: the stack Systems,
 * then their domains and owners by reference. The caller's credentials
 * decide what they see: callers who may read the whole catalog share one
 * overview for a few seconds, anyone else gets their own read
 * (SharedCatalogReads); the filter applies per request.
 */
export class DefaultStacksService implements StacksService {
  private constructor(
    private readonly catalog: CatalogService,
    private readonly reads: SharedCatalogReads,
  ) {}

  static create(options: {
    catalog: CatalogService;
    reads: SharedCatalogReads;
  }): DefaultStacksService {
    return new DefaultStacksService(options.catalog, options.reads);
  }

  async getStacks(
    filter: StacksFilter,
    options: { credentials: BackstageCredentials },
  ): Promise<StacksResponse> {
    const overview = await this.reads.read(
      'stacks-overview',
      options.credentials,
      read => this.overview(read),
    );
    return {
      ...overview,
      stacks: overview.stacks.filter(stack => matchesFilter(stack, filter)),
    };
  }

  /** Every stack the credentials may see, with their domains and summary. */
  private async overview(options: {
    credentials: BackstageCredentials;
  }): Promise<StacksResponse> {
    const { items } = await this.catalog.getEntities(
      {
        filter: { kind: 'system', 'spec.type': STACK_SYSTEM_TYPE },
        fields: STACK_ENTITY_FIELDS,
      },
      options,
    );
    const untitled = items.map(entity => readStack(entity));
    const linkedRefs = [
      ...new Set(
        untitled.flatMap(s => [s.domain?.entityRef, s.owner?.entityRef]),
      ),
    ].filter((ref): ref is string => Boolean(ref));
    const linked = linkedRefs.length
      ? await this.catalog.getEntitiesByRefs(
          { entityRefs: linkedRefs, fields: LINK_FIELDS },
          options,
        )
      : { items: [] };
    const titles = new Map<string, string>();
    const domains = new Map<string, StackDomain>();
    for (const entity of linked.items) {
      if (!entity) continue;
      const ref = stringifyEntityRef(entity);
      titles.set(ref, titleOf(entity));
      if (entity.kind.toLocaleLowerCase('en-US') === 'domain') {
        domains.set(ref, {
          entityRef: ref,
          title: titleOf(entity),
          description: entity.metadata.description,
        });
      }
    }
    const stacks: Stack[] = items
      .map(entity => readStack(entity, titles))
      .sort(compareStacks);
    // A stack whose domain the caller may not read still needs a group.
    for (const stack of stacks) {
      if (stack.domain && !domains.has(stack.domain.entityRef)) {
        domains.set(stack.domain.entityRef, { ...stack.domain });
      }
    }
    return {
      stacks,
      domains: orderDomains([...domains.values()], stacks),
      summary: summarizeStacks(stacks),
    };
  }
}

/** Domains ordered by their most urgent stack, as the review reads them. */
function orderDomains(domains: StackDomain[], ordered: Stack[]): StackDomain[] {
  const first = new Map<string, number>();
  ordered.forEach((stack, index) => {
    const ref = stack.domain?.entityRef;
    if (ref && !first.has(ref)) first.set(ref, index);
  });
  return domains.sort(
    (a, b) =>
      (first.get(a.entityRef) ?? Infinity) -
        (first.get(b.entityRef) ?? Infinity) || a.title.localeCompare(b.title),
  );
}
