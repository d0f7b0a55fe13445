import Chip from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import { Outcome, Severity } from '@internal/backstage-plugin-audit-log-common';
import { OUTCOME_LABELS, SEVERITY_COLORS, SEVERITY_LABELS } from '../../format';

export const SeverityChip = ({ severity }: { severity: Severity }) => (
  <Chip
    size="small"
    label={SEVERITY_LABELS[severity] ?? severity}
    sx={{
      m: 0,
      fontWeight: severity === 'critical' ? 700 : undefined,
      color: severity === 'medium' ? 'common.black' : 'common.white',
      backgroundColor: SEVERITY_COLORS[severity] ?? 'grey.500',
    }}
  />
);

/** A failed outcome is red and carries its error as a tooltip. */
export const OutcomeChip = ({
  outcome,
  error,
}: {
  outcome: Outcome;
  error?: string;
}) => {
  const chip = (
    <Chip
      size="small"
      variant={outcome === 'initiated' ? 'outlined' : 'filled'}
      color={
        // eslint-disable-next-line no-nested-ternary
        outcome === 'failed'
          ? 'error'
          : outcome === 'succeeded'
          ? 'success'
          : 'default'
      }
      label={OUTCOME_LABELS[outcome] ?? outcome}
      sx={{ m: 0 }}
    />
  );
  return outcome === 'failed' && error ? (
    <Tooltip title={error} describeChild>
      {chip}
    </Tooltip>
  ) : (
    chip
  );
};
