import Chip from '@mui/material/Chip';
import {
  DocStatus,
  Layer,
  Priority,
} from '@internal/backstage-plugin-stacks-common';
import {
  DOC_STATUS_COLORS,
  DOC_STATUS_LABELS,
  layerLabel,
  PRIORITY_COLORS,
  PRIORITY_LABELS,
} from '../../labels';

const NotSet = ({ what }: { what: string }) => (
  <Chip size="small" variant="outlined" label={`No ${what}`} />
);

export const LayerChip = ({ layer }: { layer?: Layer }) =>
  layer ? (
    <Chip size="small" variant="outlined" label={layerLabel(layer)} />
  ) : (
    <NotSet what="layer" />
  );

export const PriorityChip = ({ priority }: { priority?: Priority }) =>
  priority ? (
    <Chip
      size="small"
      variant={priority === 'critical' ? 'filled' : 'outlined'}
      color={PRIORITY_COLORS[priority]}
      label={PRIORITY_LABELS[priority]}
    />
  ) : (
    <NotSet what="priority" />
  );

export const DocStatusChip = ({ status }: { status?: DocStatus }) =>
  status ? (
    <Chip
      size="small"
      color={DOC_STATUS_COLORS[status]}
      label={DOC_STATUS_LABELS[status]}
    />
  ) : (
    <NotSet what="status" />
  );
