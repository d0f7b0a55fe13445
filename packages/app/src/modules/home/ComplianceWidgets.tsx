import Box from '@mui/material/Box';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import GppBadIcon from '@mui/icons-material/GppBad';
import VerifiedUserIcon from '@mui/icons-material/VerifiedUser';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { auditLogApiRef } from '@internal/backstage-plugin-audit-log';
import useAsync from 'react-use/esm/useAsync';
import { formatUtcMinute, refName, widgetState } from './WidgetStates';

/** The audit actions that hand events out of the portal. */
export const EXPORT_ACTIONS = ['events-export', 'subject-export'];

/** The hash chain re-verified on the server: intact, or where it broke. */
export const ChainStatus = () => {
  const auditApi = useApi(auditLogApiRef);
  const { value, loading, error } = useAsync(
    () => auditApi.verifyChain(),
    [auditApi],
  );
  const state = widgetState({
    loading,
    error,
    errorTitle: 'Could not verify the chain',
    empty: false,
    emptyText: '',
  });
  if (state || !value) return <>{state}</>;
  const broken = !value.ok;
  return (
    <Box
      sx={{ display: 'flex', gap: 2, alignItems: 'center' }}
      data-testid="home-chain-status"
    >
      {broken ? (
        <GppBadIcon sx={{ color: 'error.main', fontSize: 40 }} />
      ) : (
        <VerifiedUserIcon sx={{ color: 'success.main', fontSize: 40 }} />
      )}
      <Box>
        <Typography
          variant="h6"
          component="p"
          sx={{ color: broken ? 'error.main' : 'success.main' }}
        >
          {broken
            ? `Chain broken at #${value.brokenAt?.seq ?? '?'}`
            : `Chain intact up to #${value.verifiedUpTo?.seq ?? 0}`}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {value.checked} events checked at {formatUtcMinute(value.checkedAt)}
        </Typography>
      </Box>
    </Box>
  );
};

export const ChainStatusActions = () => (
  <Link to="/compliance">Open the Compliance page</Link>
);

/** The latest signed exports and subject exports, newest first. */
export const LastExports = () => {
  const auditApi = useApi(auditLogApiRef);
  const { value, loading, error } = useAsync(
    () =>
      auditApi.listEvents(
        { action: EXPORT_ACTIONS, outcome: ['succeeded'] },
        { limit: 5 },
      ),
    [auditApi],
  );
  const exports = value?.items ?? [];
  const state = widgetState({
    loading,
    error,
    errorTitle: 'Could not load the last exports',
    empty: exports.length === 0,
    emptyText: 'No export has been made yet.',
  });
  if (state) return <>{state}</>;
  return (
    <List dense disablePadding aria-label="Last exports">
      {exports.map(event => (
        <ListItem key={event.id} disableGutters>
          <ListItemText
            primary={
              event.action === 'subject-export'
                ? `Subject export${
                    event.target ? ` of ${refName(event.target)}` : ''
                  }`
                : 'Audit events export'
            }
            secondary={
              <>
                {formatUtcMinute(event.timestamp)}
                {event.actor.ref && (
                  <>
                    {', by '}
                    <EntityRefLink entityRef={event.actor.ref} hideIcon>
                      {refName(event.actor.ref)}
                    </EntityRefLink>
                  </>
                )}
              </>
            }
          />
        </ListItem>
      ))}
    </List>
  );
};

export const LastExportsActions = () => (
  <Link to="/compliance">Export from the Compliance page</Link>
);
