import { Link, MarkdownContent, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Alert from '@mui/material/Alert';
import Grid from '@mui/material/Grid';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type {
  DashboardWidgetView,
  EntityDashboardResponse,
  MetricRange,
} from '@internal/backstage-plugin-cloudwatch-common';
import useAsync from 'react-use/esm/useAsync';
import { cloudwatchApiRef, EntityName } from '../api';
import { errorMessage, formatCount, formatPeriod } from './format';
import { Notices } from './Notices';
import { TimeSeriesChart } from './TimeSeriesChart';

/** CloudWatch lays dashboards out on 24 columns; the page grid has 12. */
const DASHBOARD_COLUMNS = 24;
const GRID_COLUMNS = 12;

function SingleValue({ widget }: { widget: DashboardWidgetView }) {
  return (
    <Paper variant="outlined" sx={{ p: 2, height: '100%' }}>
      <Typography variant="subtitle1">{widget.title}</Typography>
      <Stack direction="row" spacing={3} flexWrap="wrap">
        {(widget.series ?? []).map(series => (
          <div key={series.label}>
            <Typography variant="caption" color="text.secondary">
              {series.label}
            </Typography>
            <Typography variant="h5">
              {formatCount(series.points[series.points.length - 1]?.v)}
            </Typography>
          </div>
        ))}
      </Stack>
    </Paper>
  );
}

function Widget(props: {
  widget: DashboardWidgetView;
  view: EntityDashboardResponse;
}) {
  const { widget, view } = props;
  if (widget.kind === 'text') {
    return (
      <Paper variant="outlined" sx={{ p: 2, height: '100%' }}>
        <MarkdownContent content={widget.markdown ?? ''} />
      </Paper>
    );
  }
  if (widget.kind === 'unsupported') {
    return (
      <Paper
        variant="outlined"
        sx={{ p: 2, height: '100%' }}
        data-testid="unsupported-widget"
      >
        <Typography variant="subtitle1">
          {widget.title || `${widget.type} widget`}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {widget.unsupportedReason}
        </Typography>
        {view.consoleUrl && (
          <Link to={view.consoleUrl}>Open the dashboard in CloudWatch</Link>
        )}
      </Paper>
    );
  }
  if (widget.view === 'singleValue') return <SingleValue widget={widget} />;
  return (
    <TimeSeriesChart
      title={widget.title}
      subtitle={`${widget.stat} · ${formatPeriod(
        widget.periodSeconds ?? 300,
      )} period${widget.region ? ` · ${widget.region}` : ''}`}
      unit="count"
      stacked={widget.stacked}
      lines={(widget.series ?? []).map(s => ({
        label: s.label,
        points: s.points,
        color: s.color,
        status: s.status,
        messages: s.messages,
      }))}
      thresholds={(widget.thresholds ?? []).map(t => ({
        label: t.label ?? String(t.value),
        value: t.value,
      }))}
      window={view.window}
    />
  );
}

/** The capability's CloudWatch dashboard, drawn natively in its own layout order. */
export function DashboardSection(props: {
  entity: EntityName;
  range: MetricRange;
}) {
  const api = useApi(cloudwatchApiRef);
  const { value, loading, error } = useAsync(
    () => api.getDashboard(props.entity, props.range),
    [
      api,
      props.entity.kind,
      props.entity.namespace,
      props.entity.name,
      props.range,
    ],
  );
  const widgets = [...(value?.widgets ?? [])].sort(
    (a, b) => (a.y ?? 0) - (b.y ?? 0) || (a.x ?? 0) - (b.x ?? 0),
  );
  return (
    <section aria-label="Dashboard">
      <Stack
        direction="row"
        spacing={2}
        alignItems="baseline"
        sx={{ mb: 1, mt: 3 }}
      >
        <Typography variant="h6">
          Dashboard{value ? `: ${value.name}` : ''}
        </Typography>
        {value?.consoleUrl && (
          <Link to={value.consoleUrl}>Open in CloudWatch</Link>
        )}
      </Stack>
      {loading && <Progress />}
      {error && <Alert severity="error">{errorMessage(error)}</Alert>}
      {value && (
        <>
          <Notices notices={value.notices} />
          <Grid container spacing={2}>
            {widgets.map((widget, i) => (
              <Grid
                item
                xs={12}
                md={Math.max(
                  3,
                  Math.round((widget.width / DASHBOARD_COLUMNS) * GRID_COLUMNS),
                )}
                key={`${i}-${widget.title}`}
              >
                <Widget widget={widget} view={value} />
              </Grid>
            ))}
          </Grid>
        </>
      )}
    </section>
  );
}
