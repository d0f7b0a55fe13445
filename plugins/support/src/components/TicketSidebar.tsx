import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { InfoCard, Link } from '@backstage/core-components';
import {
  useWriteAccess,
  WriteAccessNotice,
  WriteGuard,
} from '@internal/backstage-plugin-admin-react';
import {
  PRIORITIES,
  STATUS_LABELS,
  SlaClock,
  SupportSettings,
  TicketView,
  UpdateTicketRequest,
} from '@internal/backstage-plugin-support-common';
import {
  formatDuration,
  PriorityChip,
  SlaChip,
  StatusChip,
} from './TicketChips';
import { shortRef } from './TicketTable';

const clockText = (name: string, c: SlaClock) => {
  if (c.state === 'none') return `${name}: no target`;
  if (c.metAt)
    return `${name}: ${
      c.state === 'breached' ? 'reached late' : 'met'
    } ${new Date(c.metAt).toLocaleString()}`;
  if (c.state === 'breached') return `${name}: breached`;
  if (c.remainingMs !== undefined)
    return `${name}: paused, ${formatDuration(c.remainingMs)} left`;
  return `${name}: due ${c.dueAt ? new Date(c.dueAt).toLocaleString() : '—'}`;
};

type GithubRequest =
  | { action: 'open' }
  | { action: 'link'; issueNumber: number };

/** The ticket's GitHub issue and its sync state, or how to link one. */
const GithubSection = ({
  view,
  githubEnabled,
  onGithub,
}: {
  view: TicketView;
  githubEnabled: boolean;
  onGithub: (request: GithubRequest) => void;
}) => {
  const { ticket, access } = view;
  const [issue, setIssue] = useState('');
  if (ticket.github) {
    return (
      <Typography variant="body2" data-testid="github-state">
        <Link to={ticket.github.url}>
          {ticket.github.repo}#{ticket.github.issueNumber}
        </Link>{' '}
        · {ticket.github.state.replace('_', ' ')}
        {ticket.github.error ? ` (${ticket.github.error})` : ''}
        {ticket.github.retryAt
          ? `; next try ${new Date(ticket.github.retryAt).toLocaleTimeString()}`
          : ''}
      </Typography>
    );
  }
  if (!githubEnabled || !access.canManage) {
    return (
      <Typography variant="body2" color="text.secondary">
        {githubEnabled ? 'Not linked' : 'GitHub sync is not configured'}
      </Typography>
    );
  }
  return (
    <Box display="flex" gap={1} alignItems="center">
      <WriteGuard>
        <Button size="small" onClick={() => onGithub({ action: 'open' })}>
          Open as issue
        </Button>
      </WriteGuard>
      <TextField
        size="small"
        label="Issue #"
        value={issue}
        onChange={e => setIssue(e.target.value)}
        sx={{ width: 90 }}
      />
      <WriteGuard>
        <Button
          size="small"
          disabled={!/^\d+$/.test(issue)}
          onClick={() =>
            onGithub({ action: 'link', issueNumber: Number(issue) })
          }
        >
          Link
        </Button>
      </WriteGuard>
    </Box>
  );
};

/** Status, priority, assignee, watchers, SLA and GitHub of a ticket, with what the caller may change. */
export const TicketSidebar = ({
  view,
  settings,
  me,
  onChange,
  onWatch,
  onGithub,
}: {
  view: TicketView;
  settings?: SupportSettings;
  me: string;
  onChange: (change: UpdateTicketRequest) => void;
  onWatch: (watching: boolean) => void;
  onGithub: (
    request: { action: 'open' } | { action: 'link'; issueNumber: number },
  ) => void;
}) => {
  const { ticket, access } = view;
  const watching = ticket.watchers.includes(me);
  const writeAccess = useWriteAccess();
  return (
    <InfoCard title="Details">
      <WriteAccessNotice access={writeAccess} />
      <Box display="flex" flexDirection="column" gap={2}>
        <Box display="flex" gap={1} alignItems="center">
          <StatusChip status={ticket.status} />
          <PriorityChip priority={ticket.priority} />
          <SlaChip sla={ticket.sla} />
        </Box>
        {access.transitions.length > 0 && (
          <TextField
            select
            size="small"
            label="Move to"
            value=""
            disabled={!writeAccess.allowed}
            onChange={e =>
              onChange({
                status: e.target.value as never,
                expectedVersion: ticket.version,
              })
            }
          >
            {access.transitions.map(s => (
              <MenuItem key={s} value={s}>
                {STATUS_LABELS[s]}
              </MenuItem>
            ))}
          </TextField>
        )}
        {access.reopenUntil && (
          <Typography variant="caption">
            May be reopened until{' '}
            {new Date(access.reopenUntil).toLocaleString()}
          </Typography>
        )}
        {access.canManage && (
          <TextField
            select
            size="small"
            label="Priority"
            value={ticket.priority}
            disabled={!writeAccess.allowed}
            onChange={e =>
              onChange({
                priority: e.target.value as never,
                expectedVersion: ticket.version,
              })
            }
          >
            {PRIORITIES.map(p => (
              <MenuItem key={p} value={p}>
                {p}
              </MenuItem>
            ))}
          </TextField>
        )}
        <Box>
          <Typography variant="overline">Assignee</Typography>
          <Typography>{shortRef(ticket.assigneeRef)}</Typography>
          {access.canManage && ticket.assigneeRef !== me && (
            <WriteGuard>
              <Button
                size="small"
                onClick={() => onChange({ assigneeRef: me })}
              >
                Assign to me
              </Button>
            </WriteGuard>
          )}
        </Box>
        <Box>
          <Typography variant="overline">Queue</Typography>
          <Typography>{shortRef(ticket.queueRef)}</Typography>
        </Box>
        <Box>
          <Typography variant="overline">Requester</Typography>
          <Typography>{shortRef(ticket.requesterRef)}</Typography>
        </Box>
        <Box>
          <Typography variant="overline">Labels</Typography>
          <Box display="flex" gap={0.5} flexWrap="wrap">
            {ticket.labels.length ? (
              ticket.labels.map(l => <Chip key={l} size="small" label={l} />)
            ) : (
              <Typography variant="body2">none</Typography>
            )}
          </Box>
        </Box>
        <Box>
          <Typography variant="overline">
            SLA ({ticket.sla.policy ?? 'none'}
            {ticket.sla.calendar ? `, ${ticket.sla.calendar}` : ''})
          </Typography>
          <Typography variant="body2">
            {clockText('First response', ticket.sla.response)}
          </Typography>
          <Typography variant="body2">
            {clockText('Resolution', ticket.sla.resolution)}
          </Typography>
        </Box>
        <Box>
          <Typography variant="overline">Watchers</Typography>
          <Typography variant="body2">
            {ticket.watchers.map(shortRef).join(', ') || 'nobody'}
          </Typography>
          <WriteGuard>
            <Button size="small" onClick={() => onWatch(!watching)}>
              {watching ? 'Stop watching' : 'Watch'}
            </Button>
          </WriteGuard>
        </Box>
        <Box>
          <Typography variant="overline">GitHub</Typography>
          <GithubSection
            view={view}
            githubEnabled={!!settings?.githubEnabled}
            onGithub={onGithub}
          />
        </Box>
      </Box>
    </InfoCard>
  );
};
