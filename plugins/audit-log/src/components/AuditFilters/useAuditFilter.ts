import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  isUrlFilterEmpty,
  listParam,
  useUrlFilter,
} from '@internal/backstage-plugin-portal-react';
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
  const listOf = (key: FilterKey) => listParam(params, key);
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
    const values = listOf(key);
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

export function isFilterEmpty(filter: AuditEventFilter): boolean {
  return isUrlFilterEmpty(filter, FILTER_KEYS);
}

/**
 * The page's filters, kept in the URL with the backend's parameter names
 * (`/compliance?severity=high&severity=critical&actor=user:default/eli.martin`)
 * so that a filtered view can be shared with another auditor and reloaded.
 * `patchFilter` is for the text filters, which apply after a pause.
 */
export function useAuditFilter() {
  return useUrlFilter(parseAuditFilter, FILTER_KEYS);
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
