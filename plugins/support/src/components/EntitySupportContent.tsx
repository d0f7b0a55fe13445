import { useMemo, useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import AddIcon from '@mui/icons-material/Add';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useNavigate } from 'react-router-dom';
import { WriteGuard } from '@internal/backstage-plugin-admin-react';
import { RaiseTicketDialog } from './RaiseTicketDialog';
import { ticketPath, TicketTable } from './TicketTable';
import { useTickets } from './useTickets';

/** The entity "Support" tab: its open tickets with their SLA, and "Raise a ticket". */
export const EntitySupportContent = () => {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const navigate = useNavigate();
  const [raising, setRaising] = useState(false);
  const query = useMemo(
    () => ({ entityRef, sort: 'breach' as const, limit: 50 }),
    [entityRef],
  );
  const { items, loading, error, nextCursor, loadMore } = useTickets(query);

  const action = (
    <WriteGuard>
      <Button
        variant="contained"
        startIcon={<AddIcon />}
        onClick={() => setRaising(true)}
      >
        Raise a ticket
      </Button>
    </WriteGuard>
  );
  let body;
  if (loading) body = <Progress />;
  else if (error)
    body = (
      <ResponseErrorPanel title="Could not load the tickets" error={error} />
    );
  else if (!items.length)
    body = (
      <EmptyState
        missing="data"
        title="No open tickets"
        description={`Nobody is waiting on the owners of ${
          entity.metadata.title ?? entity.metadata.name
        }. Raise a ticket to ask them for help or report an incident.`}
        action={action}
      />
    );
  else
    body = (
      <>
        <TicketTable tickets={items} showEntity={false} />
        {nextCursor && (
          <Button onClick={loadMore} sx={{ mt: 1 }}>
            Show more
          </Button>
        )}
      </>
    );

  return (
    <InfoCard
      title="Open tickets"
      subheader="Sorted by time to breach"
      action={items.length ? action : undefined}
    >
      {!entity.relations?.some(r => r.type === 'ownedBy') && (
        <Alert severity="info" sx={{ mb: 2 }}>
          This entity has no owning group: its tickets go to the support queue.
        </Alert>
      )}
      {body}
      <RaiseTicketDialog
        entity={entity}
        open={raising}
        onClose={() => setRaising(false)}
        onRaised={ticket => navigate(ticketPath(ticket.id))}
      />
    </InfoCard>
  );
};
