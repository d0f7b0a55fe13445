import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Alert from '@mui/material/Alert';
import Link from '@mui/material/Link';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import useAsync from 'react-use/esm/useAsync';
import type { Flag } from '@internal/backstage-plugin-feature-flags-common';
import { featureFlagsApiRef, flagAuditTarget } from '../api';

/** What each audited action on a flag reads as. */
const ACTION_LABELS: Record<string, string> = {
  'flag-toggle': 'Toggled',
  'flag-create': 'Created',
  'flag-archive': 'Archived',
  'flag-strategy-update': 'Targeting changed',
  'flag-variants-update': 'Variants changed',
  'change-request-create': 'Change requested',
  'change-request-approve': 'Change approved',
  'change-request-reject': 'Change rejected',
  'change-request-cancel': 'Change cancelled',
  'change-request-stale': 'Change request stale',
};

/** The Compliance log filtered to this flag, at one event when given. */
export const complianceHref = (flag: Flag, eventId?: string) => {
  const query = new URLSearchParams({
    target: flagAuditTarget(flag.project, flag.name),
  });
  if (eventId) query.set('event', eventId);
  return `/compliance?${query}`;
};

const isRefused = (error: Error) =>
  (error as { response?: { status?: number } }).response?.status === 403;

/**
 * Who changed the flag, what, when and why, from the audit log; each entry
 * opens its event in the Compliance log. For those who may read the log
 * (admins, compliance); others are told where the history lives.
 */
export function FlagHistory(props: { flag: Flag }) {
  const { flag } = props;
  const api = useApi(featureFlagsApiRef);
  const history = useAsync(
    () => api.flagHistory(flag.project, flag.name),
    [api, flag.project, flag.name],
  );

  let body;
  if (history.loading) {
    body = <Progress aria-label="Loading the flag's history" />;
  } else if (history.error) {
    body = isRefused(history.error) ? (
      <Typography variant="body2" color="text.secondary">
        The flag's history is kept in the compliance audit log, which admins and
        compliance staff read.
      </Typography>
    ) : (
      <Alert severity="error">
        Could not load the flag's history: {history.error.message}
      </Alert>
    );
  } else if (!history.value?.length) {
    body = (
      <Typography variant="body2" color="text.secondary">
        No change to this flag has been recorded through the portal.
      </Typography>
    );
  } else {
    body = (
      <Table size="small" aria-label="Flag history">
        <TableHead>
          <TableRow sx={{ '& th': { whiteSpace: 'nowrap' } }}>
            <TableCell>When (UTC)</TableCell>
            <TableCell>Who</TableCell>
            <TableCell>What</TableCell>
            <TableCell>Why</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {history.value.map(entry => (
            <TableRow key={entry.id} data-testid="flag-history-entry">
              <TableCell sx={{ whiteSpace: 'nowrap' }}>
                {entry.timestamp.slice(0, 16).replace('T', ' ')}
              </TableCell>
              <TableCell>
                {entry.actor ? (
                  <EntityRefLink entityRef={entry.actor} />
                ) : (
                  <em>Erased person</em>
                )}
              </TableCell>
              <TableCell>
                {ACTION_LABELS[entry.action] ?? entry.action}
                {entry.environment && ` in ${entry.environment}`}
                {entry.outcome === 'failed' && (
                  <Typography variant="caption" color="error" display="block">
                    Failed{entry.error ? `: ${entry.error}` : ''}
                  </Typography>
                )}
                {entry.summary && (
                  <Typography
                    variant="caption"
                    color="text.secondary"
                    display="block"
                  >
                    {entry.summary}
                  </Typography>
                )}
              </TableCell>
              <TableCell>{entry.reason ?? '—'}</TableCell>
              <TableCell align="right">
                <Link
                  href={complianceHref(flag, entry.id)}
                  aria-label={`Audit event of ${entry.timestamp}`}
                  sx={{ whiteSpace: 'nowrap' }}
                >
                  Audit event
                </Link>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }

  return (
    <section aria-label="History">
      <Typography variant="subtitle2" gutterBottom>
        History{' '}
        <Link href={complianceHref(flag)} variant="body2" sx={{ ml: 1 }}>
          All its events in the audit log
        </Link>
      </Typography>
      {body}
    </section>
  );
}
