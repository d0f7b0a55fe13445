import Box from '@mui/material/Box';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import {
  PRIORITIES,
  STATUS_LABELS,
  TICKET_STATUSES,
  TICKET_TYPES,
  TicketQuery,
  TicketSort,
} from '@internal/backstage-plugin-support-common';

const SORT_LABELS: Record<TicketSort, string> = {
  breach: 'Time to breach',
  priority: 'Priority',
  updated: 'Recently updated',
  created: 'Newest',
};

const ANY = '';

/** Status, priority, type, assignee, words and sort of a ticket list. */
export const TicketFilters = ({
  query,
  onChange,
}: {
  query: TicketQuery;
  onChange: (q: TicketQuery) => void;
}) => {
  const one = <K extends keyof TicketQuery>(key: K, value: TicketQuery[K]) =>
    onChange({ ...query, [key]: value, cursor: undefined });
  return (
    <Box display="flex" gap={2} flexWrap="wrap" mb={2}>
      <TextField
        select
        size="small"
        label="Status"
        value={query.status?.[0] ?? (query.state === 'all' ? 'all' : ANY)}
        sx={{ minWidth: 180 }}
        onChange={e => {
          const v = e.target.value;
          onChange({
            ...query,
            status: v && v !== 'all' ? [v as never] : undefined,
            state: v === 'all' ? 'all' : undefined,
          });
        }}
      >
        <MenuItem value={ANY}>Open</MenuItem>
        <MenuItem value="all">Any status</MenuItem>
        {TICKET_STATUSES.map(s => (
          <MenuItem key={s} value={s}>
            {STATUS_LABELS[s]}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        size="small"
        label="Priority"
        value={query.priority?.[0] ?? ANY}
        sx={{ minWidth: 110 }}
        onChange={e =>
          one(
            'priority',
            e.target.value ? [e.target.value as never] : undefined,
          )
        }
      >
        <MenuItem value={ANY}>Any</MenuItem>
        {PRIORITIES.map(p => (
          <MenuItem key={p} value={p}>
            {p}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        size="small"
        label="Type"
        value={query.type?.[0] ?? ANY}
        sx={{ minWidth: 120 }}
        onChange={e =>
          one('type', e.target.value ? [e.target.value as never] : undefined)
        }
      >
        <MenuItem value={ANY}>Any</MenuItem>
        {TICKET_TYPES.map(t => (
          <MenuItem key={t} value={t}>
            {t}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        size="small"
        label="Assignee"
        value={query.assignee ?? ANY}
        sx={{ minWidth: 140 }}
        onChange={e => one('assignee', e.target.value || undefined)}
      >
        <MenuItem value={ANY}>Anyone</MenuItem>
        <MenuItem value="me">Me</MenuItem>
        <MenuItem value="none">Unassigned</MenuItem>
      </TextField>
      <TextField
        size="small"
        label="Title contains"
        value={query.q ?? ''}
        onChange={e => one('q', e.target.value || undefined)}
      />
      <TextField
        select
        size="small"
        label="Sort by"
        value={query.sort ?? 'breach'}
        sx={{ minWidth: 170 }}
        onChange={e => one('sort', e.target.value as TicketSort)}
      >
        {Object.entries(SORT_LABELS).map(([value, label]) => (
          <MenuItem key={value} value={value}>
            {label}
          </MenuItem>
        ))}
      </TextField>
    </Box>
  );
};
