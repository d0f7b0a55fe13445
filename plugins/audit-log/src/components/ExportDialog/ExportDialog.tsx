import { ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import LinearProgress from '@mui/material/LinearProgress';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Typography from '@mui/material/Typography';
import DownloadIcon from '@mui/icons-material/Download';
import FileDownloadIcon from '@mui/icons-material/FileDownload';
import { useApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  auditLogEventExportPermission,
  AuditEventFilter,
  ExportFormat,
  ExportManifest,
} from '@internal/backstage-plugin-audit-log-common';
import useAsync from 'react-use/esm/useAsync';
import { auditLogApiRef, ExportProgress, ExportResult } from '../../api';
import {
  describeFilter,
  formatBytes,
  formatNumber,
  formatUtc,
} from '../../format';
import { CopyableBlock, verifyCommand } from '../SigningKeyCard';

/** Waits between manifest reads: the server stores it as the stream ends. */
export const MANIFEST_RETRY_DELAYS_MS = [0, 300, 1000, 2000, 4000];

const FORMATS: Array<{ value: ExportFormat; label: string; hint: string }> = [
  { value: 'csv', label: 'CSV', hint: 'for spreadsheets' },
  {
    value: 'ndjson',
    label: 'NDJSON',
    hint: 'one JSON event per line, for tools',
  },
];

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

const isAbort = (error: unknown) =>
  (error as Error | undefined)?.name === 'AbortError';

/** Hex SHA-256 of the file, when the browser offers Web Crypto here. */
async function sha256Hex(blob: Blob): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle || typeof blob.arrayBuffer !== 'function') return undefined;
  const digest = await subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest))
    .map(b => b.toString(16).padStart(2, '0'))
    .join('');
}

/** An object URL for the blob while it is shown, revoked afterwards. */
function useObjectUrl(blob: Blob | undefined): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!blob) {
      setUrl(undefined);
      return undefined;
    }
    const created = URL.createObjectURL(blob);
    setUrl(created);
    return () => URL.revokeObjectURL(created);
  }, [blob]);
  return url;
}

type Phase =
  | { name: 'choose'; notice?: string }
  | { name: 'running'; progress: ExportProgress }
  | { name: 'done'; result: ExportResult }
  | { name: 'failed'; error: Error };

type ManifestState =
  | { name: 'waiting' }
  | { name: 'ready'; manifest: ExportManifest }
  | { name: 'failed'; message: string };

const ManifestRow = ({
  label,
  children,
}: {
  label: string;
  children: ReactNode;
}) => (
  <>
    <Typography component="dt" variant="body2" color="text.secondary">
      {label}
    </Typography>
    <Typography
      component="dd"
      variant="body2"
      data-testid={`audit-manifest-${label.toLowerCase().replace(/\W+/g, '-')}`}
      sx={{ m: 0, overflowWrap: 'anywhere', fontFamily: 'monospace' }}
    >
      {children}
    </Typography>
  </>
);

const ManifestDetails = ({
  manifest,
  localSha,
}: {
  manifest: ExportManifest;
  localSha?: string;
}) => (
  <Box
    component="dl"
    aria-label="Manifest"
    sx={{
      display: 'grid',
      gridTemplateColumns: 'max-content 1fr',
      columnGap: 2,
      rowGap: 0.5,
      my: 2,
    }}
  >
    <ManifestRow label="Rows">{formatNumber(manifest.rowCount)}</ManifestRow>
    <ManifestRow label="SHA-256">
      {manifest.sha256}
      {localSha !== undefined &&
        (localSha === manifest.sha256 ? (
          <Typography
            variant="caption"
            component="div"
            sx={{ color: 'success.main', fontFamily: 'inherit' }}
          >
            matches the file you received
          </Typography>
        ) : (
          <Typography
            role="alert"
            variant="caption"
            component="div"
            sx={{ color: 'error.main', fontFamily: 'inherit' }}
          >
            does not match the file you received ({localSha}): do not use this
            file
          </Typography>
        ))}
    </ManifestRow>
    <ManifestRow label="Seq range">
      {manifest.firstSeq !== undefined && manifest.lastSeq !== undefined
        ? `#${manifest.firstSeq} to #${manifest.lastSeq}`
        : 'no events'}
    </ManifestRow>
    <ManifestRow label="Key fingerprint">
      {manifest.publicKeyFingerprint}
    </ManifestRow>
    <ManifestRow label="Signed">
      {manifest.algorithm}, {formatUtc(manifest.createdAt)} by{' '}
      {manifest.createdBy}
    </ManifestRow>
  </Box>
);

/**
 * Exports the events that match the page's filters as CSV or NDJSON, with a
 * progress bar while the file streams in, then offers the file and its signed
 * manifest.
 */
export const ExportDialog = (props: {
  open: boolean;
  filter: AuditEventFilter;
  onClose: () => void;
}) => {
  const { open, filter, onClose } = props;
  const api = useApi(auditLogApiRef);
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [phase, setPhase] = useState<Phase>({ name: 'choose' });
  const [manifest, setManifest] = useState<ManifestState>({ name: 'waiting' });
  const [localSha, setLocalSha] = useState<string>();
  const controller = useRef<AbortController>();
  /** Bumped on every start, cancel and close: late answers are dropped. */
  const run = useRef(0);

  const filterKey = JSON.stringify(filter);
  const count = useAsync(
    async () => (open ? api.countEvents(filter) : undefined),
    // filterKey changes exactly when the filter's content does
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, open, filterKey],
  );
  const applied = useMemo(() => describeFilter(filter), [filter]);

  const result = phase.name === 'done' ? phase.result : undefined;
  const fileUrl = useObjectUrl(result?.blob);
  const manifestBlob = useMemo(
    () =>
      manifest.name === 'ready'
        ? new Blob([`${JSON.stringify(manifest.manifest, null, 2)}\n`], {
            type: 'application/json',
          })
        : undefined,
    [manifest],
  );
  const manifestUrl = useObjectUrl(manifestBlob);
  const manifestFileName = result ? `${result.fileName}.manifest.json` : '';

  const abort = () => {
    run.current++;
    controller.current?.abort();
    controller.current = undefined;
  };
  // Leaving the page mid-export stops the download.
  useEffect(
    () => () => {
      run.current++;
      controller.current?.abort();
    },
    [],
  );

  const reset = () => {
    abort();
    setPhase({ name: 'choose' });
    setManifest({ name: 'waiting' });
    setLocalSha(undefined);
  };

  const waitForManifest = async (current: number, exportId?: string) => {
    if (!exportId) {
      setManifest({
        name: 'failed',
        message:
          'The server did not name this export (no X-Audit-Export-Id header), so its manifest cannot be fetched.',
      });
      return;
    }
    for (const delay of MANIFEST_RETRY_DELAYS_MS) {
      await sleep(delay);
      if (current !== run.current) return;
      try {
        const value = await api.getManifest(exportId);
        if (current === run.current) {
          setManifest({ name: 'ready', manifest: value });
        }
        return;
      } catch (error) {
        if (current !== run.current) return;
        if (!(error instanceof ResponseError && error.statusCode === 404)) {
          setManifest({ name: 'failed', message: (error as Error).message });
          return;
        }
      }
    }
    setManifest({
      name: 'failed',
      message: `The manifest of export ${exportId} is not ready yet; it was still missing after several tries.`,
    });
  };

  const start = async () => {
    abort();
    const current = run.current;
    const ctrl = new AbortController();
    controller.current = ctrl;
    setManifest({ name: 'waiting' });
    setLocalSha(undefined);
    setPhase({ name: 'running', progress: { bytes: 0, rows: 0 } });
    try {
      const exported = await api.exportEvents(
        filter,
        format,
        progress => {
          if (current === run.current) {
            setPhase({ name: 'running', progress });
          }
        },
        ctrl.signal,
      );
      if (current !== run.current) return;
      controller.current = undefined;
      setPhase({ name: 'done', result: exported });
      sha256Hex(exported.blob).then(
        sha => current === run.current && setLocalSha(sha),
        () => undefined,
      );
      await waitForManifest(current, exported.exportId);
    } catch (error) {
      if (current !== run.current || isAbort(error)) return;
      setPhase({ name: 'failed', error: error as Error });
    }
  };

  const cancel = () => {
    abort();
    setPhase({
      name: 'choose',
      notice: 'Export cancelled; no file was kept.',
    });
  };

  const close = () => {
    reset();
    onClose();
  };

  const total = count.value;
  const expected = total !== undefined ? `${formatNumber(total)}` : undefined;

  let body;
  if (phase.name === 'running') {
    const { rows, bytes } = phase.progress;
    const determinate = total !== undefined && total > 0;
    body = (
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
  } else if (phase.name === 'done') {
    const { result: done } = phase;
    body = (
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
  } else {
    body = (
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
            onChange={event => setFormat(event.target.value as ExportFormat)}
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
            <Typography variant="body2">
              None: every event in the log
            </Typography>
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
  }

  return (
    <Dialog
      open={open}
      onClose={phase.name === 'running' ? undefined : close}
      maxWidth="sm"
      fullWidth
      aria-labelledby="audit-export-title"
    >
      <DialogTitle id="audit-export-title">Export audit events</DialogTitle>
      <DialogContent>{body}</DialogContent>
      <DialogActions>
        {phase.name === 'running' && <Button onClick={cancel}>Cancel</Button>}
        {phase.name === 'done' && <Button onClick={reset}>Export again</Button>}
        {phase.name !== 'running' && <Button onClick={close}>Close</Button>}
        {(phase.name === 'choose' || phase.name === 'failed') && (
          <Button
            variant="contained"
            onClick={start}
            startIcon={<FileDownloadIcon />}
          >
            Export {format.toUpperCase()}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
};

/** "Export", for those allowed to export (compliance); nothing for others. */
export const ExportButton = ({ filter }: { filter: AuditEventFilter }) => {
  const { allowed } = usePermission({
    permission: auditLogEventExportPermission,
  });
  const [open, setOpen] = useState(false);
  if (!allowed) return null;
  return (
    <>
      <Button
        variant="contained"
        startIcon={<FileDownloadIcon />}
        onClick={() => setOpen(true)}
        data-testid="audit-export-button"
      >
        Export
      </Button>
      {open && (
        <ExportDialog open filter={filter} onClose={() => setOpen(false)} />
      )}
    </>
  );
};
