import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import Typography from '@mui/material/Typography';
import GppBadIcon from '@mui/icons-material/GppBad';
import HourglassEmptyIcon from '@mui/icons-material/HourglassEmpty';
import VerifiedUserIcon from '@mui/icons-material/VerifiedUser';
import { InfoCard, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { ChainVerification } from '@internal/backstage-plugin-audit-log-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { auditLogApiRef } from '../../api';
import { formatNumber, formatUtc } from '../../format';

const Checked = ({ result }: { result: ChainVerification }) => (
  <Typography
    variant="body2"
    color="text.secondary"
    data-testid="audit-chain-checked"
  >
    {formatNumber(result.checked)} {result.checked === 1 ? 'event' : 'events'}{' '}
    checked in {formatNumber(result.durationMs)} ms, at{' '}
    {formatUtc(result.checkedAt)}
  </Typography>
);

const Verdict = ({
  result,
  onOpenEvent,
}: {
  result: ChainVerification;
  onOpenEvent: (id: string) => void;
}) => {
  if (!result.ok && result.brokenAt) {
    const { seq, id, reason } = result.brokenAt;
    return (
      <Box sx={{ display: 'flex', gap: 2 }} data-testid="audit-chain-status">
        <GppBadIcon sx={{ color: 'error.main', fontSize: 40 }} />
        <Box>
          <Typography
            role="alert"
            variant="h6"
            component="p"
            sx={{ color: 'error.main' }}
          >
            Chain broken at #{seq}: {reason}
          </Typography>
          {result.verifiedUpTo && (
            <Typography variant="body2">
              Events up to #{result.verifiedUpTo.seq} verify; from #{seq} on the
              log cannot be trusted.
            </Typography>
          )}
          <Checked result={result} />
          <Link
            component="button"
            variant="body2"
            onClick={() => onOpenEvent(id)}
            sx={{ mt: 1 }}
          >
            Open event #{seq}
          </Link>
        </Box>
      </Box>
    );
  }
  if (!result.ok) {
    return (
      <Typography
        role="alert"
        sx={{ color: 'error.main' }}
        data-testid="audit-chain-status"
      >
        The chain does not verify.
      </Typography>
    );
  }
  if (!result.verifiedUpTo) {
    return (
      <Box sx={{ display: 'flex', gap: 2 }} data-testid="audit-chain-status">
        <HourglassEmptyIcon sx={{ color: 'text.secondary', fontSize: 40 }} />
        <Box>
          <Typography variant="h6" component="p">
            No events yet: nothing to verify
          </Typography>
          <Checked result={result} />
        </Box>
      </Box>
    );
  }
  return (
    <Box sx={{ display: 'flex', gap: 2 }} data-testid="audit-chain-status">
      <VerifiedUserIcon sx={{ color: 'success.main', fontSize: 40 }} />
      <Box>
        <Typography
          role="status"
          variant="h6"
          component="p"
          sx={{ color: 'success.main' }}
        >
          Chain verified up to #{result.verifiedUpTo.seq} at{' '}
          {formatUtc(result.verifiedUpTo.timestamp)}
        </Typography>
        <Checked result={result} />
      </Box>
    </Box>
  );
};

/**
 * Re-computes the hash chain on the server and says whether the log is
 * intact, or where it was first altered.
 */
export const ChainStatusCard = ({
  onOpenEvent,
}: {
  onOpenEvent: (id: string) => void;
}) => {
  const api = useApi(auditLogApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.verifyChain(),
    [api],
  );

  let content;
  if (error && !loading) {
    content = (
      <ResponseErrorPanel title="Could not verify the chain" error={error} />
    );
  } else if (value) {
    content = <Verdict result={value} onOpenEvent={onOpenEvent} />;
  } else {
    content = (
      <Typography variant="body2" color="text.secondary">
        Verifying the chain…
      </Typography>
    );
  }

  return (
    <InfoCard
      title="Chain integrity"
      titleTypographyProps={{ component: 'h2' }}
      subheader="Every event's hash covers the one before it: an edited or deleted event breaks the chain"
      actions={
        <Button variant="outlined" onClick={retry} disabled={loading}>
          Verify again
        </Button>
      }
    >
      {loading && (
        <LinearProgress aria-label="Verifying the chain" sx={{ mb: 2 }} />
      )}
      {content}
    </InfoCard>
  );
};
