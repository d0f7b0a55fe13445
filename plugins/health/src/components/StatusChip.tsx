import Chip from '@mui/material/Chip';
import {
  ActiveAlert,
  ProbeStatus,
} from '@internal/backstage-plugin-health-common';
import { STATUS_COLORS, STATUS_LABELS } from './format';

/** The latest probe's status, or "Not probed yet". */
export const StatusChip = ({ status }: { status?: ProbeStatus }) => (
  <Chip
    size="small"
    label={status ? STATUS_LABELS[status] : 'Not probed yet'}
    data-testid="health-status"
    sx={{
      bgcolor: STATUS_COLORS[status ?? 'none'],
      color: '#fff',
      fontWeight: 600,
    }}
  />
);

/** Firing burn-rate alerts: pages in red, tickets in orange. */
export const AlertChips = ({ alerts }: { alerts: ActiveAlert[] }) => (
  <>
    {alerts.map(a => (
      <Chip
        key={a.rule}
        size="small"
        variant="outlined"
        color={a.severity === 'page' ? 'error' : 'warning'}
        label={`${a.severity} ${a.rule} · ${a.burnRate.toFixed(1)}x`}
        sx={{ mr: 0.5 }}
      />
    ))}
  </>
);
