import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type {
  ChangeRequest,
  FlagCapabilities,
} from '@internal/backstage-plugin-feature-flags-common';
import { WriteGuard } from '@internal/backstage-plugin-admin-react';
import { featureFlagsApiRef } from '../api';
import { ChangeDiff } from './ChangeDiff';

const who = (ref: string) => ref.replace(/^user:[^/]+\//, '');

/** The pending change requests of protected environments, each with its diff, and approve / reject / cancel. */
export function ChangeRequestsCard(props: {
  pending: ChangeRequest[];
  capabilities?: FlagCapabilities;
  onChanged: () => void;
}) {
  const { pending, capabilities, onChanged } = props;
  const api = useApi(featureFlagsApiRef);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const [comment, setComment] = useState<Record<string, string>>({});

  async function act(id: string, action: () => Promise<unknown>) {
    setBusy(id);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      // a stale request is closed by the refusal: the reload drops it from the list
      setError((e as Error).message);
    } finally {
      onChanged();
      setBusy(undefined);
    }
  }

  return (
    <InfoCard title={`Pending change requests (${pending.length})`}>
      {error && (
        <Alert severity="error" sx={{ mb: 2 }}>
          {error}
        </Alert>
      )}
      {pending.length === 0 ? (
        <Typography color="text.secondary">
          No change waits for approval. Changes to protected environments (
          {capabilities?.protectedEnvironments.join(', ') || 'none'}): toggles,
          targeting, variants, and creating or archiving flags, appear here.
        </Typography>
      ) : (
        <Table size="small" aria-label="Pending change requests">
          <TableHead>
            <TableRow>
              <TableCell>Change</TableCell>
              <TableCell>Reason</TableCell>
              <TableCell>Requested by</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {pending.map(cr => {
              const own = cr.requestedBy === capabilities?.userEntityRef;
              return (
                <TableRow key={cr.id} data-testid={`change-request-${cr.flag}`}>
                  <TableCell>
                    <strong>{cr.summary}</strong>
                    <ChangeDiff changeRequest={cr} />
                  </TableCell>
                  <TableCell>
                    {cr.reason}
                    {cr.error && (
                      <Typography
                        variant="caption"
                        color="error"
                        display="block"
                      >
                        Last attempt failed: {cr.error}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell>
                    {who(cr.requestedBy)}
                    <Typography
                      variant="caption"
                      display="block"
                      color="text.secondary"
                    >
                      {new Date(cr.requestedAt).toLocaleString()}
                    </Typography>
                  </TableCell>
                  <TableCell align="right">
                    <Stack
                      direction="row"
                      spacing={1}
                      justifyContent="flex-end"
                      alignItems="center"
                    >
                      {own && (
                        <>
                          <Typography variant="caption" color="text.secondary">
                            waiting for another admin
                          </Typography>
                          <WriteGuard>
                            <Button
                              size="small"
                              disabled={busy === cr.id}
                              onClick={() =>
                                act(cr.id, () => api.cancel(cr.id))
                              }
                            >
                              Cancel
                            </Button>
                          </WriteGuard>
                        </>
                      )}
                      {!own && capabilities?.approve && (
                        <>
                          <TextField
                            size="small"
                            placeholder="Comment (required to reject)"
                            value={comment[cr.id] ?? ''}
                            onChange={e =>
                              setComment({
                                ...comment,
                                [cr.id]: e.target.value,
                              })
                            }
                            inputProps={{
                              'aria-label': `Comment on ${cr.flag}`,
                            }}
                            sx={{ minWidth: 200 }}
                          />
                          <WriteGuard>
                            <Button
                              size="small"
                              variant="contained"
                              sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}
                              disabled={busy === cr.id}
                              onClick={() =>
                                act(cr.id, () =>
                                  api.approve(cr.id, comment[cr.id]),
                                )
                              }
                            >
                              Approve
                            </Button>
                          </WriteGuard>
                          <WriteGuard>
                            <Button
                              size="small"
                              color="error"
                              sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}
                              disabled={
                                busy === cr.id || !(comment[cr.id] ?? '').trim()
                              }
                              onClick={() =>
                                act(cr.id, () =>
                                  api.reject(cr.id, comment[cr.id]!.trim()),
                                )
                              }
                            >
                              Reject
                            </Button>
                          </WriteGuard>
                        </>
                      )}
                    </Stack>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
