import { InfoCard } from '@backstage/core-components';
import { AdminGroup } from '@internal/backstage-plugin-admin-common';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import { Roles, Loaded, LoadState } from './shared';

/** The catalog's groups and the roles they give; the directory is loaded once by the console. */
export const GroupsCard = (props: {
  directory: LoadState<{ groups: AdminGroup[] }>;
}) => {
  const { directory } = props;
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
