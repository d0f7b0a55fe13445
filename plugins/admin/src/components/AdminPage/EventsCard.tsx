import { useCallback } from 'react';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { AdminAuditEvent, adminApiRef } from '../../api';
import { RefName } from './RefName';
import { when, useLoad, Loaded } from './shared';

export const EventsCard = () => {
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
                      {event.actor.ref ? (
                        <RefName entityRef={event.actor.ref} />
                      ) : (
                        event.actor.type
                      )}
                      {event.realActor?.ref && (
                        <>
                          {' (by '}
                          <RefName entityRef={event.realActor.ref} />)
                        </>
                      )}
                    </TableCell>
                    <TableCell>
                      {event.plugin}.{event.action}
                    </TableCell>
                    <TableCell>
                      {event.target ? <RefName entityRef={event.target} /> : ''}
                    </TableCell>
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
