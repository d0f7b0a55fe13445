import { Link, Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Alert from '@mui/material/Alert';
import Grid from '@mui/material/Grid';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import {
  EntityHealthResponse,
  SloFigures,
} from '@internal/backstage-plugin-health-common';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { healthApiRef } from '../api';
import { LatencyChart, StatusTimeline } from './HealthCharts';
import { AlertChips, StatusChip } from './StatusChip';
import { UptimeStrip } from './UptimeStrip';
import { ms, percent, when } from './format';

const DEFAULT_REFRESH_MS = 30_000;
const MIN_REFRESH_MS = 2_000;
const PROBES_SHOWN = 15;

const Meets = ({ ok }: { ok?: boolean }) =>
  ok === undefined ? null : (
    <Typography
      component="span"
      color={ok ? 'success.main' : 'error.main'}
      sx={{ ml: 0.5 }}
    >
      {ok ? '✓' : '✗'}
    </Typography>
  );

const SloCard = ({
  f,
  objectives,
}: {
  f: SloFigures;
  objectives: EntityHealthResponse['summary']['objectives'];
}) => (
  <Paper variant="outlined" sx={{ p: 2 }} data-testid={`slo-${f.window}`}>
    <Typography variant="overline">{f.window}</Typography>
    <Typography variant="body2">
      Availability {percent(f.availability, 3)} /{' '}
      {objectives.availabilityPercent} %
      <Meets ok={f.meets.availability} />
    </Typography>
    <Typography variant="body2">
      p95 {ms(f.p95Ms)} / {objectives.latencyP95Ms} ms
      <Meets ok={f.meets.latency} />
    </Typography>
    <Typography variant="body2">
      Degraded {percent(f.degradedRatio)} / {objectives.degradedPercent} %
      <Meets ok={f.meets.degraded} />
    </Typography>
    <Typography variant="caption" color="text.secondary">
      {f.samples} probes
    </Typography>
  </Paper>
);

/** An entity's Health tab. */
export const EntityHealthContent = () => {
  const { entity } = useEntity();
  const api = useApi(healthApiRef);
  const [resolution, setResolution] = useState<'minute' | 'hour'>('minute');
  const ref = {
    kind: entity.kind.toLocaleLowerCase('en-US'),
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
  };
  const state = useAsyncRetry(
    () => api.entity(ref, resolution),
    [api, ref.kind, ref.namespace, ref.name, resolution],
  );
  const { value, error, retry } = state;
  const refreshMs = Math.max(
    MIN_REFRESH_MS,
    (value?.intervalSeconds ?? 0) * 1000 || DEFAULT_REFRESH_MS,
  );
  useEffect(() => {
    const timer = setInterval(retry, refreshMs);
    return () => clearInterval(timer);
  }, [retry, refreshMs]);
  if (!value && error) {
    return (
      <WarningPanel
        severity="error"
        title="Could not load this entity's health"
        message={error.message}
      />
    );
  }
  if (!value) return <Progress />;
  const { summary, slo, incidents, probes, series } = value;
  return (
    <Stack spacing={2}>
      <Paper variant="outlined" sx={{ p: 2 }}>
        <Stack direction="row" spacing={2} alignItems="center" flexWrap="wrap">
          <Typography variant="h6">Health</Typography>
          <StatusChip status={summary.status} />
          <Typography variant="body2" color="text.secondary">
            {summary.lastProbe
              ? `${when(summary.lastProbe.at)} · ${ms(
                  summary.lastProbe.latencyMs,
                )}${
                  summary.lastProbe.httpStatus
                    ? ` · HTTP ${summary.lastProbe.httpStatus}`
                    : ''
                }${
                  summary.lastProbe.version
                    ? ` · ${summary.lastProbe.version}`
                    : ''
                }`
              : 'Waiting for the first probe'}
          </Typography>
          <AlertChips alerts={summary.alerts} />
        </Stack>
        {summary.url && (
          <Typography variant="caption" color="text.secondary">
            Probes {summary.url}
          </Typography>
        )}
        {summary.lastProbe?.error && (
          <Alert severity="error" sx={{ mt: 1 }}>
            {summary.lastProbe.error}
          </Alert>
        )}
        {summary.problems.map(p => (
          <Alert
            key={p.message}
            severity="warning"
            sx={{ mt: 1 }}
            data-testid="annotation-problem"
          >
            {p.annotation}: {p.message}
          </Alert>
        ))}
        <Typography variant="caption" display="block" sx={{ mt: 1 }}>
          Uptime, 90 days
        </Typography>
        <UptimeStrip strip={summary.uptime} />
      </Paper>
      <Grid container spacing={2}>
        {slo.map(f => (
          <Grid item xs={12} sm={6} md={2.4} key={f.window}>
            <SloCard f={f} objectives={summary.objectives} />
          </Grid>
        ))}
        <Grid item xs={12} sm={6} md={2.4}>
          <Paper variant="outlined" sx={{ p: 2 }} data-testid="error-budget">
            <Typography variant="overline">Error budget, 30 d</Typography>
            <Typography
              variant="h5"
              color={
                (summary.budget.remaining ?? 1) < 0 ? 'error.main' : undefined
              }
            >
              {percent(summary.budget.remaining, 1)}
            </Typography>
            <Typography variant="caption" color="text.secondary">
              {summary.budget.failures} failed of{' '}
              {summary.budget.allowedFailures?.toFixed(1) ?? '–'} allowed
            </Typography>
          </Paper>
        </Grid>
      </Grid>
      <ToggleButtonGroup
        size="small"
        exclusive
        value={resolution}
        onChange={(_, v) => v && setResolution(v)}
        aria-label="Chart range"
      >
        <ToggleButton value="minute">24 hours, per minute</ToggleButton>
        <ToggleButton value="hour">30 days, per hour</ToggleButton>
      </ToggleButtonGroup>
      {series.length === 0 ? (
        <Typography color="text.secondary">
          No probes in this range yet.
        </Typography>
      ) : (
        <>
          <StatusTimeline series={series} />
          <LatencyChart
            series={series}
            objectiveMs={summary.objectives.latencyP95Ms}
          />
        </>
      )}
      <Paper variant="outlined" sx={{ p: 2 }}>
        <Typography variant="subtitle1">Incidents</Typography>
        {incidents.length === 0 ? (
          <Typography variant="body2" color="text.secondary">
            No incident recorded.
          </Typography>
        ) : (
          incidents.map(i => (
            <Typography
              key={i.id}
              variant="body2"
              color={i.closedAt ? undefined : 'error.main'}
            >
              #{i.id} {when(i.openedAt)} –{' '}
              {i.closedAt ? when(i.closedAt) : 'open'}: {i.cause}
            </Typography>
          ))
        )}
      </Paper>
      <Paper variant="outlined">
        <Table size="small" aria-label="Latest probes">
          <TableHead>
            <TableRow>
              <TableCell>At</TableCell>
              <TableCell>Status</TableCell>
              <TableCell align="right">Latency</TableCell>
              <TableCell align="right">HTTP</TableCell>
              <TableCell>Error</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {probes.slice(0, PROBES_SHOWN).map(p => (
              <TableRow key={`${p.at}-${p.status}`}>
                <TableCell>{when(p.at)}</TableCell>
                <TableCell>
                  <StatusChip status={p.status} />
                </TableCell>
                <TableCell align="right">{ms(p.latencyMs)}</TableCell>
                <TableCell align="right">{p.httpStatus ?? '–'}</TableCell>
                <TableCell>{p.error ?? ''}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Paper>
      <Typography variant="caption" color="text.secondary">
        Objectives come from the portal's configuration unless the entity's
        stackportal.io/slo-* annotations say otherwise.{' '}
        <Link to="/health">All health</Link>
      </Typography>
    </Stack>
  );
};
