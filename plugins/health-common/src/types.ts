import type { EncodedUptime } from './uptime';
import type {
  AlertSeverity,
  HealthObjectives,
  ObjectiveProblem,
  SloWindow,
} from './objectives';

/**
 * What a probe found:
 * - `up`: answered 2xx, and its body (when it has one) says ok;
 * - `degraded`: answered, but says `degraded: true` or `status: degraded`;
 * - `down`: no answer in time, a refused address, a 5xx or a body saying down;
 * - `disabled`: the capability is switched off (`CAP_<X>_ENABLED` off): not counted against its SLO.
 */
export type ProbeStatus = 'up' | 'degraded' | 'down' | 'disabled';

export const PROBE_STATUSES: readonly ProbeStatus[] = [
  'up',
  'degraded',
  'down',
  'disabled',
];

/** One probe of one endpoint. */
export interface ProbeResult {
  /** Epoch milliseconds when it started. */
  at: number;
  status: ProbeStatus;
  latencyMs?: number;
  httpStatus?: number;
  /** Why it is down, as a person reads it. */
  error?: string;
  /** The version the endpoint reports (`version` of the body), if any. */
  version?: string;
}

/** One window's SLO figures against the objectives. */
export interface SloFigures {
  window: SloWindow;
  /** Probes counted (disabled ones are not). */
  samples: number;
  /** Share of counted probes that answered (up or degraded), 0..1; undefined without samples. */
  availability?: number;
  /** p95 latency of the answers, milliseconds. */
  p95Ms?: number;
  /** Share of counted probes that were degraded, 0..1. */
  degradedRatio?: number;
  meets: { availability?: boolean; latency?: boolean; degraded?: boolean };
}

/** The error budget of the 30-day window. */
export interface ErrorBudget {
  /** Share of the budget left, 1 = untouched, 0 = spent, negative = overspent; undefined without samples. */
  remaining?: number;
  /** Bad probes the budget allows over 30 days at the current probe rate. */
  allowedFailures?: number;
  /** Failures counted in the 30 days. */
  failures: number;
}

/** A burn-rate alert that fires now. */
export interface ActiveAlert {
  rule: string;
  severity: AlertSeverity;
  /** Epoch ms when it started firing. */
  since: number;
  /** The long window's burn rate when last evaluated. */
  burnRate: number;
}

/** An outage: opened when an endpoint goes down, closed when it answers again. */
export interface HealthIncident {
  id: number;
  entityRef: string;
  openedAt: number;
  closedAt?: number;
  /** The error of the probe that opened it. */
  cause: string;
}

/** One day of the uptime strip. */
export interface UptimeDay {
  /** YYYY-MM-DD (UTC). */
  day: string;
  /** 0..1, undefined when nothing was probed that day. */
  availability?: number;
  /** Whether any probe that day was degraded. */
  degraded: boolean;
}

/** A row of the Health page: one probed entity. */
export interface HealthSummary {
  entityRef: string;
  title?: string;
  kind: string;
  owner?: string;
  system?: string;
  stack?: string;
  capability?: string;
  url?: string;
  /** The latest probe's status; undefined before the first probe. */
  status?: ProbeStatus;
  lastProbe?: ProbeResult;
  /** 24 h figures. */
  p95Ms?: number;
  degradedRatio?: number;
  availability30d?: number;
  budget: ErrorBudget;
  alerts: ActiveAlert[];
  /** The last 90 days, encoded (`decodeUptime` gives the days). */
  uptime: EncodedUptime;
  objectives: HealthObjectives;
  /** What is wrong with the entity's annotations, if anything. */
  problems: ObjectiveProblem[];
}

/** `GET /entities` */
export interface HealthListResponse {
  items: HealthSummary[];
  /** Epoch ms the list was computed at. */
  generatedAt: number;
  /** Seconds between two probes of an endpoint. */
  intervalSeconds: number;
}

/** A point of the entity's charts: one minute or one hour. */
export interface HealthSeriesPoint {
  /** Start of the bucket, epoch ms. */
  at: number;
  samples: number;
  up: number;
  degraded: number;
  down: number;
  disabled: number;
  p95Ms?: number;
}

/** `GET /entities/:kind/:namespace/:name` */
export interface EntityHealthResponse {
  summary: HealthSummary;
  slo: SloFigures[];
  incidents: HealthIncident[];
  probes: ProbeResult[];
  /** Per minute over the last 24 h or per hour over 30 days, as asked. */
  series: HealthSeriesPoint[];
  resolution: 'minute' | 'hour';
  /** Seconds between two probes of an endpoint. */
  intervalSeconds: number;
}

/** `GET /capabilities`: seed 002's `/internal/capabilities`. */
export interface CapabilityDiscovery {
  name: string;
  entityRef?: string;
  /** The base URL in every environment that has one; the watched one first. */
  baseUrls: Array<{ environment: string; url: string; source: string }>;
  /** The environment the portal watches. */
  environment: string;
  /** From `CAP_<X>_ENABLED`, as the capability last reported it. */
  enabled?: boolean;
  /** From `CAP_<X>_VERSION`. */
  version?: string;
  /** From `CAP_<X>_DEGRADED`, or degraded for another reason. */
  degraded?: boolean;
  flags: { enabled: string; version: string; degraded: string };
  health: { status?: ProbeStatus; checkedAt?: number; latencyMs?: number };
  slo: {
    availability30d?: number;
    budgetRemaining?: number;
    meetsObjectives?: boolean;
    alerts: ActiveAlert[];
  };
}

export interface CapabilityDiscoveryResponse {
  environment: string;
  capabilities: CapabilityDiscovery[];
}
