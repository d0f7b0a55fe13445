import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { auditLogPermissions } from '@internal/backstage-plugin-audit-log-common';
import { auditStoreServiceRef } from '@internal/backstage-plugin-audit-log-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { readRoleMapping } from '@internal/backstage-plugin-roles-common';
import { createRouter } from './router';
import { CatalogRoleDirectory } from './reports/CatalogRoleDirectory';
import { DatabaseReportStore } from './reports/DatabaseReportStore';
import { readFrameworks } from './reports/frameworks';
import { DefaultReportService } from './reports/ReportService';
import {
  NotificationsReportNotifier,
  readSchedules,
  scheduleReports,
} from './reports/scheduledReports';
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
        database: coreServices.database,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        notifications: notificationService,
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
        database,
        auth,
        catalog,
        notifications,
      }) {
        permissionsRegistry.addPermissions(auditLogPermissions);
        const signer = ExportSigner.fromConfig(config, logger);

        const retentionDays =
          config.getOptionalNumber('auditLog.retentionDays') ?? 365;
        if (!Number.isInteger(retentionDays) || retentionDays < 1) {
          throw new Error(
            `auditLog.retentionDays must be a whole number of days >= 1, not ${retentionDays}`,
          );
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

        const roleMapping = readRoleMapping(config);
        const directory = CatalogRoleDirectory.create({
          catalog,
          auth,
          mapping: roleMapping,
        });
        const reportStore = await DatabaseReportStore.create({ database });
        const reports = DefaultReportService.create({
          source: store,
          store: reportStore,
          signer,
          directory,
          notifier: NotificationsReportNotifier.create({
            notifications,
            complianceGroups: directory.groupsOf('compliance'),
          }),
          frameworks: readFrameworks(config),
          retentionDays,
          logger,
        });
        await scheduleReports({
          scheduler,
          schedules: readSchedules(config),
          reports,
          store: reportStore,
          auditor,
          logger,
        });

        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            auditor,
            logger,
            store,
            signer,
            reports,
          }),
        );
      },
    });
  },
});
