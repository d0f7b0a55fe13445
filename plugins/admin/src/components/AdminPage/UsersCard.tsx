import { useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { AdminUser } from '@internal/backstage-plugin-admin-common';
import Button from '@mui/material/Button';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { WriteGuard } from '@internal/backstage-plugin-admin-react';
import { RefName } from './RefName';
import { Loaded, LoadState, Roles } from './shared';

/** Why a user's Impersonate button is disabled, or '' when it is not. */
function whyNotImpersonable(user: AdminUser): string {
  if (user.impersonable) return '';
  if (user.roles.includes('admin')) return 'Admins cannot be impersonated';
  return 'You cannot impersonate yourself';
}

/** Whether the user's name, display name, email or one of their groups contains the query. */
export function matchesUser(user: AdminUser, query: string): boolean {
  const q = query.trim().toLocaleLowerCase('en-US');
  if (!q) return true;
  return [user.name, user.displayName, user.email ?? '', ...user.groups].some(
    text => text.toLocaleLowerCase('en-US').includes(q),
  );
}

/** The catalog's users with their roles; the directory is loaded once by the console. */
export const UsersCard = (props: {
  directory: LoadState<{ users: AdminUser[] }>;
  onImpersonate(user: AdminUser): void;
}) => {
  const { directory } = props;
  const [query, setQuery] = useState('');
  return (
    <InfoCard
      title="Users"
      subheader="From the catalog, with the roles their groups give them"
    >
      <TextField
        size="small"
        label="Search users"
        placeholder="Name, email or group"
        value={query}
        onChange={event => setQuery(event.target.value)}
        sx={{ mb: 2, minWidth: 280 }}
        inputProps={{ 'data-testid': 'admin-user-search' }}
      />
      <Loaded state={directory} title="users">
        {({ users }) => {
          const shown = users.filter(user => matchesUser(user, query));
          return (
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
                {shown.map(user => (
                  <TableRow
                    key={user.ref}
                    data-testid={`admin-user-${user.name}`}
                  >
                    <TableCell>
                      <Typography variant="body2">
                        <RefName
                          entityRef={user.ref}
                          title={user.displayName}
                        />
                      </Typography>
                      <Typography variant="caption" color="text.secondary">
                        {user.email ?? user.name}
                      </Typography>
                    </TableCell>
                    <TableCell>
                      {user.groups.join(', ') || 'No group'}
                    </TableCell>
                    <TableCell>
                      <Roles roles={user.roles} />
                    </TableCell>
                    <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                      <Tooltip title={whyNotImpersonable(user)}>
                        <span>
                          <WriteGuard>
                            <Button
                              size="small"
                              variant="outlined"
                              disabled={!user.impersonable}
                              onClick={() => props.onImpersonate(user)}
                              aria-label={`Impersonate ${user.displayName}`}
                            >
                              Impersonate
                            </Button>
                          </WriteGuard>
                        </span>
                      </Tooltip>
                    </TableCell>
                  </TableRow>
                ))}
                {shown.length === 0 && (
                  <TableRow>
                    <TableCell colSpan={4}>
                      <Typography variant="body2" color="text.secondary">
                        No user matches “{query}”.
                      </Typography>
                    </TableCell>
                  </TableRow>
                )}
              </TableBody>
            </Table>
          );
        }}
      </Loaded>
    </InfoCard>
  );
};
