import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import {
  STATUS_LABELS,
  TicketEvent,
  TicketStatus,
} from '@internal/backstage-plugin-support-common';
import { TicketMarkdown } from './TicketMarkdown';
import { shortRef } from './TicketTable';

const who = (ref: string) => {
  if (ref.startsWith('github:')) return `${ref.slice(7)} (GitHub)`;
  if (ref === 'system:sla') return 'SLA clock';
  return shortRef(ref);
};

const status = (s?: string) =>
  s ? STATUS_LABELS[s as TicketStatus] ?? s : '—';

/** One line of history, in words. */
function describe(e: TicketEvent): string {
  switch (e.kind) {
    case 'created':
      return `raised the ticket (${e.to})`;
    case 'status':
      return `moved it from ${status(e.from)} to ${status(e.to)}`;
    case 'priority':
      return `changed the priority from ${e.from} to ${e.to}`;
    case 'assignee':
      return e.to ? `assigned it to ${shortRef(e.to)}` : 'unassigned it';
    case 'queue':
      return `moved it from the ${shortRef(e.from)} queue to ${shortRef(e.to)}`;
    case 'labels':
      return `set the labels to ${e.to || 'none'}`;
    case 'title':
      return `retitled it "${e.to}"`;
    case 'watcher-added':
      return 'started watching';
    case 'watcher-removed':
      return 'stopped watching';
    case 'comment-edited':
      return 'edited a comment';
    case 'sla-warning':
      return `warned: the ${
        e.to === 'response' ? 'first response' : 'resolution'
      } target is close`;
    case 'sla-breach':
      return `breached: the ${
        e.to === 'response' ? 'first response' : 'resolution'
      } target was missed`;
    case 'github-linked':
      return `linked it to GitHub issue ${e.to}`;
    default:
      return e.kind;
  }
}

/** The ticket's history: every change, comments and (for the team) internal notes. */
export const Timeline = ({ events }: { events: TicketEvent[] }) => (
  <Box
    component="ol"
    sx={{ listStyle: 'none', p: 0, m: 0 }}
    aria-label="Timeline"
  >
    {events.map(e => (
      <Box
        component="li"
        key={e.id}
        sx={{ mb: 1.5 }}
        data-testid={`event-${e.kind}`}
      >
        {e.comment ? (
          <Paper
            variant="outlined"
            sx={{
              p: 2,
              bgcolor:
                e.comment.visibility === 'internal'
                  ? 'warning.light'
                  : undefined,
              borderStyle:
                e.comment.visibility === 'internal' ? 'dashed' : undefined,
            }}
          >
            <Typography
              variant="caption"
              color="text.secondary"
              component="div"
              sx={{ mb: 1 }}
            >
              <strong>{who(e.comment.authorRef)}</strong>{' '}
              {new Date(e.at).toLocaleString()}
              {e.comment.visibility === 'internal' && (
                <Chip size="small" label="Internal note" sx={{ ml: 1 }} />
              )}
              {e.comment.source === 'github' && (
                <Chip size="small" label="from GitHub" sx={{ ml: 1 }} />
              )}
              {e.comment.editedAt && ' (edited)'}
            </Typography>
            <TicketMarkdown markdown={e.comment.body} />
          </Paper>
        ) : (
          <Typography
            variant="body2"
            color={e.kind === 'sla-breach' ? 'error' : 'text.secondary'}
          >
            <strong>{who(e.actorRef)}</strong> {describe(e)} ·{' '}
            {new Date(e.at).toLocaleString()}
          </Typography>
        )}
      </Box>
    ))}
  </Box>
);
