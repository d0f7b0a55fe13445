import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  auditLogReportCreatePermission,
  auditLogReportReadPermission,
  REPORT_PERIOD_PRESETS,
} from '@internal/backstage-plugin-audit-log-common';
import { isUlid } from '@internal/backstage-plugin-audit-log-node';
import { parseInput } from '@internal/backstage-plugin-http-node';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import { Request, Router } from 'express';
import PromiseRouter from 'express-promise-router';
import { z } from 'zod/v3';
import { ReportService } from './ReportService';

const produceBody = z
  .object({
    framework: z
      .string()
      .trim()
      .min(1, 'name a framework (SOC 2, GDPR, HIPAA, ...)')
      .max(100),
    period: z.enum(REPORT_PERIOD_PRESETS).optional(),
    from: z.string().max(40).optional(),
    to: z.string().max(40).optional(),
  })
  .strict();

const reportParams = z.object({
  reportId: z
    .string()
    .refine(isUlid, v => ({ message: `"${v}" is not a report id` })),
});
const fileParams = reportParams.extend({
  name: z
    .string()
    .max(200)
    .regex(
      /^[a-z0-9-]+\.(json|pdf|csv)$/,
      'is not a file of a report (report.json, report.pdf or <table>.csv)',
    ),
});
const listQuery = z
  .object({ framework: z.string().min(1).max(100).optional() })
  .strict();

/**
 * `/reports`: audit reports for auditors. Compliance produces and reads
 * them (admins do not: the reports are evidence about admins); producing
 * and every download is audited before it happens.
 */
export function createReportsRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  reports: ReportService;
}): Router {
  const { httpAuth, permissions, auditor, reports } = options;
  const router = PromiseRouter();

  async function authorize(
    req: Request,
    permission: BasicPermission,
  ): Promise<BackstageCredentials<{ type: 'user'; userEntityRef: string }>> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `${permission.name} is for compliance staff (admins do not read the reports about their own actions)`,
      );
    }
    return credentials;
  }

  /** Runs a download with its audit event: recorded before the bytes leave (fail closed). */
  async function audited<T>(
    req: Request,
    reportId: string,
    file: string,
    fn: () => Promise<T>,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId: 'report-download',
      severityLevel: 'medium',
      request: req,
      meta: { target: `audit-report:${reportId}`, reportId, file },
    });
    try {
      const result = await fn();
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  router.get('/reports/frameworks', async (req, res) => {
    await authorize(req, auditLogReportReadPermission);
    res.json({
      frameworks: reports.frameworks(),
      retentionDays: reports.retentionDays,
    });
  });

  router.get('/reports', async (req, res) => {
    await authorize(req, auditLogReportReadPermission);
    const { framework } = parseInput(listQuery, req.query, 'query');
    res.json({
      items: await reports.list({
        framework: framework ? reports.framework(framework).id : undefined,
      }),
    });
  });

  router.post('/reports', async (req, res) => {
    const credentials = await authorize(req, auditLogReportCreatePermission);
    const body = parseInput(produceBody, req.body, 'report request');
    const framework = reports.framework(body.framework);
    const period = await reports.resolvePeriod(body);
    const event = await auditor.createEvent({
      eventId: 'report-produce',
      severityLevel: 'high',
      request: req,
      meta: {
        framework: framework.id,
        periodFrom: period.from.toISOString(),
        periodTo: period.to.toISOString(),
      },
    });
    try {
      const summary = await reports.produce(framework, period, {
        createdBy: credentials.principal.userEntityRef,
        scheduled: false,
      });
      await event.success({
        meta: {
          reportId: summary.reportId,
          target: `audit-report:${summary.reportId}`,
        },
      });
      res.status(201).json(summary);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  router.get('/reports/:reportId', async (req, res) => {
    await authorize(req, auditLogReportReadPermission);
    const { reportId } = parseInput(reportParams, req.params, 'report');
    const summary = await reports.summary(reportId);
    const report = await audited(req, reportId, 'report.json', () =>
      reports.report(reportId),
    );
    res.json({ summary, report });
  });

  router.get('/reports/:reportId/manifest', async (req, res) => {
    await authorize(req, auditLogReportReadPermission);
    const { reportId } = parseInput(reportParams, req.params, 'report');
    const manifest = await audited(req, reportId, 'report-manifest.json', () =>
      reports.manifest(reportId),
    );
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="audit-report-${reportId}.manifest.json"`,
    );
    res.json(manifest);
  });

  router.get('/reports/:reportId/files/:name', async (req, res) => {
    await authorize(req, auditLogReportReadPermission);
    const { reportId, name } = parseInput(
      fileParams,
      req.params,
      'report file',
    );
    const file = await audited(req, reportId, name, () =>
      reports.file(reportId, name),
    );
    res.setHeader('Content-Type', file.contentType);
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="audit-report-${reportId}-${name}"`,
    );
    res.setHeader('Cache-Control', 'no-store');
    res.send(file.content);
  });

  return router;
}
