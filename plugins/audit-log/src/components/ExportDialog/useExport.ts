import { useEffect, useMemo, useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  AuditEventFilter,
  ExportFormat,
  ExportManifest,
} from '@internal/backstage-plugin-audit-log-common';
import useAsync from 'react-use/esm/useAsync';
import { auditLogApiRef, ExportProgress, ExportResult } from '../../api';

/** Waits between manifest reads: the server stores it as the stream ends. */
export const MANIFEST_RETRY_DELAYS_MS = [0, 300, 1000, 2000, 4000];

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

export type Phase =
  | { name: 'choose'; notice?: string }
  | { name: 'running'; progress: ExportProgress }
  | { name: 'done'; result: ExportResult }
  | { name: 'failed'; error: Error };

export type ManifestState =
  | { name: 'waiting' }
  | { name: 'ready'; manifest: ExportManifest }
  | { name: 'failed'; message: string };

/**
 * The export dialog's logic: the chosen format, the count of what will be
 * exported, the phase (choose, running with its progress, done, failed), the
 * signed manifest fetched once the file is in, and the actions that move
 * between them. Late answers of a cancelled or closed run are dropped.
 */
export function useExport(options: {
  open: boolean;
  filter: AuditEventFilter;
  onClose: () => void;
}) {
  const { open, filter, onClose } = options;
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

  return {
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
  };
}
