import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  AuditEventFilter,
  OUTCOMES,
  SEVERITIES,
} from '@internal/backstage-plugin-audit-log-common';

export type FilterKey = keyof AuditEventFilter;

/** Also the names of the page's URL query parameters, as in the backend's. */
export const FILTER_KEYS: FilterKey[] = [
  'actor',
  'action',
  'plugin',
  'severity',
  'outcome',
  'target',
  'from',
  'to',
  'q',
];

const TEXT_KEYS = ['actor', 'target', 'q'] as const;
const TIME_KEYS = ['from', 'to'] as const;
const LIST_KEYS = ['action', 'plugin'] as const;

/** The query parameter that names the event open in the drawer. */
export const EVENT_PARAM = 'event';

/**
 * Reads the filters from a query string; lists may be repeated or
 * comma-separated. Severities and outcomes that do not exist and times that
 * do not parse are dropped rather than sent to the backend.
 */
export function parseAuditFilter(params: URLSearchParams): AuditEventFilter {
  const listOf = (key: FilterKey) =>
    params
      .getAll(key)
      .flatMap(value => value.split(','))
      .map(value => value.trim())
      .filter(Boolean);
  const filter: AuditEventFilter = {};
  for (const key of TEXT_KEYS) {
    const value = params.get(key)?.trim();
    if (value) filter[key] = value;
  }
  for (const key of TIME_KEYS) {
    const value = params.get(key)?.trim();
    if (value && !Number.isNaN(Date.parse(value))) {
      filter[key] = new Date(value).toISOString();
    }
  }
  for (const key of LIST_KEYS) {
    const values = [...new Set(listOf(key))];
    if (values.length) filter[key] = values;
  }
  const severities = listOf('severity');
  const severity = SEVERITIES.filter(s => severities.includes(s));
  if (severity.length) filter.severity = severity;
  const outcomes = listOf('outcome');
  const outcome = OUTCOMES.filter(o => outcomes.includes(o));
  if (outcome.length) filter.outcome = outcome;
  return filter;
}

/** The query string with `filter` in place of its filters; other parameters kept. */
function withFilter(
  current: URLSearchParams,
  filter: AuditEventFilter,
): URLSearchParams {
  const params = new URLSearchParams(current);
  for (const key of FILTER_KEYS) {
    params.delete(key);
    const value = filter[key];
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item) params.append(key, item);
    }
  }
  return params;
}

export function isFilterEmpty(filter: AuditEventFilter): boolean {
  return FILTER_KEYS.every(key => {
    const value = filter[key];
    return Array.isArray(value) ? value.length === 0 : !value;
  });
}

/**
 * The page's filters, kept in the URL with the backend's parameter names
 * (`/compliance?severity=high&severity=critical&actor=user:default/eli.martin`)
 * so that a filtered view can be shared with another auditor and reloaded.
 */
export function useAuditFilter() {
  const [searchParams, setSearchParams] = useSearchParams();
  const filterKey = JSON.stringify(parseAuditFilter(searchParams));
  const filter = useMemo(
    () => JSON.parse(filterKey) as AuditEventFilter,
    [filterKey],
  );

  const setFilter = useCallback(
    (next: AuditEventFilter) =>
      setSearchParams(current => withFilter(current, next), { replace: true }),
    [setSearchParams],
  );
  /**
   * Changes some filters and keeps the others as the URL has them now, not as
   * they were when the change began (a text filter applies after a pause).
   */
  const patchFilter = useCallback(
    (patch: AuditEventFilter) =>
      setSearchParams(
        current =>
          withFilter(current, { ...parseAuditFilter(current), ...patch }),
        { replace: true },
      ),
    [setSearchParams],
  );
  const clearFilter = useCallback(() => setFilter({}), [setFilter]);

  return { filter, filterKey, setFilter, patchFilter, clearFilter };
}

/**
 * The event open in the detail drawer, as `?event=<id>`: a link to one event
 * can be shared, and the browser's Back closes the drawer.
 */
export function useSelectedEvent() {
  const [searchParams, setSearchParams] = useSearchParams();
  const selectedId = searchParams.get(EVENT_PARAM) ?? undefined;

  const open = useCallback(
    (id: string) =>
      setSearchParams(current => {
        const params = new URLSearchParams(current);
        params.set(EVENT_PARAM, id);
        return params;
      }),
    [setSearchParams],
  );
  const close = useCallback(
    () =>
      setSearchParams(
        current => {
          const params = new URLSearchParams(current);
          params.delete(EVENT_PARAM);
          return params;
        },
        { replace: true },
      ),
    [setSearchParams],
  );

  return { selectedId, open, close };
}

/** `2026-11-22T14:03` in the browser's zone, for a `datetime-local` input. */
export function isoToLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(
    date.getDate(),
  )}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A `datetime-local` value (the browser's zone) as an ISO UTC timestamp. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
