import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { ProbeResult } from '@internal/backstage-plugin-health-common';
import { ProbeRunner } from '../probe/ProbeRunner';
import {
  AlertRecord,
  EndpointRecord,
  HealthStore,
  RecordedProbe,
  Retention,
} from '../store/HealthStore';
import { RuleVerdict } from '../slo/slo';
import { EndpointDirectory } from './EndpointDirectory';
import { Notifier } from './Notifier';
import { SloEvaluator } from './SloEvaluator';

/** Consecutive down probes that open an incident, and answers that close it. */
export interface IncidentThresholds {
  openAfter: number;
  closeAfter: number;
}

export const DEFAULT_INCIDENT_THRESHOLDS: IncidentThresholds = {
  openAfter: 2,
  closeAfter: 2,
};

/** What one run did, for the log and the tests. */
export interface RunReport {
  probed: number;
  refused: number;
  incidentsOpened: number;
  incidentsClosed: number;
  alertChanges: number;
}

/**
 * One probing run, scheduled as one global task (one replica at a time):
 * the catalog's endpoints, a probe of each, the results and rollups stored,
 * incidents opened and closed from state transitions, SLOs and burn rates
 * recomputed, alert changes notified and audited, old data pruned.
 */
export class HealthMonitor {
  private constructor(
    private readonly options: {
      directory: EndpointDirectory;
      store: HealthStore;
      runner: ProbeRunner;
      evaluator: SloEvaluator;
      notifier: Notifier;
      auditor: AuditorService;
      logger: LoggerService;
      retention: Retention;
      incidents: IncidentThresholds;
      now: () => number;
      /**
       * Failures within this many milliseconds after `startedAt` (the
       * backend's start) or after an endpoint first appears are shown but
       * not counted: the portal and what it probes often start together.
       */
      startupGrace?: { startedAt: number; ms: number };
    },
  ) {}

  static create(options: HealthMonitor['options']) {
    return new HealthMonitor(options);
  }

  async run(): Promise<RunReport> {
    const { store, runner, logger } = this.options;
    const now = this.options.now();
    await store.syncEndpoints(await this.options.directory.endpoints(), now);
    const endpoints = await store.listEndpoints();
    const probeable = endpoints.filter(
      (e): e is EndpointRecord & { url: string } => !!e.url,
    );
    const outcomes = await runner.run(probeable);
    const probes: RecordedProbe[] = [];
    let refused = 0;
    for (const { target, outcome } of outcomes) {
      if (outcome.kind === 'refused') {
        refused++;
        await store.setProbeProblem(target.entityRef, outcome.message);
      } else {
        probes.push({
          entityRef: target.entityRef,
          result: outcome.result,
          flags: outcome.flags,
          grace: this.inGrace(target, outcome.result),
        });
      }
    }
    const streaks = await store.recordProbes(probes);
    const byRef = new Map(endpoints.map(e => [e.entityRef, e]));
    const incidents = await this.updateIncidents(probes, streaks, byRef);
    const evaluations = await this.options.evaluator.evaluate(
      endpoints,
      this.options.now(),
    );
    await store.saveSlo(evaluations.map(e => e.record));
    const alertChanges = await this.updateAlerts(
      evaluations.map(e => ({
        endpoint: byRef.get(e.record.entityRef)!,
        verdicts: e.verdicts,
      })),
      now,
    );
    await store.prune(now, this.options.retention);
    const report = {
      probed: probes.length,
      refused,
      ...incidents,
      alertChanges,
    };
    logger.debug(`Health run: ${JSON.stringify(report)}`);
    return report;
  }

  /** A failure within the start-up grace period of the backend or of the endpoint. */
  private inGrace(endpoint: EndpointRecord, result: ProbeResult): boolean {
    const grace = this.options.startupGrace;
    if (!grace || result.status !== 'down') return false;
    const since = Math.max(grace.startedAt, endpoint.firstSeenAt ?? 0);
    return result.at < since + grace.ms;
  }

  private async updateIncidents(
    probes: RecordedProbe[],
    streaks: Map<string, { downStreak: number; answerStreak: number }>,
    byRef: Map<string, EndpointRecord>,
  ) {
    const { store, incidents: thresholds } = this.options;
    const open = new Set((await store.openIncidents()).map(i => i.entityRef));
    let incidentsOpened = 0;
    let incidentsClosed = 0;
    for (const { entityRef, result } of probes) {
      const streak = streaks.get(entityRef);
      const endpoint = byRef.get(entityRef);
      if (!streak || !endpoint) continue;
      if (!open.has(entityRef) && streak.downStreak >= thresholds.openAfter) {
        const incident = await store.openIncident(
          entityRef,
          result.at,
          result.error ?? 'down',
        );
        incidentsOpened++;
        await this.audit('health-incident', 'high', {
          entityRef,
          incident: incident.id,
          state: 'opened',
          cause: incident.cause,
        });
        await this.options.notifier.incidentOpened(endpoint, incident);
      } else if (
        open.has(entityRef) &&
        streak.answerStreak >= thresholds.closeAfter
      ) {
        const incident = await store.closeIncident(entityRef, result.at);
        if (incident) {
          incidentsClosed++;
          await this.audit('health-incident', 'medium', {
            entityRef,
            incident: incident.id,
            state: 'closed',
          });
        }
      }
    }
    return { incidentsOpened, incidentsClosed };
  }

  private async updateAlerts(
    evaluations: Array<{ endpoint: EndpointRecord; verdicts: RuleVerdict[] }>,
    now: number,
  ): Promise<number> {
    const { store, notifier } = this.options;
    const previous = new Map(
      (await store.alerts()).map(a => [`${a.entityRef}\u0000${a.rule}`, a]),
    );
    const changed: AlertRecord[] = [];
    const refreshed: AlertRecord[] = [];
    for (const { endpoint, verdicts } of evaluations) {
      const wasFiring = (rule: string) =>
        previous.get(`${endpoint.entityRef}\u0000${rule}`)?.firing ?? false;
      const pagedBefore = verdicts.some(
        v => v.rule.severity === 'page' && wasFiring(v.rule.id),
      );
      for (const verdict of verdicts) {
        const before = previous.get(
          `${endpoint.entityRef}\u0000${verdict.rule.id}`,
        );
        const same = wasFiring(verdict.rule.id) === verdict.firing;
        const record: AlertRecord = {
          entityRef: endpoint.entityRef,
          rule: verdict.rule.id,
          severity: verdict.rule.severity,
          firing: verdict.firing,
          since: same && before ? before.since : now,
          burnRate: verdict.burnRate,
          updatedAt: now,
        };
        if (same) {
          if (verdict.firing) refreshed.push(record);
          continue;
        }
        changed.push(record);
        await this.audit(
          'health-alert',
          verdict.rule.severity === 'page' ? 'high' : 'medium',
          {
            entityRef: endpoint.entityRef,
            rule: verdict.rule.id,
            severity: verdict.rule.severity,
            state: verdict.firing ? 'firing' : 'resolved',
            burnRate: Math.round(verdict.burnRate * 100) / 100,
          },
        );
      }
      // the owning group hears when a page-level burn starts and when it ends
      const paging = verdicts.filter(
        v => v.rule.severity === 'page' && v.firing,
      );
      if (!pagedBefore && paging.length) {
        await notifier.pageStarted(endpoint, paging[0]);
      } else if (pagedBefore && !paging.length) {
        await notifier.pageEnded(
          endpoint,
          verdicts
            .filter(v => v.rule.severity === 'page' && wasFiring(v.rule.id))
            .map(v => v.rule.id)
            .join(', '),
        );
      }
    }
    await store.saveAlerts([...changed, ...refreshed]);
    return changed.length;
  }

  private async audit(
    eventId: string,
    severityLevel: 'medium' | 'high',
    meta: Record<string, string | number>,
  ) {
    try {
      const event = await this.options.auditor.createEvent({
        eventId,
        severityLevel,
        meta,
      });
      await event.success();
    } catch (e) {
      this.options.logger.error(
        `Could not audit ${eventId} for ${meta.entityRef}: ${
          (e as Error).message
        }`,
      );
    }
  }
}
