import { useEffect, useMemo, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import {
  QueueInfo,
  TicketQuery,
} from '@internal/backstage-plugin-support-common';
import { useSearchParams } from 'react-router-dom';
import { WriteGuard } from '@internal/backstage-plugin-admin-react';
import { supportApiRef } from '../api';
import { TicketFilters } from './TicketFilters';
import { TicketTable } from './TicketTable';
import { useTickets } from './useTickets';

/** A group's queue, or the support role's (every ticket): filters, time to breach, bulk assign. */
export const QueueView = () => {
  const api = useApi(supportApiRef);
  const identity = useApi(identityApiRef);
  const [params, setParams] = useSearchParams();
  const [queues, setQueues] = useState<QueueInfo[]>();
  const [error, setError] = useState<Error>();
  const [filters, setFilters] = useState<TicketQuery>({ sort: 'breach' });
  const [selected, setSelected] = useState(new Set<number>());
  const [assignee, setAssignee] = useState('');
  const [outcome, setOutcome] = useState<string>();

  useEffect(() => {
    api.queues().then(setQueues, setError);
    identity.getBackstageIdentity().then(i => setAssignee(i.userEntityRef));
  }, [api, identity]);

  const queue = params.get('queue') ?? queues?.[0]?.ref;
  const query = useMemo(
    () => (queue ? { ...filters, queue } : undefined),
    [filters, queue],
  );
  const {
    items,
    loading,
    error: listError,
    nextCursor,
    loadMore,
    reload,
  } = useTickets(query);

  if (error)
    return (
      <ResponseErrorPanel title="Could not load your queues" error={error} />
    );
  if (!queues) return <Progress />;
  if (!queues.length) {
    return (
      <EmptyState
        missing="data"
        title="You are in no team queue"
        description="Queues belong to the groups that own entities. Tickets you raised are under My tickets."
      />
    );
  }

  const assign = async (ref: string | null) => {
    const result = await api.bulkAssign([...selected], ref);
    setOutcome(
      `${result.assigned.length} assigned${
        result.refused.length
          ? `; refused: ${result.refused
              .map(r => `#${r.id} (${r.reason})`)
              .join(', ')}`
          : ''
      }`,
    );
    setSelected(new Set());
    reload();
  };

  return (
    <>
      <Box display="flex" gap={2} alignItems="center" mb={2}>
        <TextField
          select
          size="small"
          label="Queue"
          value={queue}
          sx={{ minWidth: 260 }}
          onChange={e => {
            setSelected(new Set());
            setParams({ tab: 'queue', queue: e.target.value });
          }}
        >
          {queues.map(q => (
            <MenuItem key={q.ref} value={q.ref}>
              {q.title} · {q.open} open
              {q.breached ? ` · ${q.breached} breached` : ''}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      <TicketFilters query={filters} onChange={setFilters} />
      {selected.size > 0 && (
        <Box
          display="flex"
          gap={1}
          alignItems="center"
          mb={1}
          data-testid="bulk-actions"
        >
          <span>{selected.size} selected</span>
          <WriteGuard>
            <Button
              size="small"
              variant="contained"
              onClick={() => assign(assignee)}
            >
              Assign to me
            </Button>
          </WriteGuard>
          <WriteGuard>
            <Button size="small" onClick={() => assign(null)}>
              Unassign
            </Button>
          </WriteGuard>
        </Box>
      )}
      {outcome && (
        <Alert
          severity="info"
          onClose={() => setOutcome(undefined)}
          sx={{ mb: 1 }}
        >
          {outcome}
        </Alert>
      )}
      {loading && <Progress />}
      {listError && (
        <ResponseErrorPanel
          title="Could not load the queue"
          error={listError}
        />
      )}
      {!loading && !listError && !items.length && (
        <EmptyState
          missing="data"
          title="Nothing in this queue"
          description="No ticket matches these filters."
        />
      )}
      {!loading && items.length > 0 && (
        <TicketTable
          tickets={items}
          selected={selected}
          onSelect={setSelected}
        />
      )}
      {nextCursor && (
        <Button onClick={loadMore} sx={{ mt: 1 }}>
          Show more
        </Button>
      )}
    </>
  );
};
