import { ReactNode, useCallback, useEffect, useState } from 'react';
import {
  Content,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  adminConsoleReadPermission,
  AdminGroup,
  AdminUser,
  ImpersonationSession,
  MaintenanceState,
} from '@internal/backstage-plugin-admin-common';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { AdminAuditEvent, adminApiRef } from '../../api';
import { ImpersonationDialog } from '../ImpersonationDialog';

const ROLE_COLOURS: Record<string, 'primary' | 'secondary' | 'default'> = {
  admin: 'secondary',
  compliance: 'primary',
};

/** Why a user's Impersonate button is disabled, or '' when it is not. */
function whyNotImpersonable(user: AdminUser): string {
  if (user.impersonable) return '';
  if (user.roles.includes('admin')) return 'Admins cannot be impersonated';
  return 'You cannot impersonate yourself';
}

/** A session's status as the table shows it. */
function statusLabel(session: ImpersonationSession, live: boolean): string {
  if (live)
    return `active until ${new Date(session.expiresAt).toLocaleTimeString()}`;
  // active in the store but past its time: the expiry task has not run yet
  if (session.status === 'active') return 'expired';
  return session.status;
}

const when = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '');

/** Loads something for a card, with loading and error states. */
function useLoad<T>(load: () => Promise<T>) {
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<Error>();
  const reload = useCallback(() => {
    setError(undefined);
    load().then(setValue, setError);
  }, [load]);
  useEffect(reload, [reload]);
  return { value, error, reload };
}

function Loaded<T>(props: {
  state: { value?: T; error?: Error };
  title: string;
  children(value: T): ReactNode;
}) {
  if (props.state.error) {
    return (
      <ResponseErrorPanel
        title={`Could not load ${props.title}`}
        error={props.state.error}
      />
    );
  }
  if (props.state.value === undefined) {
    return <Progress aria-label={`Loading ${props.title}`} />;
  }
  return <>{props.children(props.state.value)}</>;
}

const Roles = ({ roles }: { roles: string[] }) => (
  <Stack direction="row" spacing={0.5}>
    {roles.map(role => (
      <Chip
        key={role}
        label={role}
        size="small"
        color={ROLE_COLOURS[role] ?? 'default'}
      />
    ))}
  </Stack>
);

const UsersCard = (props: { onImpersonate(user: AdminUser): void }) => {
  const adminApi = useApi(adminApiRef);
  const directory = useLoad(
    useCallback(() => adminApi.getDirectory(), [adminApi]),
  );
  return (
    <InfoCard
      title="Users"
      subheader="From the catalog, with the roles their groups give them"
    >
      <Loaded state={directory} title="users">
        {({ users }) => (
          <Table size="small" aria-label="Users">
            <TableHead>
              <TableRow>
                <TableCell>User</TableCell>
                <TableCell>Groups</TableCell>
                <TableCell>Roles</TableCell>
                <TableCell align="right">Impersonate</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {users.map(user => (
                <TableRow
                  key={user.ref}
                  data-testid={`admin-user-${user.name}`}
                >
                  <TableCell>
                    <Typography variant="body2">{user.displayName}</Typography>
                    <Typography variant="caption" color="text.secondary">
                      {user.ref}
                    </Typography>
                  </TableCell>
                  <TableCell>{user.groups.join(', ') || 'No group'}</TableCell>
                  <TableCell>
                    <Roles roles={user.roles} />
                  </TableCell>
                  <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                    <Tooltip title={whyNotImpersonable(user)}>
                      <span>
                        <Button
                          size="small"
                          variant="outlined"
                          disabled={!user.impersonable}
                          onClick={() => props.onImpersonate(user)}
                          aria-label={`Impersonate ${user.displayName}`}
                        >
                          Impersonate
                        </Button>
                      </span>
                    </Tooltip>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Loaded>
    </InfoCard>
  );
};

const GroupsCard = () => {
  const adminApi = useApi(adminApiRef);
  const directory = useLoad(
    useCallback(() => adminApi.getDirectory(), [adminApi]),
  );
  return (
    <InfoCard
      title="Groups"
      subheader="Roles come from membership (stackPortal.roles)"
    >
      <Loaded state={directory} title="groups">
        {({ groups }: { groups: AdminGroup[] }) => (
          <Table size="small" aria-label="Groups">
            <TableHead>
              <TableRow>
                <TableCell>Group</TableCell>
                <TableCell align="right">Members</TableCell>
                <TableCell>Gives</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {groups.map(group => (
                <TableRow key={group.ref}>
                  <TableCell>{group.displayName}</TableCell>
                  <TableCell align="right">{group.memberCount}</TableCell>
                  <TableCell>
                    {group.roles.length ? (
                      <Roles roles={group.roles} />
                    ) : (
                      'engineer'
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Loaded>
    </InfoCard>
  );
};

const SessionsCard = () => {
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
                      <TableCell>{session.adminRef}</TableCell>
                      <TableCell>{session.targetRef}</TableCell>
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
                          <Button size="small" onClick={() => stop(session)}>
                            Stop
                          </Button>
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

const EventsCard = () => {
  const adminApi = useApi(adminApiRef);
  const events = useLoad(
    useCallback(() => adminApi.getHighSeverityEvents(), [adminApi]),
  );
  return (
    <InfoCard
      title="Recent high-severity audit events"
      subheader="The full log, filters and exports are on the Compliance page"
    >
      <Loaded state={events} title="audit events">
        {(items: AdminAuditEvent[]) =>
          items.length === 0 ? (
            <Typography variant="body2" color="text.secondary">
              No high-severity events yet.
            </Typography>
          ) : (
            <Table size="small" aria-label="High-severity audit events">
              <TableHead>
                <TableRow>
                  <TableCell>When</TableCell>
                  <TableCell>Who</TableCell>
                  <TableCell>Action</TableCell>
                  <TableCell>Target</TableCell>
                  <TableCell>Outcome</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {items.map(event => (
                  <TableRow key={event.id}>
                    <TableCell>{when(event.timestamp)}</TableCell>
                    <TableCell>
                      {event.actor.ref ?? event.actor.type}
                      {event.realActor?.ref
                        ? ` (by ${event.realActor.ref})`
                        : ''}
                    </TableCell>
                    <TableCell>
                      {event.plugin}.{event.action}
                    </TableCell>
                    <TableCell>{event.target ?? ''}</TableCell>
                    <TableCell>{event.outcome}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )
        }
      </Loaded>
    </InfoCard>
  );
};

const MaintenanceCard = () => {
  const adminApi = useApi(adminApiRef);
  const current = useLoad(
    useCallback(() => adminApi.getMaintenance(), [adminApi]),
  );
  const [message, setMessage] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => setMessage(current.value?.message ?? ''), [current.value]);

  const save = async (enabled: boolean) => {
    setSaving(true);
    setError(undefined);
    try {
      await adminApi.setMaintenance({
        enabled,
        message: message.trim() || undefined,
      });
      current.reload();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <InfoCard
      title="Maintenance mode"
      subheader="While on, every page shows the message and only admins can change anything"
    >
      <Loaded state={current} title="maintenance mode">
        {(state: MaintenanceState) => (
          <Stack spacing={2}>
            <TextField
              label="Message"
              value={message}
              onChange={e => setMessage(e.target.value)}
              helperText="What is happening and until when, e.g. “Database upgrade until 10:00 UTC”"
              inputProps={{ maxLength: 500 }}
            />
            <FormControlLabel
              control={
                <Switch
                  checked={state.enabled}
                  disabled={saving || (!state.enabled && !message.trim())}
                  onChange={e => save(e.target.checked)}
                />
              }
              label={state.enabled ? 'On' : 'Off'}
            />
            {state.updatedBy && (
              <Typography variant="caption" color="text.secondary">
                Last changed by {state.updatedBy} at {when(state.updatedAt)}
              </Typography>
            )}
            {error && <Alert severity="error">{error}</Alert>}
          </Stack>
        )}
      </Loaded>
    </InfoCard>
  );
};

/** What somebody without the admin role sees at /admin. */
export const AdminAccessRefusal = () => (
  <WarningPanel
    severity="info"
    title="You need the admin role"
    message="The admin console (users and roles, impersonation, maintenance mode) is for Platform Admins only. If your work needs it, ask a platform admin."
    defaultExpanded
  />
);

const AdminConsole = () => {
  const [impersonating, setImpersonating] = useState<AdminUser>();
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <UsersCard onImpersonate={setImpersonating} />
      </Grid>
      <Grid item xs={12} md={6}>
        <MaintenanceCard />
      </Grid>
      <Grid item xs={12} md={6}>
        <GroupsCard />
      </Grid>
      <Grid item xs={12}>
        <SessionsCard />
      </Grid>
      <Grid item xs={12}>
        <EventsCard />
      </Grid>
      <ImpersonationDialog
        user={impersonating}
        onClose={() => setImpersonating(undefined)}
      />
    </Grid>
  );
};

/** The admin console, for admins; a refusal for everybody else. */
export const AdminPage = () => {
  const { loading, allowed, error } = usePermission({
    permission: adminConsoleReadPermission,
  });
  return (
    <Page themeId="tool">
      <Header
        title="Admin console"
        subtitle="Users and roles, impersonation, maintenance mode"
      />
      <Content>
        {loading && <Progress aria-label="Checking your access" />}
        {error && (
          <ResponseErrorPanel
            title="Could not check your access to the admin console"
            error={error}
          />
        )}
        {!loading &&
          !error &&
          (allowed ? <AdminConsole /> : <AdminAccessRefusal />)}
      </Content>
    </Page>
  );
};
