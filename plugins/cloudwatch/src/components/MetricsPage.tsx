import { Content, Header, Page, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Alert from '@mui/material/Alert';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TableSortLabel from '@mui/material/TableSortLabel';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import WarningAmberIcon from '@mui/icons-material/WarningAmber';
import type {
  MetricObjectives,
  MetricRange,
  OverviewRow,
} from '@internal/backstage-plugin-cloudwatch-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { cloudwatchApiRef } from '../api';
import { errorMessage, formatCount, formatMs, formatPercent } from './format';
import { okColor } from './MetricsSection';
import { Notices } from './Notices';
import { RangePicker } from './RangePicker';
import { useRange } from './useRange';

const PAGE_RANGES: MetricRange[] = [
  '1h',
  '3h',
  '12h',
  '24h',
  '3d',
  '7d',
  '30d',
  '90d',
];

type Column = {
  id: string;
  label: string;
  numeric?: boolean;
  value: (row: OverviewRow) => number | string | undefined;
  render: (row: OverviewRow, objectives: MetricObjectives) => React.ReactNode;
};

const colored = (text: string, ok: boolean | undefined) => (
  <Typography variant="body2" color={okColor(ok)}>
    {text}
  </Typography>
);

const COLUMNS: Column[] = [
  {
    id: 'capability',
    label: 'Capability',
    value: r => r.title.toLocaleLowerCase('en-US'),
    render: r => <EntityRefLink entityRef={r.entityRef} title={r.title} />,
  },
  {
    id: 'owner',
    label: 'Owner',
    value: r => r.owner ?? '',
    render: r => (r.owner ? <EntityRefLink entityRef={r.owner} /> : '–'),
  },
  {
    id: 'requests',
    label: 'Requests',
    numeric: true,
    value: r => r.summary.requests,
    render: r => formatCount(r.summary.requests),
  },
  {
    id: 'availability',
    label: 'Availability',
    numeric: true,
    value: r => r.summary.availabilityPercent,
    render: (r, o) =>
      colored(
        formatPercent(r.summary.availabilityPercent, 3),
        r.summary.availabilityPercent === undefined
          ? undefined
          : r.summary.availabilityPercent >= o.availabilityPercent,
      ),
  },
  {
    id: 'errorRate',
    label: 'Error rate',
    numeric: true,
    value: r => r.summary.errorRatePercent,
    render: r => formatPercent(r.summary.errorRatePercent),
  },
  {
    id: 'latency',
    label: 'Latency',
    numeric: true,
    value: r => r.summary.latencyMs,
    render: (r, o) =>
      colored(
        `${formatMs(r.summary.latencyMs)}${
          r.summary.latencyStat && r.summary.latencyStat !== 'p95'
            ? ` (${r.summary.latencyStat})`
            : ''
        }`,
        r.summary.latencyMs === undefined
          ? undefined
          : r.summary.latencyMs <= o.latencyP95Ms,
      ),
  },
  {
    id: 'degraded',
    label: 'Degraded',
    numeric: true,
    value: r => r.summary.degradedPercent,
    render: (r, o) =>
      colored(
        formatPercent(r.summary.degradedPercent),
        r.summary.degradedPercent === undefined
          ? undefined
          : r.summary.degradedPercent < o.degradedPercent,
      ),
  },
];

type Sortable = number | string | undefined;

function compare(a: Sortable, b: Sortable): number {
  // rows without a figure go last whichever the direction
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Every capability side by side, sortable, each linked to its entity. */
export function MetricsPage() {
  const api = useApi(cloudwatchApiRef);
  const [range, setRange] = useRange();
  const [sortBy, setSortBy] = useState('capability');
  const [descending, setDescending] = useState(false);
  const { value, loading, error } = useAsync(
    () => api.getOverview(range),
    [api, range],
  );

  const column = COLUMNS.find(c => c.id === sortBy) ?? COLUMNS[0];
  const rows = [...(value?.rows ?? [])].sort((a, b) => {
    const order = compare(column.value(a), column.value(b));
    const missing =
      column.value(a) === undefined || column.value(b) === undefined;
    return descending && !missing ? -order : order;
  });
  const sort = (id: string) => {
    setDescending(
      sortBy === id
        ? !descending
        : COLUMNS.find(c => c.id === id)!.numeric === true,
    );
    setSortBy(id);
  };

  return (
    <Page themeId="tool">
      <Header
        title="Metrics"
        subtitle="Every capability's CloudWatch figures side by side: volume, errors, latency, degraded answers"
      />
      <Content>
        <Stack direction="row" spacing={2} alignItems="center" sx={{ mb: 2 }}>
          <RangePicker value={range} onChange={setRange} ranges={PAGE_RANGES} />
        </Stack>
        {loading && <Progress />}
        {error && (
          <Alert
            severity={
              /not configured/.test(errorMessage(error)) ? 'info' : 'error'
            }
          >
            {errorMessage(error)}
          </Alert>
        )}
        {value && (
          <>
            <Notices notices={value.notices} />
            <Paper variant="outlined">
              <Table size="small" aria-label="Capabilities">
                <TableHead>
                  <TableRow>
                    {COLUMNS.map(c => (
                      <TableCell
                        key={c.id}
                        align={c.numeric ? 'right' : 'left'}
                      >
                        <TableSortLabel
                          active={sortBy === c.id}
                          direction={
                            sortBy === c.id && descending ? 'desc' : 'asc'
                          }
                          onClick={() => sort(c.id)}
                        >
                          {c.label}
                        </TableSortLabel>
                      </TableCell>
                    ))}
                    <TableCell />
                  </TableRow>
                </TableHead>
                <TableBody>
                  {rows.map(row => (
                    <TableRow key={row.entityRef} data-testid="overview-row">
                      {COLUMNS.map(c => (
                        <TableCell
                          key={c.id}
                          align={c.numeric ? 'right' : 'left'}
                        >
                          {c.render(row, value.objectives)}
                        </TableCell>
                      ))}
                      <TableCell>
                        {row.notices.length > 0 && (
                          <Tooltip
                            title={row.notices.map(n => n.message).join(' · ')}
                          >
                            <WarningAmberIcon
                              color={
                                row.status === 'failed' ? 'error' : 'warning'
                              }
                              fontSize="small"
                              aria-label={row.notices
                                .map(n => n.message)
                                .join(' · ')}
                            />
                          </Tooltip>
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </Paper>
            <Typography
              variant="caption"
              color="text.secondary"
              component="div"
              sx={{ mt: 1 }}
            >
              {value.rows.length} capabilities over {value.window.range}, read
              with {value.calls} GetMetricData request
              {value.calls === 1 ? '' : 's'} ({value.queries} queries) at{' '}
              {new Date(value.fetchedAt).toLocaleTimeString('en-GB')}.
              Objectives: availability ≥ {value.objectives.availabilityPercent}{' '}
              %, P95 ≤ {value.objectives.latencyP95Ms} ms, degraded &lt;{' '}
              {value.objectives.degradedPercent} % ({value.objectives.source}).
            </Typography>
          </>
        )}
      </Content>
    </Page>
  );
}
