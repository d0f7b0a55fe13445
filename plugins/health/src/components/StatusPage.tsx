import { Content, Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { HealthSummary } from '@internal/backstage-plugin-health-common';
import useAsync from 'react-use/esm/useAsync';
import { healthApiRef } from '../api';
import { StatusChip } from './StatusChip';
import { UptimeStrip } from './UptimeStrip';
import { percent, when } from './format';
import { useHealthList } from './useHealthList';

function groupBySystem(
  items: HealthSummary[],
): Array<[string, HealthSummary[]]> {
  const groups = new Map<string, HealthSummary[]>();
  for (const i of items) {
    const key = i.system ?? 'Other';
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** The status page: an overall banner, open incidents, and each entity's 90 days. */
export const StatusPage = () => {
  const api = useApi(healthApiRef);
  const { value, error } = useHealthList();
  const incidents = useAsync(() => api.incidents(), [api, value?.generatedAt]);
  if (!value && error) {
    return (
      <Content>
        <WarningPanel
          severity="error"
          title="Could not load the status"
          message={error.message}
        />
      </Content>
    );
  }
  if (!value)
    return (
      <Content>
        <Progress />
      </Content>
    );
  const down = value.items.filter(i => i.status === 'down');
  const degraded = value.items.filter(i => i.status === 'degraded');
  let banner = <Alert severity="success">All systems operational</Alert>;
  if (down.length) {
    banner = (
      <Alert severity="error">
        {down.length} down: {down.map(i => i.title).join(', ')}
      </Alert>
    );
  } else if (degraded.length) {
    banner = (
      <Alert severity="warning">
        Degraded: {degraded.map(i => i.title).join(', ')}
      </Alert>
    );
  }
  return (
    <Content>
      <Stack spacing={2}>
        <Box data-testid="status-banner">{banner}</Box>
        {(incidents.value ?? []).length > 0 && (
          <Paper variant="outlined" sx={{ p: 2 }}>
            <Typography variant="h6">Open incidents</Typography>
            {incidents.value!.map(i => (
              <Typography key={i.id} variant="body2">
                #{i.id}{' '}
                {value.items.find(s => s.entityRef === i.entityRef)?.title ??
                  i.entityRef}{' '}
                since {when(i.openedAt)}: {i.cause}
              </Typography>
            ))}
          </Paper>
        )}
        {groupBySystem(value.items).map(([system, items]) => (
          <Paper key={system} variant="outlined" sx={{ p: 2 }}>
            <Typography variant="h6" gutterBottom>
              {system}
            </Typography>
            <Stack spacing={1.5}>
              {items.map(i => (
                <Box key={i.entityRef}>
                  <Stack
                    direction="row"
                    justifyContent="space-between"
                    alignItems="center"
                  >
                    <Typography variant="subtitle2">
                      {i.title ?? i.entityRef}
                    </Typography>
                    <Stack direction="row" spacing={1} alignItems="center">
                      <Typography variant="caption" color="text.secondary">
                        {percent(i.availability30d, 3)} over 30 days
                      </Typography>
                      <StatusChip status={i.status} />
                    </Stack>
                  </Stack>
                  <UptimeStrip strip={i.uptime} />
                </Box>
              ))}
            </Stack>
          </Paper>
        ))}
      </Stack>
    </Content>
  );
};
