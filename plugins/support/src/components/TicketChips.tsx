import Chip from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import {
  Priority,
  STATUS_LABELS,
  TicketSla,
  TicketStatus,
} from '@internal/backstage-plugin-support-common';

const PRIORITY_COLORS: Record<
  Priority,
  'error' | 'warning' | 'info' | 'default'
> = {
  P1: 'error',
  P2: 'warning',
  P3: 'info',
  P4: 'default',
};

export const PriorityChip = ({ priority }: { priority: Priority }) => (
  <Chip
    size="small"
    label={priority}
    color={PRIORITY_COLORS[priority]}
    data-testid="priority-chip"
  />
);

export const StatusChip = ({ status }: { status: TicketStatus }) => (
  <Chip
    size="small"
    variant="outlined"
    label={STATUS_LABELS[status]}
    color={status === 'resolved' || status === 'closed' ? 'success' : 'default'}
    data-testid="status-chip"
  />
);

/** `1 h 5 min`, `3 min`, `2 d 4 h` */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 1) return 'under a minute';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days) return `${days} d${hours ? ` ${hours} h` : ''}`;
  if (hours) return `${hours} h${mins ? ` ${mins} min` : ''}`;
  return `${mins} min`;
}

/** The SLA at a glance: breached, due in, paused, met. */
export const SlaChip = ({
  sla,
  now = Date.now(),
}: {
  sla: TicketSla;
  now?: number;
}) => {
  const clocks = [sla.response, sla.resolution];
  let label: string;
  let color: 'error' | 'warning' | 'success' | 'default' = 'default';
  let title: string;
  if (clocks.some(c => c.state === 'breached')) {
    label = 'SLA breached';
    color = 'error';
    title =
      sla.response.state === 'breached'
        ? 'First response target missed'
        : 'Resolution target missed';
  } else if (sla.paused) {
    label = 'SLA paused';
    title =
      'The clock stands still while the ticket waits on its requester or is resolved';
  } else if (sla.nextBreachAt) {
    const left = Date.parse(sla.nextBreachAt) - now;
    label = left > 0 ? `Breach in ${formatDuration(left)}` : 'Breaching now';
    color =
      clocks.some(c => c.state === 'warning') || left <= 0
        ? 'warning'
        : 'default';
    title = `Due ${new Date(sla.nextBreachAt).toLocaleString()}${
      sla.calendar && sla.calendar !== '24x7' ? ` (${sla.calendar} hours)` : ''
    }`;
  } else if (clocks.some(c => c.state === 'met')) {
    label = 'SLA met';
    color = 'success';
    title = 'Every target was reached in time';
  } else {
    label = 'No SLA';
    title = 'This priority has no SLA targets';
  }
  return (
    <Tooltip title={title}>
      <Chip size="small" label={label} color={color} data-testid="sla-chip" />
    </Tooltip>
  );
};
