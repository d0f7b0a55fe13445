import { useCallback } from 'react';
import {
  isUrlFilterEmpty,
  listParam,
  useUrlFilter,
} from '@internal/backstage-plugin-portal-react';
import {
  ADR_STATUSES,
  AdrIndexFilter,
  isAdrStatus,
} from '@internal/backstage-plugin-adr-common';

const LIST_KEYS = ['status', 'system', 'stack', 'decider'] as const;
/** The page's query parameters, as the backend names them. */
const FILTER_KEYS = [...LIST_KEYS, 'from', 'to', 'q'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The longest text search the backend takes. */
export const Q_MAX = 200;

/** `stackpro` and `default/stackpro` as `system:default/stackpro`, as the catalog reads them. */
const systemRef = (value: string) => {
  const v = value.toLocaleLowerCase('en-US');
  if (v.includes(':')) return v;
  return v.includes('/') ? `system:${v}` : `system:default/${v}`;
};

/** Reads the page's filters from the query string, dropping values that cannot be valid. */
export function parseDecisionsFilter(params: URLSearchParams): AdrIndexFilter {
  const listOf = (key: string) => listParam(params, key);
  const filter: AdrIndexFilter = {
    status: ADR_STATUSES.filter(s =>
      listOf('status').filter(isAdrStatus).includes(s),
    ),
    system: [...new Set(listOf('system').map(systemRef))].sort(),
    stack: [...new Set(listOf('stack').map(systemRef))].sort(),
    decider: listOf('decider').sort(),
  };
  for (const key of LIST_KEYS) if (!filter[key]?.length) delete filter[key];
  const from = params.get('from');
  const to = params.get('to');
  if (from && DATE.test(from)) filter.from = from;
  if (to && DATE.test(to)) filter.to = to;
  const q = params.get('q')?.trim().slice(0, Q_MAX);
  if (q) filter.q = q;
  return filter;
}

export const isFilterEmpty = (filter: AdrIndexFilter) =>
  isUrlFilterEmpty(filter, FILTER_KEYS);

/** The Decisions page's filters, kept in the URL with the backend's parameter names. */
export function useDecisionsFilter() {
  const { filter, filterKey, setFilter, patchFilter, clearFilter } =
    useUrlFilter(parseDecisionsFilter, FILTER_KEYS);
  /** Only the text search (`q`), leaving the other filters as they are now. */
  const setText = useCallback(
    (q: string | undefined) => patchFilter({ q }),
    [patchFilter],
  );
  return { filter, filterKey, setFilter, setText, clearFilter };
}
