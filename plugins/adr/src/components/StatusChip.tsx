import Chip from '@mui/material/Chip';
import { AdrStatus } from '@internal/backstage-plugin-adr-common';

const COLORS = {
  proposed: 'info',
  accepted: 'success',
  rejected: 'default',
  deprecated: 'warning',
  superseded: 'default',
} as const satisfies Record<AdrStatus, string>;

export const STATUS_LABELS: Record<AdrStatus, string> = {
  proposed: 'Proposed',
  accepted: 'Accepted',
  rejected: 'Rejected',
  deprecated: 'Deprecated',
  superseded: 'Superseded',
};

/** A decision's status; an unreadable status is shown as written, in red. */
export const StatusChip = ({
  status,
  statusText,
}: {
  status?: AdrStatus;
  statusText?: string;
}) =>
  status ? (
    <Chip
      size="small"
      color={COLORS[status]}
      variant={
        status === 'superseded' || status === 'rejected' ? 'outlined' : 'filled'
      }
      label={STATUS_LABELS[status]}
    />
  ) : (
    <Chip
      size="small"
      color="error"
      variant="outlined"
      label={statusText ? `Status? "${statusText}"` : 'No status'}
    />
  );
