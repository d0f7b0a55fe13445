import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { auditLogPermissions } from '@internal/backstage-plugin-audit-log-common';
import { auditStoreServiceRef } from '@internal/backstage-plugin-audit-log-node';
import { createRouter } from './router';
import { ExportSigner } from './service/ExportSigner';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The audit log: query, verify and export the events every plugin's
 * auditor stores, and apply the retention period.
 *
 * @public
 */
export const auditLogPlugin = createBackendPlugin({
  pluginId: 'audit-log',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        scheduler: coreServices.scheduler,
        store: auditStoreServiceRef,
      },
      async init({
        config,
        logger,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        auditor,
        scheduler,
        store,
      }) {
        permissionsRegistry.addPermissions(auditLogPermissions);
        const signer = ExportSigner.fromConfig(config, logger);

        const retentionDays = config.getOptionalNumber('auditLog.retentionDays') ?? 365;
        if (!Number.isInteger(retentionDays) || retentionDays < 1) {
          throw new Error(`auditLog.retentionDays must be a whole number of days >= 1, not ${retentionDays}`);
        }
        await scheduler.scheduleTask({
          id: 'audit-log-retention',
          frequency: { hours: 6 },
          timeout: { hours: 1 },
          initialDelay: { minutes: 1 },
          fn: async () => {
            const cutoff = new Date(Date.now() - retentionDays * DAY_MS);
            const result = await store.purgeBefore(cutoff);
            if (result.purged) {
              logger.info(
                `Retention: purged ${result.purged} audit events through #${result.throughSeq} (older than ${retentionDays} days), checkpoint recorded`,
              );
            }
          },
        });

        httpRouter.use(
          await createRouter({ httpAuth, permissions, auditor, logger, store, signer }),
        );
      },
    });
  },
});
