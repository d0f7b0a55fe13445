import { KeyboardEvent, ReactNode, useMemo } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  AuditActor,
  AuditEvent,
  AuditEventFilter,
} from '@internal/backstage-plugin-audit-log-common';
import {
  actorLabel,
  formatLocal,
  formatNumber,
  formatUtc,
  isFullEntityRef,
  targetPage,
} from '../../format';
import { actionRows } from './actionRows';
import { OutcomeChip, SeverityChip } from '../AuditChips';
import { useAuditEvents } from './useAuditEvents';

/** Links to the catalog without also opening the row's drawer. */
const stopRowClick = (event: { stopPropagation: () => void }) =>
  event.stopPropagation();

/**
 * A person's or service's ref; people link to their User entity. `fullRef`
 * shows the ref as stored rather than the person's display name.
 */
export const ActorName = ({
  actor,
  fullRef,
}: {
  actor: AuditActor | undefined;
  fullRef?: boolean;
}) => {
  if (!actor) return null;
  if (actor.type === 'user' && !actor.erased && isFullEntityRef(actor.ref)) {
    return (
      <span onClick={stopRowClick} role="presentation">
        <EntityRefLink entityRef={actor.ref}>
          {fullRef ? actor.ref : undefined}
        </EntityRefLink>
      </span>
    );
  }
  return (
    <Typography
      component="span"
      variant="body2"
      fontStyle={actor.erased || actor.type === 'none' ? 'italic' : undefined}
    >
      {actorLabel(actor)}
    </Typography>
  );
};

/**
 * A flag's name (`CAP_MESSAGING_DEGRADED`) may wrap after its underscores,
 * between its words, rather than inside one in a narrow column.
 */
const breakableAtUnderscores = (name: string) =>
  name.split('_').map((part, i, parts) => (
    <span key={i}>
      {part}
      {i < parts.length - 1 && (
        <>
          _<wbr />
        </>
      )}
    </span>
  ));

export const TargetName = ({
  target,
  fullRef,
}: {
  target?: string;
  fullRef?: boolean;
}) => {
  if (!target) {
    return (
      <Typography component="span" variant="body2" color="text.secondary">
        None
      </Typography>
    );
  }
  const page = targetPage(target);
  if (page?.kind === 'entity') {
    return (
      <span onClick={stopRowClick} role="presentation">
        <EntityRefLink entityRef={target}>
          {fullRef ? target : undefined}
        </EntityRefLink>
      </span>
    );
  }
  if (page) {
    return (
      <span onClick={stopRowClick} role="presentation">
        <Link to={page.href} title={page.title}>
          {fullRef ? target : breakableAtUnderscores(page.label)}
        </Link>
      </span>
    );
  }
  return (
    <Typography
      component="span"
      variant="body2"
      sx={{ wordBreak: 'break-all' }}
    >
      {target}
    </Typography>
  );
};

const EventRow = (props: {
  event: AuditEvent;
  initiated?: AuditEvent;
  selected: boolean;
  showTarget: boolean;
  onSelect: (event: AuditEvent) => void;
}) => {
  const { event, initiated, selected, showTarget, onSelect } = props;
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect(event);
    }
  };
  return (
    <TableRow
      hover
      selected={selected}
      tabIndex={0}
      onClick={() => onSelect(event)}
      onKeyDown={onKeyDown}
      data-testid={`audit-row-${event.id}`}
      sx={{ cursor: 'pointer' }}
    >
      <TableCell
        sx={{ whiteSpace: 'nowrap' }}
        title={formatLocal(event.timestamp)}
      >
        {formatUtc(event.timestamp)}
      </TableCell>
      <TableCell sx={{ whiteSpace: 'nowrap' }}>
        <ActorName actor={event.actor} />
        {event.realActor && (
          <Typography variant="caption" color="text.secondary" component="div">
            Real actor: {actorLabel(event.realActor)}
          </Typography>
        )}
      </TableCell>
      <TableCell sx={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>
        {event.action}
      </TableCell>
      <TableCell sx={{ whiteSpace: 'nowrap' }}>{event.plugin}</TableCell>
      {showTarget && (
        <TableCell>
          <TargetName target={event.target} />
        </TableCell>
      )}
      <TableCell>
        <SeverityChip severity={event.severity} />
      </TableCell>
      <TableCell>
        <OutcomeChip outcome={event.outcome} error={event.error} />
      </TableCell>
      <TableCell
        align="right"
        sx={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}
        title={
          initiated
            ? `Initiated #${initiated.seq} at ${formatUtc(
                initiated.timestamp,
              )}; ${event.outcome} #${event.seq}`
            : undefined
        }
      >
        {initiated ? `#${initiated.seq}–${event.seq}` : `#${event.seq}`}
      </TableCell>
    </TableRow>
  );
};

/**
 * The matching events, newest first, with "Load older events". Clicking a
 * row (or Enter on it) selects the event for the detail drawer.
 */
export const AuditEventTable = (props: {
  filter: AuditEventFilter;
  filterKey: string;
  selectedId?: string;
  onSelect: (event: AuditEvent) => void;
  /** Off on an entity's tab, where every event has the same target. */
  showTarget?: boolean;
  /** What to say and offer when nothing matches. */
  empty: { title: string; description: string; action?: ReactNode };
}) => {
  const { filter, filterKey, selectedId, onSelect, empty } = props;
  const showTarget = props.showTarget ?? true;
  const events = useAuditEvents(filter, filterKey);
  const rows = useMemo(() => actionRows(events.items), [events.items]);

  if (events.loading) {
    return <Progress aria-label="Loading audit events" />;
  }
  if (events.error) {
    return (
      <>
        <ResponseErrorPanel
          title="Could not load the audit events"
          error={events.error}
        />
        <Button sx={{ mt: 2 }} variant="outlined" onClick={events.retry}>
          Retry
        </Button>
      </>
    );
  }
  if (events.items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title={empty.title}
        description={empty.description}
        action={empty.action ? <>{empty.action}</> : undefined}
      />
    );
  }

  return (
    <>
      <TableContainer>
        <Table size="small" aria-label="Audit events">
          <TableHead>
            <TableRow sx={{ '& th': { whiteSpace: 'nowrap' } }}>
              <TableCell>Time (UTC)</TableCell>
              <TableCell>Actor</TableCell>
              <TableCell>Action</TableCell>
              <TableCell>Plugin</TableCell>
              {showTarget && <TableCell>Target</TableCell>}
              <TableCell>Severity</TableCell>
              <TableCell>Outcome</TableCell>
              <TableCell align="right">Seq</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(({ event, initiated }) => (
              <EventRow
                key={event.id}
                event={event}
                initiated={initiated}
                selected={
                  event.id === selectedId || initiated?.id === selectedId
                }
                showTarget={showTarget}
                onSelect={onSelect}
              />
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      {events.loadingMore && (
        <LinearProgress aria-label="Loading older events" />
      )}
      {events.moreError && (
        <Alert severity="error" sx={{ mt: 2 }}>
          Could not load older events: {events.moreError.message}
        </Alert>
      )}
      <Box
        sx={{
          display: 'flex',
          alignItems: 'center',
          gap: 2,
          mt: 2,
          flexWrap: 'wrap',
        }}
      >
        <Typography
          role="status"
          variant="body2"
          color="text.secondary"
          data-testid="audit-shown-count"
        >
          {events.total !== undefined
            ? `Showing ${formatNumber(events.items.length)} of ${formatNumber(
                events.total,
              )} matching events`
            : `Showing ${formatNumber(events.items.length)} events`}
          {rows.length < events.items.length &&
            ` in ${formatNumber(rows.length)} ${
              rows.length === 1 ? 'row' : 'rows'
            } (an action's start and outcome share one)`}
        </Typography>
        {events.nextCursor && (
          <Button
            variant="outlined"
            onClick={events.loadMore}
            disabled={events.loadingMore}
            data-testid="audit-load-older"
          >
            Load older events
          </Button>
        )}
      </Box>
    </>
  );
};
