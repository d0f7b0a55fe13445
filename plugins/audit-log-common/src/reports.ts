/** The kinds of section an audit report is made of. */
export const REPORT_KINDS = [
  'access-review',
  'privileged-activity',
  'change-management',
  'data-subject-requests',
  'security-events',
  'integrity',
] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** What each kind is called in the report and the portal. */
export const REPORT_KIND_TITLES: Record<ReportKind, string> = {
  'access-review': 'Access review',
  'privileged-activity': 'Privileged activity',
  'change-management': 'Change management',
  'data-subject-requests': 'Data-subject requests',
  'security-events': 'Security events',
  integrity: 'Integrity of the audit log',
};

/** One control of a framework, and the report kinds that evidence it. */
export interface FrameworkControl {
  id: string;
  title: string;
  kinds: ReportKind[];
}

/** A compliance framework, from config `auditLog.reports.frameworks` (or the defaults). */
export interface ReportFramework {
  /** `soc2`, `gdpr`, `hipaa`, or a configured id. */
  id: string;
  title: string;
  controls: FrameworkControl[];
}

/** A cell of a report table: text or a number. */
export type ReportCell = string | number;

/** A table of a report section; its rows are also a CSV file of the report. */
export interface ReportTable {
  /** File-name safe, unique in the report: the CSV is `<id>.csv`. */
  id: string;
  title: string;
  columns: string[];
  rows: ReportCell[][];
  /** Shown when there are no rows: what the absence means. */
  emptyText: string;
}

/** A figure shown as a bar chart in the portal (and as a table in the PDF). */
export interface ReportChart {
  title: string;
  /** The table (in the same section) whose first column labels the bars. */
  tableId: string;
  /** The column holding the numbers. */
  valueColumn: string;
}

export interface ReportSection {
  kind: ReportKind;
  title: string;
  /** The controls (of the report's framework) this section evidences, e.g. `CC6.1`. */
  controls: Array<{ id: string; title: string }>;
  /** One-line facts: "12 impersonation sessions, 1 refused write". */
  summary: string[];
  tables: ReportTable[];
  charts: ReportChart[];
}

/** The report itself: `report.json`; the HTML view, PDF and CSVs are written from it. */
export interface AuditReport {
  reportId: string;
  title: string;
  framework: { id: string; title: string };
  /** ISO, inclusive. */
  periodFrom: string;
  /** ISO, exclusive. */
  periodTo: string;
  /** "Q4 2026", "November 2026", or the dates. */
  periodLabel: string;
  createdAt: string;
  /** A person, or `scheduler` for a scheduled report. */
  createdBy: string;
  /** The events the report was computed from. */
  firstSeq?: number;
  lastSeq?: number;
  eventCount: number;
  /** The hash of the last event the report read: the chain head it was computed from. */
  chainHead?: { seq: number; hash: string };
  /** The report this one replaces (same framework and period, produced earlier). */
  supersedes?: string;
  sections: ReportSection[];
}

/** A file of a report, as its manifest describes it. */
export interface ReportFileEntry {
  name: string;
  contentType: string;
  bytes: number;
  /** Hex SHA-256 of the whole file. */
  sha256: string;
  /** Hex SHA-256 of each block of `blockSize` bytes, so a verifier can say which bytes changed. */
  blockSha256: string[];
}

/** `GET /reports/:id/manifest`: signed with the export signing key. */
export interface ReportManifest {
  type: 'audit-report';
  reportId: string;
  title: string;
  framework: string;
  periodFrom: string;
  periodTo: string;
  firstSeq?: number;
  lastSeq?: number;
  eventCount: number;
  chainHead?: { seq: number; hash: string };
  chainVerified: boolean;
  supersedes?: string;
  blockSize: number;
  files: ReportFileEntry[];
  createdAt: string;
  createdBy: string;
  algorithm: 'Ed25519';
  publicKeyPem: string;
  publicKeyFingerprint: string;
  /** Base64 Ed25519 signature over the canonical JSON of the manifest without `signature`. */
  signature: string;
}

/** One entry of `GET /reports`. */
export interface ReportSummary {
  reportId: string;
  title: string;
  framework: string;
  periodFrom: string;
  periodTo: string;
  periodLabel: string;
  createdAt: string;
  createdBy: string;
  scheduled: boolean;
  supersedes?: string;
  /** The later report of the same framework and period that replaces this one. */
  supersededBy?: string;
  files: Array<{ name: string; contentType: string; bytes: number }>;
}

/** `POST /reports`: a period as named presets or explicit dates. */
export interface ReportRequest {
  framework: string;
  /** `this-quarter`, `last-quarter`, `this-month`, `last-month`, or omitted with from/to. */
  period?: ReportPeriodPreset;
  from?: string;
  to?: string;
}

export const REPORT_PERIOD_PRESETS = [
  'this-month',
  'last-month',
  'this-quarter',
  'last-quarter',
] as const;
export type ReportPeriodPreset = (typeof REPORT_PERIOD_PRESETS)[number];

/** `GET /reports/frameworks` */
export interface ReportFrameworkList {
  frameworks: ReportFramework[];
  retentionDays: number;
}
