import { useMemo, useState } from 'react';
import Button from '@mui/material/Button';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { TicketQuery } from '@internal/backstage-plugin-support-common';
import { TicketFilters } from './TicketFilters';
import { TicketTable } from './TicketTable';
import { useTickets } from './useTickets';

/** Tickets the caller raised, is assigned or watches. */
export const MyTicketsView = () => {
  const [filters, setFilters] = useState<TicketQuery>({ sort: 'updated' });
  const query = useMemo(
    () => ({ ...filters, involving: 'me' as const }),
    [filters],
  );
  const { items, loading, error, nextCursor, loadMore } = useTickets(query);
  return (
    <>
      <TicketFilters query={filters} onChange={setFilters} />
      {loading && <Progress />}
      {error && (
        <ResponseErrorPanel title="Could not load your tickets" error={error} />
      )}
      {!loading && !error && !items.length && (
        <EmptyState
          missing="data"
          title="No tickets"
          description="Tickets you raise, are assigned or watch show here. Raise one from the Support tab of any entity."
        />
      )}
      {!loading && items.length > 0 && <TicketTable tickets={items} />}
      {nextCursor && (
        <Button onClick={loadMore} sx={{ mt: 1 }}>
          Show more
        </Button>
      )}
    </>
  );
};
