import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import {
  AuditReport,
  ReportFrameworkList,
  ReportManifest,
  ReportRequest,
  ReportSummary,
} from '@internal/backstage-plugin-audit-log-common';
import { responseErrorOf } from '@internal/backstage-plugin-http-common';

/** A downloaded file of a report, with the name the server gave it. */
export interface ReportDownload {
  blob: Blob;
  fileName: string;
}

/** Audit reports: produce, list, open and download (compliance staff). */
export interface AuditReportsApi {
  getFrameworks(): Promise<ReportFrameworkList>;
  listReports(): Promise<ReportSummary[]>;
  produceReport(request: ReportRequest): Promise<ReportSummary>;
  getReport(
    reportId: string,
  ): Promise<{ summary: ReportSummary; report: AuditReport }>;
  getManifest(reportId: string): Promise<ReportManifest>;
  /** A file of the report (report.pdf, a table's CSV) or `manifest`. */
  download(reportId: string, name: string): Promise<ReportDownload>;
}

export const auditReportsApiRef = createApiRef<AuditReportsApi>().with({
  id: 'plugin.audit-log.reports',
  pluginId: 'audit-log',
});

export class AuditReportsClient implements AuditReportsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getFrameworks() {
    return this.json<ReportFrameworkList>('/reports/frameworks');
  }

  async listReports() {
    return (await this.json<{ items: ReportSummary[] }>('/reports')).items;
  }

  produceReport(request: ReportRequest) {
    return this.json<ReportSummary>('/reports', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
  }

  getReport(reportId: string) {
    return this.json<{ summary: ReportSummary; report: AuditReport }>(
      `/reports/${encodeURIComponent(reportId)}`,
    );
  }

  getManifest(reportId: string) {
    return this.json<ReportManifest>(
      `/reports/${encodeURIComponent(reportId)}/manifest`,
    );
  }

  async download(reportId: string, name: string): Promise<ReportDownload> {
    const id = encodeURIComponent(reportId);
    const path =
      name === 'manifest'
        ? `/reports/${id}/manifest`
        : `/reports/${id}/files/${encodeURIComponent(name)}`;
    const response = await this.fetch(path);
    const disposition = response.headers.get('Content-Disposition') ?? '';
    const fileName =
      /filename="([^"]+)"/.exec(disposition)?.[1] ??
      `audit-report-${reportId}-${name}`;
    return { blob: await response.blob(), fileName };
  }

  private async fetch(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('audit-log');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) throw await responseErrorOf(response);
    return response;
  }

  private async json<T>(path: string, init?: RequestInit): Promise<T> {
    return (await this.fetch(path, init)).json();
  }
}
