import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type {
  AlarmState,
  AlarmView,
  MetricRange,
} from '@internal/backstage-plugin-cloudwatch-common';
import useAsync from 'react-use/esm/useAsync';
import { cloudwatchApiRef, EntityName } from '../api';
import { errorMessage } from './format';
import { Notices } from './Notices';

const STATE_COLORS: Record<AlarmState, string> = {
  OK: '#2e7d32',
  ALARM: '#d32f2f',
  INSUFFICIENT_DATA: '#9e9e9e',
};
const STATE_CHIP: Record<AlarmState, 'success' | 'error' | 'default'> = {
  OK: 'success',
  ALARM: 'error',
  INSUFFICIENT_DATA: 'default',
};
const PERCENT = 100;

interface Segment {
  from: number;
  to: number;
  state: AlarmState;
}

/**
 * The alarm's states across the window, from its state changes: before the
 * first change it was in that change's old state; after the last, in its
 * current one.
 */
export function segmentsOf(
  alarm: AlarmView,
  start: number,
  end: number,
): Segment[] {
  const changes = alarm.history
    .map(h => ({ at: Date.parse(h.timestamp), from: h.from, to: h.to }))
    .filter(c => c.to && c.at >= start && c.at <= end);
  const segments: Segment[] = [];
  let at = start;
  let state: AlarmState = changes[0]?.from ?? alarm.state;
  for (const change of changes) {
    if (change.at > at) segments.push({ from: at, to: change.at, state });
    at = change.at;
    state = change.to!;
  }
  segments.push({
    from: at,
    to: end,
    state: changes.length ? state : alarm.state,
  });
  return segments;
}

function Timeline(props: { alarm: AlarmView; start: number; end: number }) {
  const span = props.end - props.start;
  return (
    <Box
      display="flex"
      height={14}
      borderRadius={1}
      overflow="hidden"
      aria-label={`${props.alarm.name} timeline`}
    >
      {segmentsOf(props.alarm, props.start, props.end).map(segment => (
        <Tooltip
          key={segment.from}
          title={`${segment.state} from ${new Date(segment.from).toLocaleString(
            'en-GB',
          )} to ${new Date(segment.to).toLocaleString('en-GB')}`}
        >
          <Box
            width={`${((segment.to - segment.from) / span) * PERCENT}%`}
            bgcolor={STATE_COLORS[segment.state]}
          />
        </Tooltip>
      ))}
    </Box>
  );
}

/** The entity's alarms: state, reason, since when, and a timeline of the window. */
export function AlarmsSection(props: {
  entity: EntityName;
  range: MetricRange;
}) {
  const api = useApi(cloudwatchApiRef);
  const { value, loading, error } = useAsync(
    () => api.getAlarms(props.entity, props.range),
    [
      api,
      props.entity.kind,
      props.entity.namespace,
      props.entity.name,
      props.range,
    ],
  );
  return (
    <section aria-label="Alarms">
      <Stack
        direction="row"
        spacing={2}
        alignItems="baseline"
        sx={{ mb: 1, mt: 3 }}
      >
        <Typography variant="h6">Alarms</Typography>
        {value?.consoleUrl && (
          <Link to={value.consoleUrl}>All alarms in CloudWatch</Link>
        )}
      </Stack>
      {loading && <Progress />}
      {error && <Alert severity="error">{errorMessage(error)}</Alert>}
      {value && (
        <>
          <Notices
            notices={[
              ...value.notices,
              ...(value.historyNotice ? [value.historyNotice] : []),
            ]}
          />
          {value.alarms.length > 0 && (
            <Paper variant="outlined">
              <Table size="small" aria-label="Alarms">
                <TableHead>
                  <TableRow>
                    <TableCell>State</TableCell>
                    <TableCell>Alarm</TableCell>
                    <TableCell>Reason</TableCell>
                    <TableCell>Since</TableCell>
                    <TableCell sx={{ width: '30%' }}>
                      Last {value.window.range}
                    </TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {value.alarms.map(alarm => (
                    <TableRow key={alarm.name}>
                      <TableCell>
                        <Chip
                          size="small"
                          color={STATE_CHIP[alarm.state]}
                          label={alarm.state}
                        />
                      </TableCell>
                      <TableCell>
                        {alarm.consoleUrl ? (
                          <Link to={alarm.consoleUrl}>{alarm.name}</Link>
                        ) : (
                          alarm.name
                        )}
                        <Typography
                          variant="caption"
                          color="text.secondary"
                          component="div"
                        >
                          {alarm.condition}
                          {alarm.actionsEnabled ? '' : ' · actions off'}
                        </Typography>
                      </TableCell>
                      <TableCell>
                        <Typography variant="body2">
                          {alarm.stateReason || '–'}
                        </Typography>
                      </TableCell>
                      <TableCell>
                        {alarm.stateSince
                          ? new Date(alarm.stateSince).toLocaleString('en-GB')
                          : '–'}
                      </TableCell>
                      <TableCell>
                        <Timeline
                          alarm={alarm}
                          start={Date.parse(value.window.start)}
                          end={Date.parse(value.window.end)}
                        />
                        <Typography variant="caption" color="text.secondary">
                          {alarm.history.length} state changes
                        </Typography>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </Paper>
          )}
        </>
      )}
    </section>
  );
}
