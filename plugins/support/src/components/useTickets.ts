import { useCallback, useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  TicketQuery,
  TicketSummary,
} from '@internal/backstage-plugin-support-common';
import { supportApiRef } from '../api';

/** A paged list of tickets: the first page, then more on demand; reloads when the query changes. */
export function useTickets(query: TicketQuery | undefined) {
  const api = useApi(supportApiRef);
  const key = JSON.stringify(query ?? null);
  const [state, setState] = useState<{
    items: TicketSummary[];
    nextCursor?: string;
    loading: boolean;
    error?: Error;
  }>({ items: [], loading: true });
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    if (!query) return undefined;
    let active = true;
    setState(s => ({ ...s, loading: true, error: undefined }));
    api.list(query).then(
      page =>
        active &&
        setState({
          items: page.items,
          nextCursor: page.nextCursor,
          loading: false,
        }),
      error => active && setState({ items: [], loading: false, error }),
    );
    return () => {
      active = false;
    };
    // the query is compared by value
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key, reloads]);

  const loadMore = useCallback(async () => {
    if (!query || !state.nextCursor) return;
    const page = await api.list({ ...query, cursor: state.nextCursor });
    setState(s => ({
      ...s,
      items: [...s.items, ...page.items],
      nextCursor: page.nextCursor,
    }));
  }, [api, query, state.nextCursor]);

  const reload = useCallback(() => setReloads(n => n + 1), []);
  return { ...state, loadMore, reload };
}
