import { useState } from 'react';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FileDownloadIcon from '@mui/icons-material/FileDownload';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  auditLogEventExportPermission,
  AuditEventFilter,
} from '@internal/backstage-plugin-audit-log-common';
import { ChooseStep, DoneStep, RunningStep } from './ExportSteps';
import { useExport } from './useExport';

export { MANIFEST_RETRY_DELAYS_MS } from './useExport';

/**
 * Exports the events that match the page's filters as CSV or NDJSON, with a
 * progress bar while the file streams in, then offers the file and its signed
 * manifest. The logic is `useExport`; each step is a component of its own.
 */
export const ExportDialog = (props: {
  open: boolean;
  filter: AuditEventFilter;
  onClose: () => void;
}) => {
  const {
    format,
    setFormat,
    phase,
    manifest,
    localSha,
    count,
    fileUrl,
    manifestUrl,
    manifestFileName,
    start,
    cancel,
    reset,
    close,
  } = useExport(props);

  let body;
  if (phase.name === 'running') {
    body = (
      <RunningStep
        format={format}
        progress={phase.progress}
        total={count.value}
      />
    );
  } else if (phase.name === 'done') {
    body = (
      <DoneStep
        result={phase.result}
        manifest={manifest}
        localSha={localSha}
        fileUrl={fileUrl}
        manifestUrl={manifestUrl}
        manifestFileName={manifestFileName}
      />
    );
  } else {
    body = (
      <ChooseStep
        phase={phase}
        filter={props.filter}
        format={format}
        onFormat={setFormat}
        count={count}
      />
    );
  }

  return (
    <Dialog
      open={props.open}
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
