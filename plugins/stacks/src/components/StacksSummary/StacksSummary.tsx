import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardActionArea from '@mui/material/CardActionArea';
import CardContent from '@mui/material/CardContent';
import Grid from '@mui/material/Grid';
import Typography from '@mui/material/Typography';
import {
  DOC_STATUSES,
  PRIORITIES,
  Priority,
  StacksSummary as Summary,
  StatusCounts,
} from '@internal/backstage-plugin-stacks-common';
import { DOC_STATUS_COLORS, PRIORITY_LABELS } from '../../labels';

const countOf = (counts: StatusCounts) =>
  DOC_STATUSES.reduce((sum, status) => sum + counts[status], 0);

const describe = (counts: StatusCounts) =>
  DOC_STATUSES.map(status => `${counts[status]} ${status}`).join(', ');

/** A horizontal bar split into complete, incomplete and missing. */
const StatusBar = ({
  label,
  counts,
}: {
  label: string;
  counts: StatusCounts;
}) => (
  <Box
    role="img"
    aria-label={`${label}: ${describe(counts)}`}
    sx={{
      display: 'flex',
      height: 10,
      borderRadius: 5,
      overflow: 'hidden',
      bgcolor: 'action.hover',
    }}
  >
    {DOC_STATUSES.filter(status => counts[status] > 0).map(status => (
      <Box
        key={status}
        sx={{
          flexGrow: counts[status],
          bgcolor: `${DOC_STATUS_COLORS[status]}.main`,
        }}
      />
    ))}
  </Box>
);

const Legend = ({ counts }: { counts: StatusCounts }) => (
  <Box
    component="ul"
    sx={{
      listStyle: 'none',
      p: 0,
      m: 0,
      mt: 1,
      display: 'flex',
      flexWrap: 'wrap',
      columnGap: 2,
    }}
  >
    {DOC_STATUSES.map(status => (
      <Typography
        component="li"
        variant="body2"
        key={status}
        sx={{ display: 'flex', alignItems: 'center' }}
      >
        <Box
          component="span"
          aria-hidden
          sx={{
            width: 8,
            height: 8,
            mr: 0.75,
            borderRadius: '50%',
            bgcolor: `${DOC_STATUS_COLORS[status]}.main`,
          }}
        />
        {counts[status]} {status}
      </Typography>
    ))}
  </Box>
);

const PriorityBody = ({
  priority,
  counts,
}: {
  priority: Priority;
  counts: StatusCounts;
}) => {
  const total = countOf(counts);
  return (
    <CardContent>
      <Box
        sx={{
          display: 'flex',
          justifyContent: 'space-between',
          alignItems: 'baseline',
          mb: 1,
        }}
      >
        <Typography variant="h6" component="h3">
          {PRIORITY_LABELS[priority]}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {total} {total === 1 ? 'stack' : 'stacks'}
        </Typography>
      </Box>
      <StatusBar
        label={`${PRIORITY_LABELS[priority]} stacks`}
        counts={counts}
      />
      <Legend counts={counts} />
    </CardContent>
  );
};

/**
 * The architecture review as live data: per priority, how many stacks are
 * documented completely, incompletely or not at all, plus the totals.
 * `compact` lays the priorities out two by two, for narrow cards. With
 * `onSelectPriority` each priority's card is a toggle that filters by it.
 */
export const StacksSummary = ({
  summary,
  compact = false,
  selected = [],
  onSelectPriority,
}: {
  summary: Summary;
  compact?: boolean;
  /** Priorities the page filters by; their cards show as pressed. */
  selected?: Priority[];
  onSelectPriority?: (priority: Priority) => void;
}) => (
  <Box data-testid="stacks-summary">
    <Box component="section" aria-label="All stacks" sx={{ mb: 2 }}>
      <Typography variant="subtitle1" component="p" sx={{ mb: 1 }}>
        <strong>{summary.total}</strong>{' '}
        {summary.total === 1 ? 'stack' : 'stacks'} in the review
      </Typography>
      <StatusBar label="All stacks" counts={summary.byStatus} />
      <Legend counts={summary.byStatus} />
    </Box>
    <Grid container spacing={2}>
      {PRIORITIES.map(priority => {
        const counts = summary.byPriority[priority];
        return (
          <Grid item key={priority} xs={12} sm={6} md={compact ? 6 : 3}>
            <Card
              variant="outlined"
              component="section"
              aria-label={`${PRIORITY_LABELS[priority]} stacks`}
              data-testid={`stacks-summary-${priority}`}
              sx={{
                height: '100%',
                borderColor: selected.includes(priority)
                  ? 'primary.main'
                  : undefined,
                borderWidth: selected.includes(priority) ? 2 : undefined,
              }}
            >
              {onSelectPriority ? (
                <CardActionArea
                  sx={{ height: '100%' }}
                  aria-pressed={selected.includes(priority)}
                  aria-label={`Show only ${PRIORITY_LABELS[
                    priority
                  ].toLocaleLowerCase('en-US')} stacks`}
                  onClick={() => onSelectPriority(priority)}
                >
                  <PriorityBody priority={priority} counts={counts} />
                </CardActionArea>
              ) : (
                <PriorityBody priority={priority} counts={counts} />
              )}
            </Card>
          </Grid>
        );
      })}
    </Grid>
  </Box>
);
