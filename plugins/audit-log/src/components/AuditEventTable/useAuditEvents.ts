import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  AuditEvent,
  AuditEventFilter,
} from '@internal/backstage-plugin-audit-log-common';
import { auditLogApiRef } from '../../api';

/** Events per request. */
export const PAGE_SIZE = 50;

interface EventsState {
  items: AuditEvent[];
  nextCursor?: string;
  loading: boolean;
  loadingMore: boolean;
  error?: Error;
  /** A failed "Load older events"; the rows already shown stay. */
  moreError?: Error;
  /** How many events match, when the count answered. */
  total?: number;
}

const initial: EventsState = { items: [], loading: true, loadingMore: false };

/**
 * The matching events, newest first, one page at a time: the first page on
 * each filter change, older pages appended by `loadMore` with the backend's
 * cursor. Answers for a filter that is no longer current are dropped.
 */
export function useAuditEvents(filter: AuditEventFilter, filterKey: string) {
  const api = useApi(auditLogApiRef);
  const [state, setState] = useState<EventsState>(initial);
  const [reloads, setReloads] = useState(0);
  const generation = useRef(0);

  useEffect(() => {
    const current = ++generation.current;
    setState(initial);
    api.listEvents(filter, { limit: PAGE_SIZE }).then(
      page => {
        if (current !== generation.current) return;
        setState(s => ({
          ...s,
          items: page.items,
          nextCursor: page.nextCursor,
          loading: false,
        }));
      },
      error => {
        if (current !== generation.current) return;
        setState(s => ({ ...s, loading: false, error }));
      },
    );
    api.countEvents(filter).then(
      total => {
        if (current === generation.current) setState(s => ({ ...s, total }));
      },
      () => {
        // The count is a nicety; the list says what went wrong.
      },
    );
    // filterKey changes exactly when the filter's content does
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, filterKey, reloads]);

  const loadMore = useCallback(() => {
    const cursor = state.nextCursor;
    if (!cursor || state.loadingMore) return;
    const current = generation.current;
    setState(s => ({ ...s, loadingMore: true, moreError: undefined }));
    api.listEvents(filter, { cursor, limit: PAGE_SIZE }).then(
      page => {
        if (current !== generation.current) return;
        setState(s => {
          const seen = new Set(s.items.map(item => item.id));
          return {
            ...s,
            items: [...s.items, ...page.items.filter(e => !seen.has(e.id))],
            nextCursor: page.nextCursor,
            loadingMore: false,
          };
        });
      },
      error => {
        if (current !== generation.current) return;
        setState(s => ({ ...s, loadingMore: false, moreError: error }));
      },
    );
  }, [api, filter, state.nextCursor, state.loadingMore]);

  const retry = useCallback(() => setReloads(n => n + 1), []);

  return { ...state, loadMore, retry };
}
