import { useMemo } from 'react';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Typography from '@mui/material/Typography';
import { Link, Progress, WarningPanel } from '@backstage/core-components';
import { SlaChip } from './TicketChips';
import { ticketPath } from './TicketTable';
import { useTickets } from './useTickets';

const SHOWN = 6;

/** The home page widget: the caller's open tickets, the nearest breach first. */
export const MyTicketsWidgetContent = () => {
  const query = useMemo(
    () => ({ involving: 'me' as const, sort: 'breach' as const, limit: SHOWN }),
    [],
  );
  const { items, loading, error } = useTickets(query);
  if (loading) return <Progress />;
  if (error)
    return (
      <WarningPanel
        severity="error"
        title="Could not load your tickets"
        message={error.message}
      />
    );
  if (!items.length) {
    return (
      <Typography variant="body2" color="text.secondary">
        No open tickets raised by, assigned to or watched by you.
      </Typography>
    );
  }
  return (
    <List dense disablePadding aria-label="My open tickets">
      {items.map(t => (
        <ListItem
          key={t.id}
          disableGutters
          sx={{ gap: 1, justifyContent: 'space-between' }}
        >
          <Link to={ticketPath(t.id)}>
            #{t.id} {t.title}
          </Link>
          <SlaChip sla={t.sla} />
        </ListItem>
      ))}
    </List>
  );
};

export const MyTicketsWidgetActions = () => (
  <Link to="/support">All my tickets</Link>
);
