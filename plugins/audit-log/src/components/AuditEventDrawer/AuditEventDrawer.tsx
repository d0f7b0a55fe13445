import { ReactNode, useRef } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Divider from '@mui/material/Divider';
import Drawer from '@mui/material/Drawer';
import IconButton from '@mui/material/IconButton';
import Typography from '@mui/material/Typography';
import CloseIcon from '@mui/icons-material/Close';
import {
  CopyTextButton,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { AuditEvent } from '@internal/backstage-plugin-audit-log-common';
import useAsync from 'react-use/esm/useAsync';
import { auditLogApiRef } from '../../api';
import { actorLabel, formatLocal, formatUtc } from '../../format';
import { OutcomeChip, SeverityChip } from '../AuditChips';
import { ActorName, TargetName } from '../AuditEventTable';

const Section = ({
  title,
  children,
}: {
  title: string;
  children: ReactNode;
}) => (
  <Box component="section" aria-label={title} sx={{ mb: 3 }}>
    <Typography variant="subtitle2" component="h3" sx={{ mb: 1 }}>
      {title}
    </Typography>
    <Box
      component="dl"
      sx={{
        display: 'grid',
        gridTemplateColumns: 'max-content 1fr',
        columnGap: 2,
        rowGap: 1,
        m: 0,
      }}
    >
      {children}
    </Box>
  </Box>
);

const Field = ({
  label,
  children,
  mono,
}: {
  label: string;
  children: ReactNode;
  mono?: boolean;
}) => (
  <>
    <Typography component="dt" variant="body2" color="text.secondary">
      {label}
    </Typography>
    <Typography
      component="dd"
      variant="body2"
      data-testid={`audit-field-${label.toLowerCase().replace(/\W+/g, '-')}`}
      sx={{
        m: 0,
        minWidth: 0,
        overflowWrap: 'anywhere',
        fontFamily: mono ? 'monospace' : undefined,
      }}
    >
      {children}
    </Typography>
  </>
);

const Missing = ({ children = 'Not recorded' }: { children?: ReactNode }) => (
  <Typography component="span" variant="body2" color="text.secondary">
    {children}
  </Typography>
);

const EventDetails = ({ event }: { event: AuditEvent }) => {
  const json = JSON.stringify(event, null, 2);
  return (
    <>
      <Section title="Who">
        <Field label="Actor">
          <ActorName actor={event.actor} fullRef />
          {event.actor.erased && ' (identity erased)'}
        </Field>
        <Field label="Real actor">
          {event.realActor ? (
            <>
              <ActorName actor={event.realActor} fullRef />
              <Typography
                variant="caption"
                color="text.secondary"
                component="div"
              >
                acted as {actorLabel(event.actor)}
              </Typography>
            </>
          ) : (
            <Missing>Same as the actor (no impersonation)</Missing>
          )}
        </Field>
        <Field label="IP address" mono>
          {event.ip ?? <Missing />}
        </Field>
        <Field label="User agent">{event.userAgent ?? <Missing />}</Field>
      </Section>

      <Section title="What">
        <Field label="Time">
          {formatUtc(event.timestamp)}
          <Typography variant="caption" color="text.secondary" component="div">
            {formatLocal(event.timestamp)} your time
          </Typography>
        </Field>
        <Field label="Action" mono>
          {event.action}
        </Field>
        <Field label="Plugin">{event.plugin}</Field>
        <Field label="Request" mono>
          {event.request ? (
            `${event.request.method} ${event.request.path}`
          ) : (
            <Missing />
          )}
        </Field>
        <Field label="Target">
          <TargetName target={event.target} fullRef />
        </Field>
        <Field label="Severity">
          <SeverityChip severity={event.severity} />
        </Field>
        <Field label="Outcome">
          <OutcomeChip outcome={event.outcome} error={event.error} />
        </Field>
        {event.error && (
          <Field label="Error">
            <Box component="span" sx={{ color: 'error.main' }}>
              {event.error}
            </Box>
          </Field>
        )}
      </Section>

      <Section title="Chain position">
        <Field label="Seq" mono>
          #{event.seq}
        </Field>
        <Field label="Previous hash" mono>
          {event.prevHash}
        </Field>
        <Field label="Hash" mono>
          {event.hash}
        </Field>
        <Field label="Correlation id" mono>
          {event.correlationId}
          {event.correlationId === event.id && (
            <Typography
              variant="caption"
              color="text.secondary"
              component="div"
            >
              this event starts the action
            </Typography>
          )}
        </Field>
        <Field label="Event id" mono>
          {event.id}
        </Field>
      </Section>

      {event.metaTruncated && (
        <Alert severity="info" sx={{ mb: 2 }}>
          The event's meta was too large or not serialisable and was cut when it
          was recorded.
        </Alert>
      )}

      <Box
        sx={{
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'space-between',
        }}
      >
        <Typography variant="subtitle2" component="h3">
          Event JSON
        </Typography>
        <CopyTextButton
          text={json}
          aria-label="Copy the event's JSON"
          tooltipText="Event JSON copied"
        />
      </Box>
      <Box
        component="pre"
        data-testid="audit-event-json"
        sx={{
          fontFamily: 'monospace',
          fontSize: 12,
          p: 1.5,
          mt: 1,
          borderRadius: 1,
          bgcolor: 'action.hover',
          overflow: 'auto',
          maxHeight: 360,
        }}
      >
        {json}
      </Box>
    </>
  );
};

/** The drawer's content for one event, read by id. */
const DrawerContent = (props: {
  eventId: string;
  initialEvent?: AuditEvent;
  onClose: () => void;
}) => {
  const { eventId, initialEvent, onClose } = props;
  const api = useApi(auditLogApiRef);
  const { value, loading, error } = useAsync(
    () => api.getEvent(eventId),
    [api, eventId],
  );
  const event =
    value ?? (initialEvent?.id === eventId ? initialEvent : undefined);

  let body;
  if (event) {
    body = <EventDetails event={event} />;
  } else if (loading) {
    body = <Progress aria-label="Loading the event" />;
  } else if (error) {
    body = (
      <ResponseErrorPanel title="Could not load the event" error={error} />
    );
  }

  return (
    <Box
      data-testid="audit-event-drawer"
      role="dialog"
      aria-labelledby="audit-event-drawer-title"
    >
      <Box sx={{ display: 'flex', alignItems: 'flex-start', mb: 2 }}>
        <Box sx={{ flexGrow: 1 }}>
          <Typography variant="h5" component="h2" id="audit-event-drawer-title">
            {event ? `Event #${event.seq}` : 'Event'}
          </Typography>
          {event && (
            <Typography variant="body2" color="text.secondary">
              {event.action} · {formatUtc(event.timestamp)}
            </Typography>
          )}
        </Box>
        <IconButton aria-label="Close" onClick={onClose} edge="end">
          <CloseIcon />
        </IconButton>
      </Box>
      <Divider sx={{ mb: 2 }} />
      {error && event && (
        <Alert severity="warning" sx={{ mb: 2 }}>
          Showing the row as listed; the full event could not be loaded:{' '}
          {error.message}
        </Alert>
      )}
      {body}
    </Box>
  );
};

/**
 * One event in full: both actors, where the request came from, the outcome,
 * its place in the hash chain and its JSON. Reads the event by id, so a link
 * to an event that is not on the loaded pages opens too.
 */
export const AuditEventDrawer = (props: {
  eventId?: string;
  /** The row's copy, shown while the full event loads. */
  initialEvent?: AuditEvent;
  onClose: () => void;
}) => {
  const { eventId, initialEvent, onClose } = props;
  // The last event stays in the drawer while it slides shut.
  const shown = useRef(eventId);
  if (eventId) shown.current = eventId;

  return (
    <Drawer
      anchor="right"
      open={!!eventId}
      onClose={onClose}
      PaperProps={{ sx: { width: { xs: '100%', sm: 560 }, p: 3 } }}
    >
      {shown.current && (
        <DrawerContent
          eventId={shown.current}
          initialEvent={initialEvent}
          onClose={onClose}
        />
      )}
    </Drawer>
  );
};
