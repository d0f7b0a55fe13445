import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Alert from '@mui/material/Alert';
import Grid from '@mui/material/Grid';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type {
  EntityMetricsResponse,
  MetricRange,
  MetricSeries,
} from '@internal/backstage-plugin-cloudwatch-common';
import useAsync from 'react-use/esm/useAsync';
import { cloudwatchApiRef, EntityName } from '../api';
import {
  errorMessage,
  formatCount,
  formatMs,
  formatPercent,
  formatPeriod,
} from './format';
import { Notices } from './Notices';
import { ChartThreshold, TimeSeriesChart } from './TimeSeriesChart';

/** Green when the figure keeps its objective, red when not. */
export function okColor(ok: boolean | undefined): string {
  if (ok === undefined) return 'text.primary';
  return ok ? 'success.main' : 'error.main';
}

function Figure(props: {
  label: string;
  value: string;
  detail?: string;
  ok?: boolean;
}) {
  const color = okColor(props.ok);
  return (
    <Paper variant="outlined" sx={{ p: 1.5, height: '100%' }}>
      <Typography variant="caption" color="text.secondary">
        {props.label}
      </Typography>
      <Typography
        variant="h5"
        color={color}
        data-testid={`figure-${props.label}`}
      >
        {props.value}
      </Typography>
      {props.detail && (
        <Typography variant="caption" color="text.secondary">
          {props.detail}
        </Typography>
      )}
    </Paper>
  );
}

function Figures({ view }: { view: EntityMetricsResponse }) {
  const { summary, objectives } = view;
  const below = (value: number | undefined, max: number) =>
    value === undefined ? undefined : value <= max;
  const figures = [
    { label: 'Requests', value: formatCount(summary.requests) },
    {
      label: 'Availability',
      value: formatPercent(summary.availabilityPercent, 3),
      detail: `objective ≥ ${objectives.availabilityPercent} %`,
      ok:
        summary.availabilityPercent === undefined
          ? undefined
          : summary.availabilityPercent >= objectives.availabilityPercent,
    },
    { label: 'Error rate', value: formatPercent(summary.errorRatePercent) },
    {
      label: `Latency (${summary.latencyStat ?? 'p95'})`,
      value: formatMs(summary.latencyMs),
      detail: `objective P95 ≤ ${objectives.latencyP95Ms} ms`,
      ok: below(summary.latencyMs, objectives.latencyP95Ms),
    },
    {
      label: 'Degraded',
      value: formatPercent(summary.degradedPercent),
      detail: `objective < ${objectives.degradedPercent} %`,
      ok: below(summary.degradedPercent, objectives.degradedPercent),
    },
    {
      label: 'Breaker open',
      value: `${summary.breakerOpenPeriods ?? 0} periods`,
      ok: (summary.breakerOpenPeriods ?? 0) === 0,
    },
  ];
  return (
    <Grid container spacing={2} sx={{ mb: 2 }}>
      {figures.map(f => (
        <Grid item xs={6} md={4} lg={2} key={f.label}>
          <Figure {...f} />
        </Grid>
      ))}
    </Grid>
  );
}

const lineOf = (series: MetricSeries, color?: string) => ({
  label: series.stat ? `${series.label} (${series.stat})` : series.label,
  points: series.points,
  status: series.status,
  messages: series.messages,
  color,
});

/** The charts of the tab, each with the objective it is held to. */
function Charts({ view }: { view: EntityMetricsResponse }) {
  const get = (key: MetricSeries['key']) =>
    view.series.find(s => s.key === key)!;
  const { objectives } = view;
  const objective = (label: string, value: number): ChartThreshold[] => [
    { label: `${label} (${objectives.source})`, value },
  ];
  const charts = [
    {
      title: 'Request volume',
      unit: 'count' as const,
      lines: [
        lineOf(get('success'), '#2ca02c'),
        lineOf(get('error'), '#d62728'),
      ],
      stacked: true,
    },
    {
      title: 'Availability',
      unit: 'percent' as const,
      lines: [lineOf(get('availability'), '#1f77b4')],
      thresholds: objective('objective', objectives.availabilityPercent),
      zoomToTop: true,
    },
    {
      title: 'Error rate',
      unit: 'percent' as const,
      lines: [lineOf(get('errorRate'), '#d62728')],
    },
    {
      title: 'Latency',
      unit: 'milliseconds' as const,
      lines: [lineOf(get('latencyP95'), '#9467bd')],
      thresholds: objective('P95 objective', objectives.latencyP95Ms),
    },
    {
      title: 'Degraded ratio',
      unit: 'percent' as const,
      lines: [lineOf(get('degradedRatio'), '#ff7f0e')],
      thresholds: objective('objective', objectives.degradedPercent),
    },
    {
      title: 'Circuit breaker',
      unit: 'state' as const,
      lines: [lineOf(get('breakerOpen'), '#8c564b')],
    },
  ];
  return (
    <Grid container spacing={2}>
      {charts.map(chart => (
        <Grid item xs={12} lg={6} key={chart.title}>
          <TimeSeriesChart {...chart} window={view.window} />
        </Grid>
      ))}
    </Grid>
  );
}

/** The capability's five metrics and what follows from them, from one call. */
export function MetricsSection(props: {
  entity: EntityName;
  range: MetricRange;
}) {
  const api = useApi(cloudwatchApiRef);
  const { value, loading, error } = useAsync(
    () => api.getMetrics(props.entity, props.range),
    [
      api,
      props.entity.kind,
      props.entity.namespace,
      props.entity.name,
      props.range,
    ],
  );
  if (loading) return <Progress />;
  if (error) {
    return (
      <Alert severity="error" data-testid="metrics-error">
        {errorMessage(error)}
      </Alert>
    );
  }
  const view = value!;
  return (
    <section aria-label="Metrics">
      <Stack
        direction="row"
        spacing={2}
        alignItems="baseline"
        sx={{ mb: 1 }}
        flexWrap="wrap"
      >
        <Typography variant="h6">Metrics</Typography>
        <Typography variant="body2" color="text.secondary">
          {view.namespace} ·{' '}
          {view.dimensions.map(d => `${d.name}=${d.value}`).join(', ')} ·{' '}
          {formatPeriod(view.window.periodSeconds)} points (
          {view.window.periodReason})
        </Typography>
        {view.consoleUrl && (
          <Link to={view.consoleUrl}>Open in CloudWatch</Link>
        )}
      </Stack>
      <Notices notices={view.notices} />
      <Figures view={view} />
      <Charts view={view} />
      <Typography
        variant="caption"
        color="text.secondary"
        component="div"
        sx={{ mt: 1 }}
      >
        Read from CloudWatch at{' '}
        {new Date(view.fetchedAt).toLocaleTimeString('en-GB')} (account{' '}
        {view.account.id}, {view.account.region}); answers are shared for a
        minute.
      </Typography>
    </section>
  );
}
