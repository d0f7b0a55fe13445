import {
  EncodedUptime,
  ActiveAlert,
  AlertSeverity,
  HealthIncident,
  HealthSeriesPoint,
  ObjectiveProblem,
  ProbeResult,
  ProbeStatus,
} from '@internal/backstage-plugin-health-common';
import type { ProbeFlags } from '../probe/HttpProber';
import type { WindowCounts } from '../slo/slo';

/** Rollup resolutions: minute, hour, day (UTC). */
export type Resolution = 'm' | 'h' | 'd';

export const RESOLUTION_MS: Record<Resolution, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** An entity to probe (or that cannot be probed: `problems` say why). */
export interface EndpointInfo {
  entityRef: string;
  kind: string;
  title?: string;
  owner?: string;
  system?: string;
  stack?: string;
  capability?: string;
  /** Absent when the annotation does not give a URL. */
  url?: string;
  annotations: Record<string, string>;
  problems: ObjectiveProblem[];
}

/** An endpoint with its latest probe. */
export interface EndpointRecord extends EndpointInfo {
  /** When the portal first saw it (undefined: before it kept this). */
  firstSeenAt?: number;
  last?: ProbeResult;
  lastFlags?: ProbeFlags;
  downStreak: number;
  answerStreak: number;
}

export interface RecordedProbe {
  entityRef: string;
  result: ProbeResult;
  flags?: ProbeFlags;
  /**
   * A failure within the start-up grace period: kept and shown as the
   * latest result, but not counted (no rollup, no down streak).
   */
  grace?: boolean;
}

/** The SLO summary computed for one entity. */
export interface SloRecord {
  entityRef: string;
  computedAt: number;
  figures: unknown;
  budget: unknown;
  uptime: EncodedUptime;
  p95Ms24h?: number;
  degraded24h?: number;
  availability30d?: number;
}

export interface AlertRecord extends ActiveAlert {
  entityRef: string;
  firing: boolean;
  updatedAt: number;
}

export interface DayCounts {
  entityRef: string;
  day: number;
  up: number;
  degraded: number;
  down: number;
  disabled: number;
}

/** How long each kind of data is kept, milliseconds. */
export interface Retention {
  raw: number;
  m: number;
  h: number;
  d: number;
}

/** Where probe results, rollups, SLOs, alerts and incidents live. */
export interface HealthStore {
  /** Replaces the set of endpoints with the catalog's; returns the ones removed. */
  syncEndpoints(endpoints: EndpointInfo[], now: number): Promise<string[]>;
  listEndpoints(): Promise<EndpointRecord[]>;
  getEndpoint(entityRef: string): Promise<EndpointRecord | undefined>;
  /** Stores results and their rollups; the endpoints' streaks after them. */
  recordProbes(
    probes: RecordedProbe[],
  ): Promise<Map<string, { downStreak: number; answerStreak: number }>>;
  /** A problem found while probing (a refused address), shown on the entity. */
  setProbeProblem(
    entityRef: string,
    message: string | undefined,
  ): Promise<void>;
  /**
   * Sums of every entity's rollups at `resolution` from each window's start
   * on (whole buckets, the current one included), by start then entity; an
   * entity with nothing in a window is absent. The histogram only when the
   * window asks for it (else empty); `latencyMax` only a floor, the lower
   * edge of the slowest non-empty histogram bucket: exact enough for a p95
   * that falls below that bucket (`maximumMatters`).
   */
  windowCounts(
    resolution: Resolution,
    windows: Array<{ start: number; histogram: boolean }>,
  ): Promise<Map<number, Map<string, WindowCounts>>>;
  /** The slowest answer of each of `entityRefs` at `resolution` from `since` on. */
  latencyMaxSince(
    resolution: Resolution,
    since: number,
    entityRefs: string[],
  ): Promise<Map<string, number>>;
  /** Day rollups from `since` on, of every entity or of `entityRefs`. */
  daysSince(since: number, entityRefs?: string[]): Promise<DayCounts[]>;
  /** The uptime strips of the latest SLO summaries. */
  readUptime(): Promise<Map<string, EncodedUptime>>;
  series(
    entityRef: string,
    resolution: Resolution,
    since: number,
  ): Promise<HealthSeriesPoint[]>;
  latestProbes(entityRef: string, limit: number): Promise<ProbeResult[]>;
  saveSlo(records: SloRecord[]): Promise<void>;
  /** The SLO summaries; without the per-window figures (`[]`) when `figures` is false. */
  readSlo(
    entityRefs?: string[],
    options?: { figures?: boolean },
  ): Promise<Map<string, SloRecord>>;
  alerts(options?: { firingOnly?: boolean }): Promise<AlertRecord[]>;
  saveAlerts(alerts: AlertRecord[]): Promise<void>;
  openIncident(
    entityRef: string,
    at: number,
    cause: string,
  ): Promise<HealthIncident>;
  closeIncident(
    entityRef: string,
    at: number,
  ): Promise<HealthIncident | undefined>;
  openIncidents(): Promise<HealthIncident[]>;
  incidentsOf(entityRef: string, limit: number): Promise<HealthIncident[]>;
  prune(now: number, retention: Retention): Promise<void>;
}

export type { ProbeStatus, AlertSeverity };
