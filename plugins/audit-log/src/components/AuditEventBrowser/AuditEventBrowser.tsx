import { ReactNode, useState } from 'react';
import {
  AuditEvent,
  AuditEventFilter,
} from '@internal/backstage-plugin-audit-log-common';
import { useSelectedEvent } from '../AuditFilters';
import { AuditEventDrawer } from '../AuditEventDrawer';
import { AuditEventTable } from '../AuditEventTable';

/**
 * The event table and the detail drawer of the event named in the URL
 * (`?event=<id>`), as the Compliance page and the entity tab show them.
 */
export const AuditEventBrowser = (props: {
  filter: AuditEventFilter;
  filterKey: string;
  showTarget?: boolean;
  empty: { title: string; description: string; action?: ReactNode };
}) => {
  const { selectedId, open, close } = useSelectedEvent();
  const [picked, setPicked] = useState<AuditEvent>();
  return (
    <>
      <AuditEventTable
        {...props}
        selectedId={selectedId}
        onSelect={event => {
          setPicked(event);
          open(event.id);
        }}
      />
      <AuditEventDrawer
        eventId={selectedId}
        initialEvent={picked}
        onClose={close}
      />
    </>
  );
};
