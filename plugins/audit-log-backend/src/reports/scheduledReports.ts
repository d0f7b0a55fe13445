import {
  AuditorService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { ReportSummary } from '@internal/backstage-plugin-audit-log-common';
import { previousPeriod } from './period';
import { DatabaseReportStore } from './DatabaseReportStore';
import { ReportNotifier, ReportService } from './ReportService';

export interface ReportSchedule {
  framework: string;
  every: 'month' | 'quarter';
}

/** Produced unless config says otherwise: SOC 2 each quarter, GDPR each month. */
export const DEFAULT_SCHEDULES: ReportSchedule[] = [
  { framework: 'soc2', every: 'quarter' },
  { framework: 'gdpr', every: 'month' },
];

/** Runs at 02:00 UTC on the first day of a month / of a quarter, for the period that just ended. */
const CRON: Record<ReportSchedule['every'], string> = {
  month: '0 2 1 * *',
  quarter: '0 2 1 1,4,7,10 *',
};

export function readSchedules(config: Config): ReportSchedule[] {
  const entries = config.getOptionalConfigArray('auditLog.reports.schedules');
  if (!entries) return DEFAULT_SCHEDULES;
  return entries.map((entry, i) => {
    const every = entry.getString('every');
    if (every !== 'month' && every !== 'quarter') {
      throw new Error(
        `auditLog.reports.schedules[${i}].every must be month or quarter, not ${every}`,
      );
    }
    return { framework: entry.getString('framework'), every };
  });
}

/**
 * One scheduler task per schedule (the scheduler runs it on one replica);
 * a report already produced for the period is not produced again.
 */
export async function scheduleReports(options: {
  scheduler: SchedulerService;
  schedules: ReportSchedule[];
  reports: ReportService;
  store: DatabaseReportStore;
  auditor: AuditorService;
  logger: LoggerService;
}) {
  const { scheduler, schedules, reports, store, auditor, logger } = options;
  for (const schedule of schedules) {
    const framework = reports.framework(schedule.framework);
    await scheduler.scheduleTask({
      id: `audit-report-${framework.id}-${schedule.every}`,
      frequency: { cron: CRON[schedule.every] },
      timeout: { hours: 2 },
      fn: async () => {
        const period = previousPeriod(schedule.every, new Date());
        if (
          await store.hasScheduled(
            framework.id,
            period.from.toISOString(),
            period.to.toISOString(),
          )
        )
          return;
        const event = await auditor.createEvent({
          eventId: 'report-produce',
          severityLevel: 'high',
          meta: {
            framework: framework.id,
            periodFrom: period.from.toISOString(),
            periodTo: period.to.toISOString(),
            scheduled: true,
          },
        });
        try {
          const summary = await reports.produce(framework, period, {
            createdBy: 'scheduler',
            scheduled: true,
          });
          await event.success({
            meta: {
              reportId: summary.reportId,
              target: `audit-report:${summary.reportId}`,
            },
          });
          logger.info(
            `Scheduled audit report ${summary.reportId}: ${summary.title}`,
          );
        } catch (error) {
          await event.fail({ error: error as Error });
          throw error;
        }
      },
    });
  }
}

/** Tells the compliance group, through Backstage notifications, that a report is ready. */
export class NotificationsReportNotifier implements ReportNotifier {
  private constructor(
    private readonly notifications: NotificationService,
    private readonly recipients: string[],
  ) {}

  static create(options: {
    notifications: NotificationService;
    complianceGroups: string[];
  }) {
    return new NotificationsReportNotifier(
      options.notifications,
      options.complianceGroups,
    );
  }

  async reportReady(summary: ReportSummary): Promise<void> {
    if (!this.recipients.length) return;
    await this.notifications.send({
      recipients: { type: 'entity', entityRef: this.recipients },
      payload: {
        title: `Audit report ready: ${summary.title}`,
        description: `${
          summary.scheduled ? 'Scheduled' : `Produced by ${summary.createdBy}`
        }; ${
          summary.supersedes ? `supersedes ${summary.supersedes}; ` : ''
        }signed manifest with the seq range and chain head attached.`,
        link: `/audit-reports/${summary.reportId}`,
        severity: 'normal',
        topic: 'audit-reports',
      },
    });
  }
}
