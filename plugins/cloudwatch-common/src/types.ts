import type {
  AlarmSelector,
  AnnotationProblem,
  CloudWatchDimension,
} from './annotations';
import type {
  CapabilityMetricKey,
  DerivedMetricKey,
  MetricRange,
  MetricUnit,
} from './metrics';

/** The account a view was read from (never its credentials). */
export interface AccountSummary {
  id: string;
  region: string;
  /** Whether it is a local CloudWatch (an endpoint in the configuration). */
  local: boolean;
}

/** The window a view covers and why its period is what it is. */
export interface QueryWindow {
  range: MetricRange;
  /** ISO 8601, aligned to the period. */
  start: string;
  end: string;
  periodSeconds: number;
  /** Why this period: resolution wanted, retention, or the call's data-point limit. */
  periodReason: string;
}

/**
 * How complete a series is: `complete`, `partial` (CloudWatch said
 * PartialData, or not every page could be read) or `failed`.
 */
export type SeriesStatus = 'complete' | 'partial' | 'failed';

export interface MetricPoint {
  /** Epoch milliseconds of the period's start. */
  t: number;
  v: number;
}

export interface MetricSeries {
  key: CapabilityMetricKey | DerivedMetricKey;
  label: string;
  unit: MetricUnit;
  /** The CloudWatch statistic of a published metric. */
  stat?: string;
  /** Oldest first. */
  points: MetricPoint[];
  status: SeriesStatus;
  /** What CloudWatch said about it, when anything. */
  messages: string[];
}

/** The objectives of the health SLOs the charts draw. */
export interface MetricObjectives {
  availabilityPercent: number;
  latencyP95Ms: number;
  degradedPercent: number;
  /** Where they come from, shown on the chart. */
  source: string;
}

/** The window's totals, as the cards and the Metrics page show them. */
export interface MetricsSummary {
  requests?: number;
  errors?: number;
  degraded?: number;
  availabilityPercent?: number;
  errorRatePercent?: number;
  degradedPercent?: number;
  /** The latency statistic over the whole window (p95 where CloudWatch computes percentiles). */
  latencyMs?: number;
  latencyStat?: string;
  /** Periods in which the circuit breaker was open. */
  breakerOpenPeriods?: number;
}

/** Something about the view a person should know, and what to do about it. */
export interface ViewNotice {
  severity: 'info' | 'warning' | 'error';
  message: string;
}

/** `GET /entities/:kind/:namespace/:name/metrics` */
export interface EntityMetricsResponse {
  entityRef: string;
  account: AccountSummary;
  namespace: string;
  dimensions: CloudWatchDimension[];
  window: QueryWindow;
  series: MetricSeries[];
  summary: MetricsSummary;
  objectives: MetricObjectives;
  /** True when any series is partial or failed. */
  partial: boolean;
  notices: ViewNotice[];
  problems: AnnotationProblem[];
  /** The AWS console's page of it; absent for a local CloudWatch. */
  consoleUrl?: string;
  /** When CloudWatch was asked (a cached answer keeps its time). */
  fetchedAt: string;
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmHistoryItem {
  /** ISO 8601 */
  timestamp: string;
  summary: string;
  from?: AlarmState;
  to?: AlarmState;
}

export interface AlarmView {
  name: string;
  type: 'metric' | 'composite';
  description?: string;
  state: AlarmState;
  stateReason: string;
  /** ISO 8601: since when it is in its state. */
  stateSince?: string;
  /** What it watches, said shortly: `error Sum > 5 for 1 × 300 s`. */
  condition?: string;
  actionsEnabled: boolean;
  /** The AWS console's page of it; absent for a local CloudWatch. */
  consoleUrl?: string;
  /** State changes within the window, oldest first. */
  history: AlarmHistoryItem[];
}

/** `GET /entities/:kind/:namespace/:name/alarms` */
export interface EntityAlarmsResponse {
  entityRef: string;
  account: AccountSummary;
  window: Pick<QueryWindow, 'range' | 'start' | 'end'>;
  alarms: AlarmView[];
  /** Whether the history could be read; when not, why. */
  historyNotice?: ViewNotice;
  notices: ViewNotice[];
  problems: AnnotationProblem[];
  /** The AWS console's page of it; absent for a local CloudWatch. */
  consoleUrl?: string;
  fetchedAt: string;
}

/** One metric line of a dashboard widget. */
export interface WidgetSeries {
  label: string;
  /** `namespace metric dim=value` or the expression. */
  source: string;
  stat?: string;
  color?: string;
  points: MetricPoint[];
  status: SeriesStatus;
  messages: string[];
}

export interface DashboardWidgetView {
  /** Grid position as in the dashboard (24 columns). */
  x?: number;
  y?: number;
  width: number;
  height: number;
  type: string;
  title: string;
  /** metric widgets: drawn; text widgets: their markdown; others: why not. */
  kind: 'chart' | 'text' | 'unsupported';
  view?: 'timeSeries' | 'singleValue' | 'bar' | 'pie' | 'gauge';
  stacked?: boolean;
  periodSeconds?: number;
  stat?: string;
  region?: string;
  series?: WidgetSeries[];
  markdown?: string;
  /** Horizontal lines the widget asks for (`annotations.horizontal`). */
  thresholds?: Array<{ label?: string; value: number }>;
  unsupportedReason?: string;
}

/** `GET /entities/:kind/:namespace/:name/dashboard` */
export interface EntityDashboardResponse {
  entityRef: string;
  account: AccountSummary;
  name: string;
  window: Pick<QueryWindow, 'range' | 'start' | 'end'>;
  widgets: DashboardWidgetView[];
  notices: ViewNotice[];
  problems: AnnotationProblem[];
  /** The AWS console's page of it; absent for a local CloudWatch. */
  consoleUrl?: string;
  fetchedAt: string;
}

/** One capability's row of the Metrics page. */
export interface OverviewRow {
  entityRef: string;
  title: string;
  /** Owner and system refs, for the page's links. */
  owner?: string;
  system?: string;
  account?: string;
  summary: MetricsSummary;
  status: SeriesStatus;
  /** Why the row has no figures: an annotation problem, an account error. */
  notices: ViewNotice[];
}

/** `GET /overview` */
export interface MetricsOverviewResponse {
  window: QueryWindow;
  rows: OverviewRow[];
  objectives: MetricObjectives;
  /** GetMetricData requests the page cost when it was read (a cached page cost nothing more). */
  calls: number;
  queries: number;
  notices: ViewNotice[];
  fetchedAt: string;
}

/** `GET /status`: whether CloudWatch is configured, and how to configure it when not. */
export interface CloudWatchStatusResponse {
  configured: boolean;
  accounts: AccountSummary[];
  defaultAccount?: string;
  /** When not configured: what to add to the configuration. */
  howToConfigure?: string;
}

/**
 * `GET /entities/:kind/:namespace/:name/target`: what the entity's
 * annotations say to show, what is wrong with them, and where it is read.
 * Asks nothing of CloudWatch.
 */
export interface EntityTargetResponse {
  entityRef: string;
  configured: boolean;
  /** When CloudWatch is not configured: what to add to the configuration. */
  howToConfigure?: string;
  account?: AccountSummary;
  /** Why the account cannot be used (an unknown id), when so. */
  accountProblem?: string;
  namespace?: string;
  dimensions: CloudWatchDimension[];
  alarms?: AlarmSelector;
  dashboard?: string;
  problems: AnnotationProblem[];
}
