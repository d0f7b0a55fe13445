import { useCallback, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { ImpersonationSession } from '@internal/backstage-plugin-admin-common';
import { WriteGuard } from '@internal/backstage-plugin-admin-react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { adminApiRef } from '../../api';
import { RefName } from './RefName';
import { when, useLoad, Loaded } from './shared';

/** A session's status as the table shows it. */
function statusLabel(session: ImpersonationSession, live: boolean): string {
  if (live)
    return `active until ${new Date(session.expiresAt).toLocaleTimeString()}`;
  // active in the store but past its time: the expiry task has not run yet
  if (session.status === 'active') return 'expired';
  return session.status;
}

export const SessionsCard = () => {
  const adminApi = useApi(adminApiRef);
  const sessions = useLoad(
    useCallback(() => adminApi.listSessions(), [adminApi]),
  );
  const [stopError, setStopError] = useState<string>();
  const stop = async (session: ImpersonationSession) => {
    try {
      await adminApi.stopImpersonation(session.id);
      sessions.reload();
    } catch (e) {
      setStopError((e as Error).message);
    }
  };
  return (
    <InfoCard
      title="Impersonation sessions"
      subheader="Active and recent; every one is in the audit log"
    >
      {stopError && <Alert severity="error">{stopError}</Alert>}
      <Loaded state={sessions} title="impersonation sessions">
        {items =>
          items.length === 0 ? (
            <Typography variant="body2" color="text.secondary">
              Nobody has impersonated anyone yet. Pick a user above to see the
              portal as them.
            </Typography>
          ) : (
            <Table size="small" aria-label="Impersonation sessions">
              <TableHead>
                <TableRow>
                  <TableCell>Admin</TableCell>
                  <TableCell>As</TableCell>
                  <TableCell>Reason</TableCell>
                  <TableCell>Started</TableCell>
                  <TableCell>Status</TableCell>
                  <TableCell />
                </TableRow>
              </TableHead>
              <TableBody>
                {items.map(session => {
                  const live =
                    session.status === 'active' &&
                    Date.parse(session.expiresAt) > Date.now();
                  return (
                    <TableRow
                      key={session.id}
                      data-testid={`admin-session-${session.id}`}
                    >
                      <TableCell>
                        <RefName entityRef={session.adminRef} />
                      </TableCell>
                      <TableCell>
                        <RefName entityRef={session.targetRef} />
                      </TableCell>
                      <TableCell>
                        {session.reason}
                        {session.ticket ? ` (${session.ticket})` : ''}
                      </TableCell>
                      <TableCell>{when(session.startedAt)}</TableCell>
                      <TableCell>
                        <Chip
                          size="small"
                          color={live ? 'warning' : 'default'}
                          label={statusLabel(session, live)}
                        />
                      </TableCell>
                      <TableCell align="right">
                        {live && (
                          <WriteGuard>
                            <Button size="small" onClick={() => stop(session)}>
                              Stop
                            </Button>
                          </WriteGuard>
                        )}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )
        }
      </Loaded>
    </InfoCard>
  );
};
