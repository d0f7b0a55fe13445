import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  AuditEvent,
  AuditEventFilter,
  auditLogEventExportPermission,
  auditLogEventReadPermission,
  auditLogSubjectErasePermission,
  auditLogSubjectExportPermission,
  ExportFormat,
} from '@internal/backstage-plugin-audit-log-common';
import {
  AuditStore,
  csvHeader,
  ExportPage,
  isUlid,
  ndjsonRow,
  ulid,
} from '@internal/backstage-plugin-audit-log-node';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import { parseInput } from '@internal/backstage-plugin-http-node';
import express, { Request, Response } from 'express';
import Router from 'express-promise-router';
import { createHash } from 'node:crypto';
import { z } from 'zod/v3';
import { createReportsRouter } from './reports/reportsRouter';
import { ReportService } from './reports/ReportService';
import { ExportSigner } from './service/ExportSigner';
import {
  exportShape,
  pagingShape,
  parseQuery,
  subjectShape,
  verifyShape,
} from './service/queryParams';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  store: AuditStore;
  signer: ExportSigner;
  reports: ReportService;
}

const DEFAULT_PAGE = 50;

/**
 * Resolves when the response can take more, or is gone; removes both
 * listeners either way (a long export waits here once per page).
 */
function drainedOrClosed(res: Response): Promise<void> {
  return new Promise(resolve => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, auditor, store, signer, reports } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));
  router.use(createReportsRouter({ httpAuth, permissions, auditor, reports }));

  /** The caller, if they hold the permission; 403 naming the role otherwise. */
  async function authorize(
    req: Request,
    permission: BasicPermission,
    role: string,
  ): Promise<BackstageCredentials<{ type: 'user'; userEntityRef: string }>> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`${permission.name} is for ${role}`);
    }
    return credentials;
  }

  router.get('/events', async (req, res) => {
    await authorize(
      req,
      auditLogEventReadPermission,
      'compliance staff and admins',
    );
    const { cursor, limit, ...filter } = parseQuery(req.query, pagingShape);
    let beforeSeq: number | undefined;
    if (cursor !== undefined) {
      beforeSeq = signer.seqOfCursor(cursor);
      if (beforeSeq === undefined) {
        throw new InputError(
          'Invalid query: cursor was not issued by this audit log; start again without it',
        );
      }
    }
    const pageSize = limit ?? DEFAULT_PAGE;
    const items = await store.query(filter, { beforeSeq, limit: pageSize + 1 });
    const page = items.slice(0, pageSize);
    res.json({
      items: page,
      nextCursor:
        items.length > pageSize
          ? signer.cursorFor(page[page.length - 1].seq)
          : undefined,
    });
  });

  router.get('/events/count', async (req, res) => {
    await authorize(
      req,
      auditLogEventReadPermission,
      'compliance staff and admins',
    );
    res.json({ count: await store.count(parseQuery(req.query, {})) });
  });

  /** The actions and plugins the log holds: the filters' choices. */
  router.get('/events/values', async (req, res) => {
    await authorize(
      req,
      auditLogEventReadPermission,
      'compliance staff and admins',
    );
    res.json(await store.distinctValues());
  });

  router.get('/events/:id', async (req, res) => {
    await authorize(
      req,
      auditLogEventReadPermission,
      'compliance staff and admins',
    );
    if (!isUlid(req.params.id)) {
      throw new InputError(
        `"${req.params.id}" is not an audit event id (a ULID)`,
      );
    }
    res.json(await store.getById(req.params.id));
  });

  router.get('/stats/daily', async (req, res) => {
    await authorize(
      req,
      auditLogEventReadPermission,
      'compliance staff and admins',
    );
    res.json(await store.dailyActivity(parseQuery(req.query, {})));
  });

  router.get('/verify', async (req, res) => {
    await authorize(
      req,
      auditLogEventReadPermission,
      'compliance staff and admins',
    );
    const { fromSeq, toSeq } = parseQuery(req.query, verifyShape, {
      filters: false,
    });
    if (fromSeq !== undefined && toSeq !== undefined && fromSeq > toSeq) {
      throw new InputError(
        `Invalid query: fromSeq (${fromSeq}) is after toSeq (${toSeq})`,
      );
    }
    res.json(await store.verify({ fromSeq, toSeq }));
  });

  router.get('/public-key', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    res.json(signer.publicKey);
  });

  /**
   * Streams export pages to the response with constant memory and
   * back-pressure, hashing the bytes as they go (each page is encoded once,
   * then hashed and written; the store fetches the next page meanwhile).
   * Stops when the client goes away.
   */
  async function streamPages(
    req: Request,
    res: Response,
    pages: AsyncIterable<ExportPage>,
    format: ExportFormat,
  ) {
    let aborted = false;
    req.on('close', () => {
      if (!res.writableFinished) aborted = true;
    });
    const hash = createHash('sha256');
    const write = async (data: string | Buffer) => {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      hash.update(bytes);
      if (!res.write(bytes)) await drainedOrClosed(res);
    };
    let rowCount = 0;
    let firstSeq: number | undefined;
    let lastSeq: number | undefined;
    if (format === 'csv') await write(csvHeader());
    for await (const page of pages) {
      if (aborted) break;
      firstSeq ??= page.firstSeq;
      lastSeq = page.lastSeq ?? lastSeq;
      rowCount += page.rowCount;
      if (page.data.length) await write(page.data);
    }
    return { aborted, rowCount, firstSeq, lastSeq, sha256: hash.digest('hex') };
  }

  /** Pages of events as export pages in NDJSON. */
  async function* ndjsonPagesOf(
    pages: AsyncIterable<AuditEvent[]>,
  ): AsyncGenerator<ExportPage> {
    for await (const page of pages) {
      if (!page.length) continue;
      yield {
        data: page.map(ndjsonRow).join(''),
        rowCount: page.length,
        firstSeq: page[0].seq,
        lastSeq: page[page.length - 1].seq,
      };
    }
  }

  router.get('/export', async (req, res) => {
    const credentials = await authorize(
      req,
      auditLogEventExportPermission,
      'compliance staff',
    );
    const { format, ...filter } = parseQuery(req.query, exportShape);
    const exportId = ulid();
    const fileName = `audit-events-${exportId}.${format}`;
    const event = await auditor.createEvent({
      eventId: 'events-export',
      severityLevel: 'high',
      request: req,
      meta: {
        exportId,
        format,
        filters: filter as AuditEventFilter as Record<string, any>,
      },
    });
    res.status(200);
    res.setHeader(
      'Content-Type',
      format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
    );
    res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
    res.setHeader('X-Audit-Export-Id', exportId);
    res.setHeader(
      'Access-Control-Expose-Headers',
      'Content-Disposition, X-Audit-Export-Id',
    );
    res.setHeader('Cache-Control', 'no-store');
    try {
      const result = await streamPages(
        req,
        res,
        store.exportPages(filter, format),
        format,
      );
      if (result.aborted) {
        await event.fail({
          error: new Error('the client closed the connection'),
          meta: { rowCount: result.rowCount },
        });
        res.end();
        return;
      }
      const manifest = signer.signManifest({
        exportId,
        format,
        fileName,
        filters: filter,
        rowCount: result.rowCount,
        firstSeq: result.firstSeq,
        lastSeq: result.lastSeq,
        sha256: result.sha256,
        createdAt: new Date().toISOString(),
        createdBy: credentials.principal.userEntityRef,
        algorithm: 'Ed25519',
        publicKeyPem: signer.publicKey.publicKeyPem,
        publicKeyFingerprint: signer.publicKey.fingerprint,
      });
      await store.saveManifest(manifest);
      await event.success({
        meta: { rowCount: result.rowCount, sha256: result.sha256 },
      });
      res.end();
    } catch (error) {
      await event.fail({ error: error as Error });
      // headers are sent: the only honest signal left is a broken stream
      res.destroy(error as Error);
    }
  });

  router.get('/exports/:exportId/manifest', async (req, res) => {
    await authorize(req, auditLogEventExportPermission, 'compliance staff');
    if (!isUlid(req.params.exportId)) {
      throw new InputError(`"${req.params.exportId}" is not an export id`);
    }
    res.json(await store.getManifest(req.params.exportId));
  });

  router.get('/subjects/export', async (req, res) => {
    await authorize(req, auditLogSubjectExportPermission, 'compliance staff');
    const { ref } = parseQuery(req.query, subjectShape, { filters: false });
    const event = await auditor.createEvent({
      eventId: 'subject-export',
      severityLevel: 'high',
      request: req,
      meta: { target: ref },
    });
    res.setHeader('Content-Type', 'application/x-ndjson');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="audit-subject-${ref.replace(
        /[^a-z0-9.-]/gi,
        '_',
      )}.ndjson"`,
    );
    try {
      const result = await streamPages(
        req,
        res,
        ndjsonPagesOf(store.iterateSubject(ref)),
        'ndjson',
      );
      await event.success({ meta: { rowCount: result.rowCount } });
      res.end();
    } catch (error) {
      await event.fail({ error: error as Error });
      res.destroy(error as Error);
    }
  });

  const eraseBody = z
    .object({
      ref: subjectShape.ref,
      reason: z
        .string()
        .trim()
        .min(10, 'reason must say why, in at least 10 characters')
        .max(1000),
    })
    .strict();

  router.post('/subjects/erase', async (req, res) => {
    await authorize(req, auditLogSubjectErasePermission, 'compliance staff');
    const erasure = parseInput(eraseBody, req.body, 'erasure request');
    const event = await auditor.createEvent({
      eventId: 'subject-erase',
      severityLevel: 'critical',
      request: req,
      meta: { target: erasure.ref, reason: erasure.reason },
    });
    try {
      const result = await store.eraseSubject(erasure.ref);
      await event.success({ meta: { subjectId: result.subjectId } });
      res.json(result);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  return router;
}
