import { useCallback, useMemo } from 'react';
import { useQueryParamState } from '@backstage/core-components';
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

export const FILTER_KEYS: FilterKey[] = ['domain', 'layer', 'priority', 'status'];

/** The URL query parameter that holds the filters, as the catalog's does. */
export const FILTER_QUERY_PARAM = 'filters';

const listOf = (value: unknown): string[] => {
  const items = Array.isArray(value)
    ? value
    : typeof value === 'string'
    ? value.split(',')
    : [];
  return items
    .filter((item): item is string => typeof item === 'string')
    .map(item => item.trim())
    .filter(Boolean);
};

/** Keeps the allowed values, once each, in the order of `order`. */
const ordered = <T extends string>(
  values: string[],
  order: readonly T[],
  is: (value: unknown) => value is T,
): T[] => order.filter(item => values.filter(is).includes(item));

/**
 * Reads the filters from what the URL holds. Values that cannot be a layer,
 * priority or status are dropped rather than sent to the backend; domains are
 * passed on as written (the backend checks they are domain references).
 */
export function parseStacksFilter(raw: unknown): StacksFilter {
  const query =
    raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const filter: StacksFilter = {
    domain: [...new Set(listOf(query.domain))].sort(),
    layer: ordered(listOf(query.layer), LAYERS, isLayer),
    priority: ordered(listOf(query.priority), PRIORITIES, isPriority),
    status: ordered(listOf(query.status), DOC_STATUSES, isDocStatus),
  };
  for (const key of FILTER_KEYS) {
    if (!filter[key]?.length) delete filter[key];
  }
  return filter;
}

export function isFilterEmpty(filter: StacksFilter): boolean {
  return FILTER_KEYS.every(key => !filter[key]?.length);
}

/**
 * The page's filters, kept in the URL (`?filters[layer][0]=L1&...`) so a
 * filtered view can be shared and reloaded.
 */
export function useStacksFilter() {
  const [raw, setRaw] = useQueryParamState<StacksFilter | undefined>(
    FILTER_QUERY_PARAM,
  );
  const key = JSON.stringify(parseStacksFilter(raw));
  const filter = useMemo(() => JSON.parse(key) as StacksFilter, [key]);

  const setFilter = useCallback(
    (next: StacksFilter) => {
      const parsed = parseStacksFilter(next);
      setRaw(isFilterEmpty(parsed) ? undefined : parsed);
    },
    [setRaw],
  );
  const clearFilter = useCallback(() => setRaw(undefined), [setRaw]);

  return { filter, filterKey: key, setFilter, clearFilter };
}
