import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  ReportPeriodPreset,
  ReportSummary,
} from '@internal/backstage-plugin-audit-log-common';
import useAsync from 'react-use/esm/useAsync';
import { WriteGuard } from '@internal/backstage-plugin-admin-react';
import { auditReportsApiRef } from '../../reportsApi';

const PERIODS: Array<{ value: ReportPeriodPreset | 'custom'; label: string }> =
  [
    { value: 'this-quarter', label: 'This quarter (to date)' },
    { value: 'last-quarter', label: 'Last quarter' },
    { value: 'this-month', label: 'This month (to date)' },
    { value: 'last-month', label: 'Last month' },
    { value: 'custom', label: 'Dates…' },
  ];

/** Picks a framework and a period and produces a report (which can take a while over a large log). */
export const ProduceReportCard = ({
  onProduced,
}: {
  onProduced: (summary: ReportSummary) => void;
}) => {
  const api = useApi(auditReportsApiRef);
  const frameworks = useAsync(() => api.getFrameworks(), [api]);
  const [framework, setFramework] = useState('soc2');
  const [period, setPeriod] = useState<ReportPeriodPreset | 'custom'>(
    'this-quarter',
  );
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const produce = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const summary = await api.produceReport(
        period === 'custom' ? { framework, from, to } : { framework, period },
      );
      onProduced(summary);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const selected = frameworks.value?.frameworks.find(f => f.id === framework);
  return (
    <InfoCard
      title="Produce a report"
      titleTypographyProps={{ component: 'h2' }}
    >
      <Stack
        direction={{ xs: 'column', md: 'row' }}
        spacing={2}
        alignItems={{ md: 'center' }}
      >
        <TextField
          select
          label="Framework"
          value={framework}
          onChange={e => setFramework(e.target.value)}
          sx={{ minWidth: 160 }}
          disabled={!frameworks.value}
          SelectProps={{ inputProps: { 'aria-label': 'Framework' } }}
        >
          {(
            frameworks.value?.frameworks ?? [{ id: 'soc2', title: 'SOC 2' }]
          ).map(f => (
            <MenuItem key={f.id} value={f.id}>
              {f.title}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          label="Period"
          value={period}
          onChange={e =>
            setPeriod(e.target.value as ReportPeriodPreset | 'custom')
          }
          sx={{ minWidth: 200 }}
          SelectProps={{ inputProps: { 'aria-label': 'Period' } }}
        >
          {PERIODS.map(p => (
            <MenuItem key={p.value} value={p.value}>
              {p.label}
            </MenuItem>
          ))}
        </TextField>
        {period === 'custom' && (
          <>
            <TextField
              label="From (UTC)"
              type="date"
              value={from}
              onChange={e => setFrom(e.target.value)}
              InputLabelProps={{ shrink: true }}
            />
            <TextField
              label="To (UTC, exclusive)"
              type="date"
              value={to}
              onChange={e => setTo(e.target.value)}
              InputLabelProps={{ shrink: true }}
            />
          </>
        )}
        <WriteGuard>
          <Button
            variant="contained"
            onClick={produce}
            disabled={busy || (period === 'custom' && (!from || !to))}
          >
            Produce report
          </Button>
        </WriteGuard>
      </Stack>
      {selected && (
        <Typography variant="body2" color="text.secondary" mt={2}>
          {selected.title} controls:{' '}
          {selected.controls.map(c => c.id).join(', ')}. The audit log keeps{' '}
          {frameworks.value?.retentionDays} days.
        </Typography>
      )}
      {busy && (
        <>
          <LinearProgress sx={{ mt: 2 }} aria-label="Producing the report" />
          <Typography variant="body2" mt={1}>
            Reading the period's events, verifying the chain and signing the
            files…
          </Typography>
        </>
      )}
      {error && (
        <Alert severity="error" sx={{ mt: 2 }}>
          {error}
        </Alert>
      )}
      {frameworks.error && (
        <Alert severity="error" sx={{ mt: 2 }}>
          Could not load the frameworks: {frameworks.error.message}
        </Alert>
      )}
    </InfoCard>
  );
};
