import {
  Content,
  Link,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import Box from '@mui/material/Box';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { HealthSummary } from '@internal/backstage-plugin-health-common';
import { useMemo, useState } from 'react';
import { AlertChips, StatusChip } from './StatusChip';
import { UptimeStrip } from './UptimeStrip';
import { healthTabPath, ms, percent } from './format';
import { useHealthList } from './useHealthList';

type FilterKey = 'stack' | 'system' | 'owner';
const FILTERS: Array<{ key: FilterKey; label: string }> = [
  { key: 'stack', label: 'Stack' },
  { key: 'system', label: 'System' },
  { key: 'owner', label: 'Owner' },
];

function optionsOf(items: HealthSummary[], key: FilterKey): string[] {
  return [
    ...new Set(items.map(i => i[key]).filter((v): v is string => !!v)),
  ].sort();
}

const ORDER = { down: 0, degraded: 1, disabled: 2, up: 3 } as const;

/** Every probed entity: status, 90 days of uptime, p95, degraded share, budget and alerts. */
export const HealthPage = () => {
  const { value, loading, error } = useHealthList();
  const [filter, setFilter] = useState<Record<FilterKey, string>>({
    stack: '',
    system: '',
    owner: '',
  });
  const all = useMemo(() => value?.items ?? [], [value]);
  const items = useMemo(
    () =>
      all
        .filter(i =>
          FILTERS.every(({ key }) => !filter[key] || i[key] === filter[key]),
        )
        .sort(
          (a, b) =>
            (a.status ? ORDER[a.status] : 4) -
              (b.status ? ORDER[b.status] : 4) ||
            (a.title ?? a.entityRef).localeCompare(b.title ?? b.entityRef),
        ),
    [all, filter],
  );
  if (!value && loading)
    return (
      <Content>
        <Progress />
      </Content>
    );
  if (!value && error) {
    return (
      <Content>
        <WarningPanel
          severity="error"
          title="Could not load health"
          message={error.message}
        />
      </Content>
    );
  }
  return (
    <Content>
      <Stack direction="row" spacing={2} sx={{ mb: 2 }} alignItems="center">
        {FILTERS.map(({ key, label }) => (
          <TextField
            key={key}
            select
            size="small"
            label={label}
            value={filter[key]}
            onChange={e => setFilter(f => ({ ...f, [key]: e.target.value }))}
            sx={{ minWidth: 180 }}
          >
            <MenuItem value="">All</MenuItem>
            {optionsOf(all, key).map(o => (
              <MenuItem key={o} value={o}>
                {o}
              </MenuItem>
            ))}
          </TextField>
        ))}
        <Box sx={{ flex: 1 }} />
        <Typography variant="body2" color="text.secondary">
          Probed every {value?.intervalSeconds} s ·{' '}
          <Link to="/status">Status page</Link>
        </Typography>
      </Stack>
      {error && (
        <WarningPanel
          severity="warning"
          title="Showing the last answer: refreshing failed"
          message={error.message}
        />
      )}
      {items.length === 0 ? (
        <Typography color="text.secondary">
          No entity matches. Entities are probed when they carry a
          stackportal.io/health-endpoint annotation.
        </Typography>
      ) : (
        <Paper variant="outlined">
          <Table size="small" aria-label="Health of every probed entity">
            <TableHead>
              <TableRow>
                <TableCell>Entity</TableCell>
                <TableCell>Status</TableCell>
                <TableCell sx={{ width: '30%' }}>Uptime, 90 days</TableCell>
                <TableCell align="right">p95 (24 h)</TableCell>
                <TableCell align="right">Degraded (24 h)</TableCell>
                <TableCell align="right">Budget left (30 d)</TableCell>
                <TableCell>Alerts</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {items.map(i => (
                <TableRow
                  key={i.entityRef}
                  data-testid={`health-row-${i.entityRef}`}
                >
                  <TableCell>
                    <Link to={healthTabPath(i.entityRef)}>
                      {i.title ?? i.entityRef}
                    </Link>
                    <Typography
                      variant="caption"
                      display="block"
                      color="text.secondary"
                    >
                      {[i.stack, i.system, i.owner].filter(Boolean).join(' · ')}
                    </Typography>
                  </TableCell>
                  <TableCell>
                    <StatusChip status={i.status} />
                    {i.problems.length > 0 && (
                      <Typography
                        variant="caption"
                        display="block"
                        color="error"
                      >
                        {i.problems[0].message}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell>
                    <UptimeStrip strip={i.uptime} />
                  </TableCell>
                  <TableCell
                    align="right"
                    sx={{
                      color:
                        i.p95Ms !== undefined &&
                        i.p95Ms > i.objectives.latencyP95Ms
                          ? 'error.main'
                          : undefined,
                    }}
                  >
                    {ms(i.p95Ms)}
                  </TableCell>
                  <TableCell align="right">
                    {percent(i.degradedRatio)}
                  </TableCell>
                  <TableCell
                    align="right"
                    sx={{
                      color:
                        (i.budget.remaining ?? 1) < 0
                          ? 'error.main'
                          : undefined,
                    }}
                  >
                    {percent(i.budget.remaining, 1)}
                  </TableCell>
                  <TableCell>
                    <AlertChips alerts={i.alerts} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Paper>
      )}
    </Content>
  );
};
