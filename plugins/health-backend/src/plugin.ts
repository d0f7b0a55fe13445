import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  DEFAULT_HEALTH_OBJECTIVES,
  HealthObjectives,
  healthPermissions,
} from '@internal/backstage-plugin-health-common';
import { CapabilityUrlResolver } from '@internal/backstage-plugin-stackpro-common';
import { AddressPolicy } from './probe/AddressPolicy';
import { HttpProber } from './probe/HttpProber';
import { ProbeRunner } from './probe/ProbeRunner';
import { createRouter } from './router';
import { EndpointDirectory } from './service/EndpointDirectory';
import {
  DEFAULT_INCIDENT_THRESHOLDS,
  HealthMonitor,
} from './service/HealthMonitor';
import { DefaultHealthService } from './service/HealthService';
import { Notifier } from './service/Notifier';
import { SloEvaluator } from './service/SloEvaluator';
import { DatabaseHealthStore } from './store/DatabaseHealthStore';
import { Retention } from './store/HealthStore';

const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_STARTUP_GRACE_MS = 120_000;
const MAX_JITTER_MS = 3_000;
const JITTER_SHARE = 0.1;
const DAY_MS = 86_400_000;
const DEFAULT_RETENTION_DAYS = { raw: 2, minutes: 2, hours: 32, days: 400 };

/** `health.objectives` over StackPro's defaults. */
export function objectivesFromConfig(config: Config): HealthObjectives {
  const c = config.getOptionalConfig('health.objectives');
  return {
    availabilityPercent:
      c?.getOptionalNumber('availabilityPercent') ??
      DEFAULT_HEALTH_OBJECTIVES.availabilityPercent,
    latencyP95Ms:
      c?.getOptionalNumber('latencyP95Ms') ??
      DEFAULT_HEALTH_OBJECTIVES.latencyP95Ms,
    degradedPercent:
      c?.getOptionalNumber('degradedPercent') ??
      DEFAULT_HEALTH_OBJECTIVES.degradedPercent,
  };
}

function intervalMs(config: Config): number {
  const key = 'health.probes.interval';
  return config.has(key)
    ? durationToMilliseconds(readDurationFromConfig(config, { key }))
    : DEFAULT_INTERVAL_MS;
}

/** `health.probes.startupGrace`: failures this soon are shown, not counted. */
function startupGraceMs(config: Config): number {
  const key = 'health.probes.startupGrace';
  return config.has(key)
    ? durationToMilliseconds(readDurationFromConfig(config, { key }))
    : DEFAULT_STARTUP_GRACE_MS;
}

function retentionFromConfig(config: Config): Retention {
  const days = (key: keyof typeof DEFAULT_RETENTION_DAYS) =>
    (config.getOptionalNumber(`health.retentionDays.${key}`) ??
      DEFAULT_RETENTION_DAYS[key]) * DAY_MS;
  return {
    raw: days('raw'),
    m: days('minutes'),
    h: days('hours'),
    d: days('days'),
  };
}

/**
 * Probes every catalog entity with `stackportal.io/health-endpoint` on a
 * schedule (one replica at a time), keeps results and rollups, computes SLOs,
 * error budgets and burn-rate alerts, opens incidents and tells the owning
 * group; serves the Health page, the entity Health tab, the status page and
 * capability discovery.
 *
 * @public
 */
export const healthPlugin = createBackendPlugin({
  pluginId: 'health',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { config, logger } = deps;
        deps.permissionsRegistry.addPermissions(healthPermissions);
        const store = await DatabaseHealthStore.create({
          database: deps.database,
        });
        const resolver = CapabilityUrlResolver.fromConfig(config);
        const defaults = objectivesFromConfig(config);
        const interval = intervalMs(config);
        const probes = config.getOptionalConfig('health.probes');
        const prober = HttpProber.create({
          policy: AddressPolicy.create({
            allowedHosts: probes?.getOptionalStringArray('allowedHosts'),
          }),
          timeoutMs: probes?.getOptionalNumber('timeoutMs'),
          maxBodyBytes: probes?.getOptionalNumber('maxBodyBytes'),
          maxRedirects: probes?.getOptionalNumber('maxRedirects'),
        });
        const monitor = HealthMonitor.create({
          directory: EndpointDirectory.create({
            catalog: deps.catalog,
            auth: deps.auth,
            resolver,
          }),
          store,
          runner: ProbeRunner.create({
            prober,
            concurrency: probes?.getOptionalNumber('concurrency'),
            jitterMs:
              probes?.getOptionalNumber('jitterMs') ??
              Math.min(MAX_JITTER_MS, interval * JITTER_SHARE),
          }),
          evaluator: SloEvaluator.create({
            store,
            defaults,
            intervalMs: interval,
          }),
          notifier: Notifier.create({
            notifications: deps.notifications,
            logger,
          }),
          auditor: deps.auditor,
          logger,
          retention: retentionFromConfig(config),
          incidents: {
            openAfter:
              config.getOptionalNumber('health.incidents.openAfter') ??
              DEFAULT_INCIDENT_THRESHOLDS.openAfter,
            closeAfter:
              config.getOptionalNumber('health.incidents.closeAfter') ??
              DEFAULT_INCIDENT_THRESHOLDS.closeAfter,
          },
          now: Date.now,
          startupGrace: { startedAt: Date.now(), ms: startupGraceMs(config) },
        });
        // scope global: with several replicas, one of them runs each interval
        await deps.scheduler.scheduleTask({
          id: 'health-probe',
          scope: 'global',
          frequency: { milliseconds: interval },
          timeout: { milliseconds: Math.max(interval * 4, 60_000) },
          initialDelay: { seconds: 3 },
          fn: async () => {
            await monitor.run();
          },
        });
        logger.info(
          `Health probes every ${interval / 1000} s, objectives ${
            defaults.availabilityPercent
          } % / p95 ${defaults.latencyP95Ms} ms / ${
            defaults.degradedPercent
          } % degraded`,
        );
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            service: DefaultHealthService.create({
              store,
              catalog: deps.catalog,
              resolver,
              defaults,
              intervalSeconds: interval / 1000,
            }),
          }),
        );
      },
    });
  },
});
