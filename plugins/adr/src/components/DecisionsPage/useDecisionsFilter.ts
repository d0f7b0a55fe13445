import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  ADR_STATUSES,
  AdrIndexFilter,
  isAdrStatus,
} from '@internal/backstage-plugin-adr-common';

const LIST_KEYS = ['status', 'system', 'stack', 'decider'] as const;
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
  const listOf = (key: string) => [
    ...new Set(
      params
        .getAll(key)
        .flatMap(v => v.split(','))
        .map(v => v.trim())
        .filter(Boolean),
    ),
  ];
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
  LIST_KEYS.every(key => !filter[key]?.length) &&
  !filter.from &&
  !filter.to &&
  !filter.q;

/** The Decisions page's filters, kept in the URL with the backend's parameter names. */
export function useDecisionsFilter() {
  const [searchParams, setSearchParams] = useSearchParams();
  const filterKey = JSON.stringify(parseDecisionsFilter(searchParams));
  const filter = useMemo(
    () => JSON.parse(filterKey) as AdrIndexFilter,
    [filterKey],
  );
  const setFilter = useCallback(
    (next: AdrIndexFilter) =>
      setSearchParams(
        current => {
          const params = new URLSearchParams(current);
          for (const key of [...LIST_KEYS, 'from', 'to', 'q'] as const)
            params.delete(key);
          for (const key of LIST_KEYS)
            for (const v of next[key] ?? []) params.append(key, v);
          if (next.from) params.set('from', next.from);
          if (next.to) params.set('to', next.to);
          if (next.q) params.set('q', next.q);
          return params;
        },
        { replace: true },
      ),
    [setSearchParams],
  );
  /** Only the text search (`q`), leaving the other filters as they are now. */
  const setText = useCallback(
    (q: string | undefined) =>
      setSearchParams(
        current => {
          const params = new URLSearchParams(current);
          params.delete('q');
          if (q) params.set('q', q);
          return params;
        },
        { replace: true },
      ),
    [setSearchParams],
  );
  const clearFilter = useCallback(() => setFilter({}), [setFilter]);
  return { filter, filterKey, setFilter, setText, clearFilter };
}
