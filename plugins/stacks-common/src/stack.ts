import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  DOC_STATUSES,
  DocStatus,
  isDocStatus,
  isLayer,
  isPriority,
  Layer,
  LAYERS,
  PRIORITIES,
  Priority,
  splitLines,
  STACK_ANNOTATIONS,
  STACK_LABELS,
} from './fields';

/** A reference to another catalog entity, with the title to show for it. */
export interface EntityLink {
  entityRef: string;
  title: string;
}

/** A stack as the Stacks overview shows it. */
export interface Stack {
  entityRef: string;
  name: string;
  title: string;
  description?: string;
  domain?: EntityLink;
  owner?: EntityLink;
  layer?: Layer;
  priority?: Priority;
  docStatus?: DocStatus;
  systemFeatures: string[];
  userFeatures: string[];
  /** Position in the architecture review's priority order, when listed there. */
  reviewRank?: number;
}

/** Counts of stacks per documentation status, for one priority. */
export type StatusCounts = Record<DocStatus, number>;

export interface StacksSummary {
  total: number;
  byPriority: Record<Priority, StatusCounts>;
  byStatus: StatusCounts;
}

export interface StackDomain extends EntityLink {
  description?: string;
}

/** The answer of `GET /api/stacks/stacks`. */
export interface StacksResponse {
  /** The stacks that match the filters, most urgent first. */
  stacks: Stack[];
  /** Every domain that holds a stack, in display order. */
  domains: StackDomain[];
  /** Summary over every stack the caller may see (filters do not apply). */
  summary: StacksSummary;
}

/** Filters of `GET /api/stacks/stacks`; each is a list of allowed values. */
export interface StacksFilter {
  domain?: string[];
  layer?: Layer[];
  priority?: Priority[];
  status?: DocStatus[];
}

/** The catalog fields the stacks overview needs. */
export const STACK_ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.description',
  'metadata.labels',
  'metadata.annotations',
  'spec.type',
  'spec.domain',
  'spec.owner',
];

/** Reads a stack from its System entity; titles of links default to names. */
export function readStack(
  entity: Entity,
  titles: Map<string, string> = new Map(),
): Stack {
  const labels = entity.metadata.labels ?? {};
  const annotations = entity.metadata.annotations ?? {};
  const link = (ref: unknown, kind: string): EntityLink | undefined => {
    if (typeof ref !== 'string' || !ref) return undefined;
    const full = stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: kind,
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
    return {
      entityRef: full,
      title: titles.get(full) ?? parseEntityRef(full).name,
    };
  };
  const rank = Number(annotations[STACK_ANNOTATIONS.reviewRank]);
  const layer = labels[STACK_LABELS.layer];
  const priority = labels[STACK_LABELS.priority];
  const docStatus = labels[STACK_LABELS.docStatus];
  return {
    entityRef: stringifyEntityRef(entity),
    name: entity.metadata.name,
    title: entity.metadata.title ?? entity.metadata.name,
    description: entity.metadata.description,
    domain: link(entity.spec?.domain, 'domain'),
    owner: link(entity.spec?.owner, 'group'),
    layer: isLayer(layer) ? layer : undefined,
    priority: isPriority(priority) ? priority : undefined,
    docStatus: isDocStatus(docStatus) ? docStatus : undefined,
    systemFeatures: splitLines(annotations[STACK_ANNOTATIONS.systemFeatures]),
    userFeatures: splitLines(annotations[STACK_ANNOTATIONS.userFeatures]),
    reviewRank: Number.isInteger(rank) && rank > 0 ? rank : undefined,
  };
}

const rankOf = <T>(list: readonly T[], value: T | undefined) =>
  value === undefined ? list.length : list.indexOf(value);

/**
 * Orders stacks most urgent first: by priority, then the review's rank, then
 * missing before incomplete before complete, then layer, then title.
 */
export function compareStacks(a: Stack, b: Stack): number {
  return (
    rankOf(PRIORITIES, a.priority) - rankOf(PRIORITIES, b.priority) ||
    (a.reviewRank ?? Infinity) - (b.reviewRank ?? Infinity) ||
    rankOf([...DOC_STATUSES].reverse(), a.docStatus) -
      rankOf([...DOC_STATUSES].reverse(), b.docStatus) ||
    rankOf(LAYERS, a.layer) - rankOf(LAYERS, b.layer) ||
    a.title.localeCompare(b.title)
  );
}

const emptyCounts = (): StatusCounts => ({
  complete: 0,
  incomplete: 0,
  missing: 0,
});

/** Counts stacks per priority and documentation status. */
export function summarizeStacks(stacks: Stack[]): StacksSummary {
  const byPriority = Object.fromEntries(
    PRIORITIES.map(p => [p, emptyCounts()]),
  ) as Record<Priority, StatusCounts>;
  const byStatus = emptyCounts();
  for (const stack of stacks) {
    if (stack.docStatus) {
      byStatus[stack.docStatus] += 1;
      if (stack.priority) byPriority[stack.priority][stack.docStatus] += 1;
    }
  }
  return { total: stacks.length, byPriority, byStatus };
}

/** Whether a stack passes every given filter (an empty filter passes all). */
export function matchesFilter(stack: Stack, filter: StacksFilter): boolean {
  const pass = <T>(allowed: T[] | undefined, value: T | undefined) =>
    !allowed?.length || (value !== undefined && allowed.includes(value));
  return (
    pass(filter.domain, stack.domain?.entityRef) &&
    pass(filter.layer, stack.layer) &&
    pass(filter.priority, stack.priority) &&
    pass(filter.status, stack.docStatus)
  );
}
