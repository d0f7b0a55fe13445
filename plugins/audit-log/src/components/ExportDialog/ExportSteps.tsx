import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import LinearProgress from '@mui/material/LinearProgress';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Typography from '@mui/material/Typography';
import DownloadIcon from '@mui/icons-material/Download';
import {
  AuditEventFilter,
  ExportFormat,
} from '@internal/backstage-plugin-audit-log-common';
import { useMemo } from 'react';
import { ExportProgress, ExportResult } from '../../api';
import { describeFilter, formatBytes, formatNumber } from '../../format';
import { CopyableBlock, verifyCommand } from '../SigningKeyCard';
import { ManifestDetails } from './ManifestDetails';
import { ManifestState, Phase } from './useExport';

const FORMATS: Array<{ value: ExportFormat; label: string; hint: string }> = [
  { value: 'csv', label: 'CSV', hint: 'for spreadsheets' },
  {
    value: 'ndjson',
    label: 'NDJSON',
    hint: 'one JSON event per line, for tools',
  },
];

/** The first step: the format, the filters that apply and how many events that is. */
export const ChooseStep = (props: {
  phase: Phase;
  filter: AuditEventFilter;
  format: ExportFormat;
  onFormat(format: ExportFormat): void;
  count: { loading: boolean; error?: Error; value?: number };
}) => {
  const { phase, format, count } = props;
  const applied = useMemo(() => describeFilter(props.filter), [props.filter]);
  const total = count.value;
  return (
    <>
      {phase.name === 'failed' && (
        <Alert severity="error" sx={{ mb: 2 }}>
          The export failed: {phase.error.message}
        </Alert>
      )}
      {phase.name === 'choose' && phase.notice && (
        <Alert severity="info" sx={{ mb: 2 }}>
          {phase.notice}
        </Alert>
      )}
      <FormControl>
        <FormLabel id="audit-export-format">Format</FormLabel>
        <RadioGroup
          row
          aria-labelledby="audit-export-format"
          value={format}
          onChange={event => props.onFormat(event.target.value as ExportFormat)}
        >
          {FORMATS.map(option => (
            <FormControlLabel
              key={option.value}
              value={option.value}
              control={<Radio />}
              label={`${option.label} (${option.hint})`}
            />
          ))}
        </RadioGroup>
      </FormControl>
      <Typography variant="subtitle2" component="h3" sx={{ mt: 2, mb: 1 }}>
        Filters that apply
      </Typography>
      <Box
        data-testid="audit-export-filters"
        sx={{ display: 'flex', flexWrap: 'wrap', gap: 1 }}
      >
        {applied.length ? (
          applied.map(part => (
            <Chip
              key={part.label}
              size="small"
              label={`${part.label}: ${part.value}`}
            />
          ))
        ) : (
          <Typography variant="body2">None: every event in the log</Typography>
        )}
      </Box>
      <Typography
        variant="body2"
        sx={{ mt: 2 }}
        data-testid="audit-export-count"
      >
        {count.loading && 'Counting the events…'}
        {count.error && `Could not count the events: ${count.error.message}`}
        {total !== undefined &&
          `${formatNumber(total)} ${
            total === 1 ? 'event' : 'events'
          } will be exported.`}
        {total === 0 &&
          ' The signed manifest then attests that none was recorded.'}
      </Typography>
    </>
  );
};

/** While the file streams in: rows and bytes so far, against the count when known. */
export const RunningStep = (props: {
  format: ExportFormat;
  progress: ExportProgress;
  total?: number;
}) => {
  const { format, total } = props;
  const { rows, bytes } = props.progress;
  const expected = total !== undefined ? `${formatNumber(total)}` : undefined;
  const determinate = total !== undefined && total > 0;
  return (
    <Box sx={{ my: 2 }}>
      <Typography variant="body2" sx={{ mb: 1 }}>
        Exporting as {format.toUpperCase()}…
      </Typography>
      <LinearProgress
        aria-label="Export progress"
        variant={determinate ? 'determinate' : 'indeterminate'}
        value={determinate ? Math.min(100, (rows / total) * 100) : undefined}
      />
      <Typography
        role="status"
        variant="body2"
        color="text.secondary"
        sx={{ mt: 1 }}
        data-testid="audit-export-progress"
      >
        {expected
          ? `${formatNumber(rows)} of ${expected} rows`
          : `${formatNumber(rows)} rows`}{' '}
        · {formatBytes(bytes)} received
      </Typography>
    </Box>
  );
};

/** The file is in: download it and its signed manifest, and how to verify them. */
export const DoneStep = (props: {
  result: ExportResult;
  manifest: ManifestState;
  localSha?: string;
  fileUrl?: string;
  manifestUrl?: string;
  manifestFileName: string;
}) => {
  const { manifest, localSha, fileUrl, manifestUrl, manifestFileName } = props;
  const done = props.result;
  return (
    <>
      <Alert severity="success" sx={{ my: 2 }}>
        Exported {formatNumber(done.rows)} rows ({formatBytes(done.bytes)}) to{' '}
        <strong>{done.fileName}</strong>.
      </Alert>
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
        <Button
          variant="contained"
          component="a"
          href={fileUrl}
          download={done.fileName}
          startIcon={<DownloadIcon />}
          disabled={!fileUrl}
        >
          Download file
        </Button>
        <Button
          variant="outlined"
          component="a"
          href={manifestUrl}
          download={manifestFileName}
          startIcon={<DownloadIcon />}
          disabled={!manifestUrl}
        >
          Download manifest
        </Button>
      </Box>
      {manifest.name === 'waiting' && (
        <Box sx={{ mt: 2 }}>
          <Typography variant="body2" color="text.secondary">
            Waiting for the signed manifest…
          </Typography>
          <LinearProgress
            aria-label="Waiting for the manifest"
            sx={{ mt: 1 }}
          />
        </Box>
      )}
      {manifest.name === 'failed' && (
        <Alert severity="warning" sx={{ mt: 2 }}>
          No manifest: {manifest.message} Without it the file cannot be
          verified; export again.
        </Alert>
      )}
      {manifest.name === 'ready' && (
        <>
          <ManifestDetails manifest={manifest.manifest} localSha={localSha} />
          <Typography variant="subtitle2" component="h3" sx={{ mb: 1 }}>
            Verify it offline
          </Typography>
          <CopyableBlock
            text={verifyCommand(done.fileName, manifestFileName)}
            label="the verification command"
            testId="audit-export-verify-command"
          />
        </>
      )}
    </>
  );
};
