import {
  isUrlFilterEmpty,
  listParam,
  useUrlFilter,
} from '@internal/backstage-plugin-portal-react';
import {
  DOC_STATUSES,
  isDocStatus,
  isLayer,
  isPriority,
  LAYERS,
  PRIORITIES,
  StacksFilter,
} from '@internal/backstage-plugin-stacks-common';

export type FilterKey = keyof StacksFilter;

/** Also the names of the page's URL query parameters, as in the backend's. */
export const FILTER_KEYS: FilterKey[] = [
  'domain',
  'layer',
  'priority',
  'status',
];

/** Keeps the allowed values, once each, in the order of `order`. */
const ordered = <T extends string>(
  values: string[],
  order: readonly T[],
  is: (value: unknown) => value is T,
): T[] => order.filter(item => values.filter(is).includes(item));

/**
 * Reads the filters from a query string; each parameter may be repeated or
 * comma-separated. Values that cannot be a layer, priority or status are
 * dropped rather than sent to the backend; domains are passed on as written
 * (the backend checks they are domain references).
 */
export function parseStacksFilter(params: URLSearchParams): StacksFilter {
  const listOf = (key: FilterKey) => listParam(params, key);
  const filter: StacksFilter = {
    domain: listOf('domain').sort(),
    layer: ordered(listOf('layer'), LAYERS, isLayer),
    priority: ordered(listOf('priority'), PRIORITIES, isPriority),
    status: ordered(listOf('status'), DOC_STATUSES, isDocStatus),
  };
  for (const key of FILTER_KEYS) {
    if (!filter[key]?.length) delete filter[key];
  }
  return filter;
}

export function isFilterEmpty(filter: StacksFilter): boolean {
  return isUrlFilterEmpty(filter, FILTER_KEYS);
}

/**
 * The page's filters, kept in the URL with the backend's parameter names
 * (`/stacks?priority=critical&status=incomplete`) so that a filtered view can
 * be shared and reloaded.
 */
export function useStacksFilter() {
  const { filter, filterKey, setFilter, clearFilter } = useUrlFilter(
    parseStacksFilter,
    FILTER_KEYS,
  );
  return { filter, filterKey, setFilter, clearFilter };
}
