import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { adminApiRef } from '@internal/backstage-plugin-admin';
import { featureFlagsApiRef } from '@internal/backstage-plugin-feature-flags';
import useAsync from 'react-use/esm/useAsync';
import { formatUtcMinute, refName, widgetState } from './WidgetStates';

/** Flag changes waiting for a second admin, oldest first. */
/** What a request asks, in a word: enable, disable, strategy, create... */
function requestVerb(request: { kind: string; enabled?: boolean }): string {
  if (request.kind !== 'toggle') return request.kind;
  return request.enabled ? 'enable' : 'disable';
}

export const PendingChangeRequests = () => {
  const flagsApi = useApi(featureFlagsApiRef);
  const { value, loading, error } = useAsync(
    () => flagsApi.listChangeRequests('pending'),
    [flagsApi],
  );
  const requests = [...(value ?? [])].sort((a, b) =>
    a.requestedAt.localeCompare(b.requestedAt),
  );
  const state = widgetState({
    loading,
    error,
    errorTitle: 'Could not load the change requests',
    empty: requests.length === 0,
    emptyText: 'No flag change waits for an approval.',
  });
  if (state) return <>{state}</>;
  return (
    <List dense disablePadding aria-label="Pending change requests">
      {requests.map(request => (
        <ListItem key={request.id} disableGutters alignItems="flex-start">
          <ListItemText
            primary={
              <Box
                component="span"
                sx={{ display: 'flex', gap: 1, alignItems: 'center' }}
              >
                <Typography
                  component="span"
                  variant="body2"
                  sx={{ fontFamily: 'monospace', fontWeight: 500 }}
                >
                  {request.flag}
                </Typography>
                <Chip
                  size="small"
                  label={`${requestVerb(request)} in ${request.environment}`}
                  title={request.summary}
                  color={
                    request.kind === 'toggle' && request.enabled
                      ? 'success'
                      : 'default'
                  }
                  variant="outlined"
                />
              </Box>
            }
            secondary={
              <>
                <EntityRefLink entityRef={request.requestedBy} hideIcon>
                  {refName(request.requestedBy)}
                </EntityRefLink>
                {`, ${formatUtcMinute(request.requestedAt)}: ${request.reason}`}
              </>
            }
          />
        </ListItem>
      ))}
    </List>
  );
};

export const PendingChangeRequestsActions = () => (
  <Link to="/feature-flags">Review on the Flags page</Link>
);

/** Impersonation sessions running now, the soonest to expire first. */
export const LiveImpersonations = () => {
  const adminApi = useApi(adminApiRef);
  const { value, loading, error } = useAsync(
    () => adminApi.listSessions(),
    [adminApi],
  );
  const live = (value ?? [])
    .filter(session => session.status === 'active')
    .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
  const state = widgetState({
    loading,
    error,
    errorTitle: 'Could not load the impersonation sessions',
    empty: live.length === 0,
    emptyText: 'Nobody is impersonating anyone right now.',
  });
  if (state) return <>{state}</>;
  return (
    <List dense disablePadding aria-label="Live impersonations">
      {live.map(session => (
        <ListItem key={session.id} disableGutters>
          <ListItemText
            primary={
              <>
                <EntityRefLink entityRef={session.adminRef} hideIcon>
                  {refName(session.adminRef)}
                </EntityRefLink>
                {' as '}
                <EntityRefLink entityRef={session.targetRef} hideIcon>
                  {refName(session.targetRef)}
                </EntityRefLink>
              </>
            }
            secondary={`until ${formatUtcMinute(session.expiresAt)}: ${
              session.reason
            }`}
          />
        </ListItem>
      ))}
    </List>
  );
};

export const LiveImpersonationsActions = () => (
  <Link to="/admin">Open the admin console</Link>
);

/** Whether the portal is in maintenance, and since when. */
export const Maintenance = () => {
  const adminApi = useApi(adminApiRef);
  const { value, loading, error } = useAsync(
    () => adminApi.getMaintenance(),
    [adminApi],
  );
  const state = widgetState({
    loading,
    error,
    errorTitle: 'Could not read the maintenance mode',
    empty: false,
    emptyText: '',
  });
  if (state || !value) return <>{state}</>;
  return (
    <Box data-testid="home-maintenance">
      <Chip
        label={value.enabled ? 'Maintenance on' : 'Portal open for writes'}
        color={value.enabled ? 'warning' : 'success'}
        sx={{ mb: 1 }}
      />
      {value.enabled && value.message && (
        <Typography variant="body2">{value.message}</Typography>
      )}
      {value.updatedAt && (
        <Typography variant="body2" color="text.secondary">
          Last switched {formatUtcMinute(value.updatedAt)}
          {value.updatedBy ? ` by ${refName(value.updatedBy)}` : ''}
        </Typography>
      )}
    </Box>
  );
};

export const MaintenanceActions = () => (
  <Link to="/admin">Switch it in the admin console</Link>
);
