import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Alert from '@mui/material/Alert';
import Chip from '@mui/material/Chip';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import useAsync from 'react-use/esm/useAsync';
import type {
  ChangeRequest,
  ChangeRequestStatus,
} from '@internal/backstage-plugin-feature-flags-common';
import { featureFlagsApiRef } from '../api';

/** How many decided requests the card lists, newest first. */
export const DECIDED_SHOWN = 20;

/** The statuses of a request that is over, and how each reads. */
const DECIDED: Partial<
  Record<
    ChangeRequestStatus,
    { label: string; color: 'success' | 'error' | 'default' | 'warning' }
  >
> = {
  applied: { label: 'Approved and applied', color: 'success' },
  rejected: { label: 'Rejected', color: 'error' },
  cancelled: { label: 'Cancelled', color: 'default' },
  stale: { label: 'Stale: the flag changed first', color: 'warning' },
};

const when = (iso?: string) =>
  iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '';

const Person = (props: { entityRef?: string; at?: string }) => (
  <>
    {props.entityRef ? <EntityRefLink entityRef={props.entityRef} /> : '—'}
    <Typography variant="caption" display="block" color="text.secondary">
      {when(props.at)}
    </Typography>
  </>
);

/**
 * The change requests that were decided (approved, rejected, cancelled or
 * found stale), newest first, with who decided, when and why; only those of
 * `flags` when given (an entity's tab). `reloadKey` reloads them after a
 * decision on this page.
 */
export function DecidedChangeRequests(props: {
  flags?: Array<{ project: string; name: string }>;
  reloadKey: number;
}) {
  const { flags, reloadKey } = props;
  const api = useApi(featureFlagsApiRef);
  const requests = useAsync(() => api.listChangeRequests(), [api, reloadKey]);
  const decided = (requests.value ?? [])
    .filter(
      (cr: ChangeRequest) =>
        DECIDED[cr.status] &&
        (!flags ||
          flags.some(f => f.project === cr.project && f.name === cr.flag)),
    )
    .sort((a, b) =>
      (b.decidedAt ?? b.requestedAt).localeCompare(
        a.decidedAt ?? a.requestedAt,
      ),
    )
    .slice(0, DECIDED_SHOWN);

  let body;
  if (requests.loading && !requests.value) {
    body = <Progress aria-label="Loading decided change requests" />;
  } else if (requests.error) {
    body = (
      <Alert severity="error">
        Could not load the decided change requests: {requests.error.message}
      </Alert>
    );
  } else if (decided.length === 0) {
    body = (
      <Typography color="text.secondary">
        No change request has been decided yet.
      </Typography>
    );
  } else {
    body = (
      <Table size="small" aria-label="Decided change requests">
        <TableHead>
          <TableRow sx={{ '& th': { whiteSpace: 'nowrap' } }}>
            <TableCell>Change</TableCell>
            <TableCell>Decision</TableCell>
            <TableCell>Requested by</TableCell>
            <TableCell>Decided by</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {decided.map(cr => (
            <TableRow key={cr.id} data-testid={`decided-${cr.id}`}>
              <TableCell>
                <strong>{cr.summary}</strong>
                <Typography
                  variant="caption"
                  display="block"
                  color="text.secondary"
                >
                  Reason: {cr.reason}
                </Typography>
              </TableCell>
              <TableCell>
                <Chip
                  size="small"
                  color={DECIDED[cr.status]!.color}
                  label={DECIDED[cr.status]!.label}
                />
                {cr.decisionComment && (
                  <Typography variant="caption" display="block">
                    “{cr.decisionComment}”
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                <Person entityRef={cr.requestedBy} at={cr.requestedAt} />
              </TableCell>
              <TableCell>
                <Person entityRef={cr.decidedBy} at={cr.decidedAt} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  return (
    <InfoCard
      title="Decided change requests"
      subheader={`The last ${DECIDED_SHOWN} decisions on protected environments, newest first`}
    >
      {body}
    </InfoCard>
  );
}
