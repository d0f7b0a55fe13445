import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import {
  CLOUDWATCH_ANNOTATIONS,
  EntityTargetResponse,
} from '@internal/backstage-plugin-cloudwatch-common';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { cloudwatchApiRef, EntityName } from '../api';
import { AlarmsSection } from './AlarmsSection';
import { DashboardSection } from './DashboardSection';
import { errorMessage } from './format';
import { MetricsSection } from './MetricsSection';
import { RangePicker } from './RangePicker';
import { useRange } from './useRange';

/** Shown instead of the tab when the portal has no CloudWatch account. */
function NotConfigured({ howTo }: { howTo?: string }) {
  return (
    <Alert severity="info" data-testid="cloudwatch-not-configured">
      <AlertTitle>CloudWatch is not configured in this portal</AlertTitle>
      <Typography
        variant="body2"
        component="pre"
        sx={{ whiteSpace: 'pre-wrap', m: 0 }}
      >
        {howTo}
      </Typography>
    </Alert>
  );
}

/** What is wrong with the entity's annotations, said above everything else. */
function AnnotationProblems({ target }: { target: EntityTargetResponse }) {
  if (target.problems.length === 0 && !target.accountProblem) return null;
  return (
    <Alert severity="error" sx={{ mb: 2 }} data-testid="annotation-problems">
      <AlertTitle>This entity's CloudWatch annotations need fixing</AlertTitle>
      <ul style={{ margin: 0, paddingLeft: 20 }}>
        {target.problems.map(p => (
          <li key={p.annotation}>
            <code>{p.annotation}</code> “{p.value}” {p.message}
          </li>
        ))}
        {target.accountProblem && <li>{target.accountProblem}</li>}
      </ul>
    </Alert>
  );
}

const broken = (target: EntityTargetResponse, ...annotations: string[]) =>
  !!target.accountProblem ||
  target.problems.some(p =>
    [...annotations, CLOUDWATCH_ANNOTATIONS.account].includes(p.annotation),
  );

/** The "Metrics" tab: the capability's metrics, alarms and dashboard. */
export function EntityMetricsContent() {
  const { entity } = useEntity();
  const api = useApi(cloudwatchApiRef);
  const [range, setRange] = useRange();
  const name: EntityName = useMemo(
    () => ({
      kind: entity.kind,
      namespace: entity.metadata.namespace ?? 'default',
      name: entity.metadata.name,
    }),
    [entity.kind, entity.metadata.namespace, entity.metadata.name],
  );
  const {
    value: target,
    loading,
    error,
  } = useAsync(() => api.getTarget(name), [api, name]);

  if (loading) return <Progress />;
  if (error) return <Alert severity="error">{errorMessage(error)}</Alert>;
  if (!target!.configured)
    return <NotConfigured howTo={target!.howToConfigure} />;
  const t = target!;
  const showMetrics =
    t.namespace !== undefined &&
    !broken(
      t,
      CLOUDWATCH_ANNOTATIONS.namespace,
      CLOUDWATCH_ANNOTATIONS.dimensions,
    );
  const showAlarms =
    t.alarms !== undefined && !broken(t, CLOUDWATCH_ANNOTATIONS.alarms);
  const showDashboard =
    t.dashboard !== undefined && !broken(t, CLOUDWATCH_ANNOTATIONS.dashboard);

  return (
    <Box>
      <Stack
        direction="row"
        alignItems="center"
        spacing={2}
        sx={{ mb: 2 }}
        flexWrap="wrap"
      >
        <RangePicker value={range} onChange={setRange} />
        {t.account && (
          <Chip
            size="small"
            variant="outlined"
            label={`${t.account.local ? 'local CloudWatch' : 'AWS'} · ${
              t.account.id
            } · ${t.account.region}`}
          />
        )}
      </Stack>
      <AnnotationProblems target={t} />
      {showMetrics && <MetricsSection entity={name} range={range} />}
      {showAlarms && <AlarmsSection entity={name} range={range} />}
      {showDashboard && <DashboardSection entity={name} range={range} />}
    </Box>
  );
}
