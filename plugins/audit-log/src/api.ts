import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import {
  AuditEvent,
  AuditEventFilter,
  AuditEventPage,
  AuditSigningKey,
  ChainVerification,
  DailyActivity,
  ExportFormat,
  ExportManifest,
} from '@internal/backstage-plugin-audit-log-common';
import { responseErrorOf } from '@internal/backstage-plugin-http-common';

/** How far a running export has got. */
export interface ExportProgress {
  /** Bytes of the file received so far. */
  bytes: number;
  /** Data rows received so far (lines, without the CSV header). */
  rows: number;
}

/** A finished export: the file and what the server calls it. */
export interface ExportResult {
  blob: Blob;
  /** From `Content-Disposition`, else `audit-events.<format>`. */
  fileName: string;
  /** From `X-Audit-Export-Id`; names the manifest. */
  exportId?: string;
  bytes: number;
  rows: number;
}

/** `GET /events/values` */
export interface AuditFilterValues {
  actions: string[];
  plugins: string[];
}

/** Reads, verifies and exports the compliance audit log. */
export interface AuditLogApi {
  /** One page of events, newest first; pass `nextCursor` back for older ones. */
  listEvents(
    filter?: AuditEventFilter,
    page?: { cursor?: string; limit?: number },
  ): Promise<AuditEventPage>;
  /** One event, with its chain position. */
  getEvent(id: string): Promise<AuditEvent>;
  /** How many events match the filter. */
  countEvents(filter?: AuditEventFilter): Promise<number>;
  /** The actions and plugins the log holds, sorted: the filters' choices. */
  listValues(): Promise<AuditFilterValues>;
  /** Events per UTC day by severity, for the filter. */
  getDailyActivity(filter?: AuditEventFilter): Promise<DailyActivity>;
  /** Re-computes the hash chain (over a range of seqs, or all of it). */
  verifyChain(range?: {
    fromSeq?: number;
    toSeq?: number;
  }): Promise<ChainVerification>;
  /** The Ed25519 key export manifests are signed with. */
  getPublicKey(): Promise<AuditSigningKey>;
  /**
   * Downloads the matching events as CSV or NDJSON, reporting progress as the
   * response streams in. The server stores the export's manifest once the
   * stream completes; read it with {@link AuditLogApi.getManifest}.
   */
  exportEvents(
    filter: AuditEventFilter,
    format: ExportFormat,
    onProgress?: (progress: ExportProgress) => void,
    signal?: AbortSignal,
  ): Promise<ExportResult>;
  /** The signed manifest of a completed export (404 until it is complete). */
  getManifest(exportId: string): Promise<ExportManifest>;
}

export const auditLogApiRef = createApiRef<AuditLogApi>().with({
  id: 'plugin.audit-log.api',
  pluginId: 'audit-log',
});

const LIST_KEYS = [
  'action',
  'plugin',
  'severity',
  'outcome',
  'target',
] as const;
const TEXT_KEYS = ['actor', 'from', 'to', 'q'] as const;

/** The backend's query parameters for a filter; lists as repeated parameters. */
export function filterToQuery(filter: AuditEventFilter = {}): URLSearchParams {
  const query = new URLSearchParams();
  for (const key of TEXT_KEYS) {
    const value = filter[key];
    if (value) query.set(key, value);
  }
  for (const key of LIST_KEYS) {
    for (const value of ([] as string[]).concat(filter[key] ?? [])) {
      query.append(key, value);
    }
  }
  return query;
}

const withQuery = (path: string, query: URLSearchParams) => {
  const search = query.toString();
  return search ? `${path}?${search}` : path;
};

/** The file name of `attachment; filename="x.csv"` or `filename*=UTF-8''x.csv`. */
export function fileNameFromDisposition(
  header: string | null,
): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(header);
  if (!plain) return undefined;
  return (plain[2] ?? plain[1]).trim() || undefined;
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;

/**
 * Counts records in a streamed CSV or NDJSON file chunk by chunk. CSV quotes
 * may hold line breaks, so a line break counts only outside quotes (`""`, an
 * escaped quote, toggles twice and changes nothing). Works on bytes: in UTF-8
 * neither byte occurs inside a multi-byte character.
 */
export class RecordCounter {
  private lines = 0;
  private inQuotes = false;
  private lastByte: number | undefined;

  constructor(private readonly format: ExportFormat) {}

  push(chunk: Uint8Array) {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (this.format === 'csv' && byte === QUOTE) {
        this.inQuotes = !this.inQuotes;
      } else if (byte === NEWLINE && !this.inQuotes) {
        this.lines++;
      }
    }
    if (chunk.length) this.lastByte = chunk[chunk.length - 1];
  }

  /** Data rows so far: a last line without a line break counts once the file ends. */
  rows(ended = false) {
    const unterminated =
      ended && this.lastByte !== undefined && this.lastByte !== NEWLINE ? 1 : 0;
    const lines = this.lines + unterminated;
    // The CSV's first line is its header.
    return this.format === 'csv' ? Math.max(0, lines - 1) : lines;
  }
}

function abortError(): Error {
  const error = new Error('The export was cancelled');
  error.name = 'AbortError';
  return error;
}

/** Talks to the audit log backend, `/api/audit-log`. */
export class AuditLogClient implements AuditLogApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listEvents(
    filter: AuditEventFilter = {},
    page: { cursor?: string; limit?: number } = {},
  ): Promise<AuditEventPage> {
    const query = filterToQuery(filter);
    if (page.cursor) query.set('cursor', page.cursor);
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    return this.json<AuditEventPage>(withQuery('/events', query));
  }

  async getEvent(id: string): Promise<AuditEvent> {
    return this.json<AuditEvent>(`/events/${encodeURIComponent(id)}`);
  }

  async countEvents(filter: AuditEventFilter = {}): Promise<number> {
    const { count } = await this.json<{ count: number }>(
      withQuery('/events/count', filterToQuery(filter)),
    );
    return count;
  }

  async listValues(): Promise<AuditFilterValues> {
    return this.json<AuditFilterValues>('/events/values');
  }

  async getDailyActivity(
    filter: AuditEventFilter = {},
  ): Promise<DailyActivity> {
    return this.json<DailyActivity>(
      withQuery('/stats/daily', filterToQuery(filter)),
    );
  }

  async verifyChain(
    range: { fromSeq?: number; toSeq?: number } = {},
  ): Promise<ChainVerification> {
    const query = new URLSearchParams();
    if (range.fromSeq !== undefined)
      query.set('fromSeq', String(range.fromSeq));
    if (range.toSeq !== undefined) query.set('toSeq', String(range.toSeq));
    return this.json<ChainVerification>(withQuery('/verify', query));
  }

  async getPublicKey(): Promise<AuditSigningKey> {
    return this.json<AuditSigningKey>('/public-key');
  }

  async exportEvents(
    filter: AuditEventFilter,
    format: ExportFormat,
    onProgress?: (progress: ExportProgress) => void,
    signal?: AbortSignal,
  ): Promise<ExportResult> {
    const query = filterToQuery(filter);
    query.set('format', format);
    const response = await this.fetch(withQuery('/export', query), { signal });

    const counter = new RecordCounter(format);
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    if (response.body) {
      const reader = response.body.getReader();
      // Not every fetch ends the body's stream on abort: stop reading here.
      const stop = () => {
        reader.cancel().catch(() => undefined);
      };
      signal?.addEventListener('abort', stop);
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (signal?.aborted) throw abortError();
          if (done) break;
          if (value?.length) {
            chunks.push(value);
            bytes += value.length;
            counter.push(value);
            onProgress?.({ bytes, rows: counter.rows() });
          }
        }
      } finally {
        signal?.removeEventListener('abort', stop);
      }
    }
    const rows = counter.rows(true);
    onProgress?.({ bytes, rows });

    return {
      blob: new Blob(chunks, {
        type:
          response.headers.get('content-type') ??
          (format === 'csv' ? 'text/csv' : 'application/x-ndjson'),
      }),
      fileName:
        fileNameFromDisposition(response.headers.get('content-disposition')) ??
        `audit-events.${format}`,
      exportId: response.headers.get('x-audit-export-id') ?? undefined,
      bytes,
      rows,
    };
  }

  async getManifest(exportId: string): Promise<ExportManifest> {
    return this.json<ExportManifest>(
      `/exports/${encodeURIComponent(exportId)}/manifest`,
    );
  }

  private async fetch(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('audit-log');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await responseErrorOf(response);
    }
    return response;
  }

  private async json<T>(path: string): Promise<T> {
    const response = await this.fetch(path);
    return (await response.json()) as T;
  }
}
