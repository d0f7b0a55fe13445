import Checkbox from '@mui/material/Checkbox';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { Link } from '@backstage/core-components';
import { parseEntityRef } from '@backstage/catalog-model';
import { TicketSummary } from '@internal/backstage-plugin-support-common';
import { PriorityChip, SlaChip, StatusChip } from './TicketChips';

export const ticketPath = (id: number) => `/support/tickets/${id}`;
export const shortRef = (ref?: string) =>
  ref ? parseEntityRef(ref).name : '—';

/** Tickets in a table; with `selected`, each row has a checkbox for bulk actions. */
export const TicketTable = ({
  tickets,
  selected,
  onSelect,
  showEntity = true,
}: {
  tickets: TicketSummary[];
  selected?: Set<number>;
  onSelect?: (ids: Set<number>) => void;
  showEntity?: boolean;
}) => {
  const toggle = (id: number) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onSelect?.(next);
  };
  const allSelected =
    !!selected && tickets.length > 0 && tickets.every(t => selected.has(t.id));
  return (
    <Table size="small" aria-label="Tickets">
      <TableHead>
        <TableRow>
          {selected && (
            <TableCell padding="checkbox">
              <Checkbox
                checked={allSelected}
                inputProps={{ 'aria-label': 'Select every ticket shown' }}
                onChange={() =>
                  onSelect?.(
                    allSelected ? new Set() : new Set(tickets.map(t => t.id)),
                  )
                }
              />
            </TableCell>
          )}
          <TableCell>Ticket</TableCell>
          {showEntity && <TableCell>Entity</TableCell>}
          <TableCell>Priority</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Assignee</TableCell>
          <TableCell>SLA</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {tickets.map(t => (
          <TableRow key={t.id} hover data-testid={`ticket-row-${t.id}`}>
            {selected && (
              <TableCell padding="checkbox">
                <Checkbox
                  checked={selected.has(t.id)}
                  inputProps={{ 'aria-label': `Select ticket #${t.id}` }}
                  onChange={() => toggle(t.id)}
                />
              </TableCell>
            )}
            <TableCell>
              <Link to={ticketPath(t.id)}>
                #{t.id} {t.title}
              </Link>
              <Typography
                variant="caption"
                display="block"
                color="text.secondary"
              >
                {t.type} · raised by {shortRef(t.requesterRef)} ·{' '}
                {new Date(t.createdAt).toLocaleString()}
                {t.labels.length ? ` · ${t.labels.join(', ')}` : ''}
              </Typography>
            </TableCell>
            {showEntity && (
              <TableCell>{t.entityTitle ?? t.entityRef}</TableCell>
            )}
            <TableCell>
              <PriorityChip priority={t.priority} />
            </TableCell>
            <TableCell>
              <StatusChip status={t.status} />
            </TableCell>
            <TableCell>{shortRef(t.assigneeRef)}</TableCell>
            <TableCell>
              <SlaChip sla={t.sla} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
