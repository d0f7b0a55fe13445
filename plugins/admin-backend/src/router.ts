import {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  adminConsoleReadPermission,
  adminImpersonationStartPermission,
  adminMaintenanceUpdatePermission,
  IMPERSONATION_LIMITS,
} from '@internal/backstage-plugin-admin-common';
import {
  DatabaseAdminStore,
  ImpersonationSessions,
} from '@internal/backstage-plugin-admin-node';
import { AuditStore } from '@internal/backstage-plugin-audit-log-node';
import { parseInput } from '@internal/backstage-plugin-http-node';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { CatalogDirectory } from './service/directory';
import { ImpersonationSettings } from './service/settings';
import { SessionEnder } from './service/SessionEnder';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  store: DatabaseAdminStore;
  auditStore: AuditStore;
  sessions: ImpersonationSessions;
  directory: CatalogDirectory;
  settings: ImpersonationSettings;
  ender: SessionEnder;
}

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

const startShape = z.object({
  target: z
    .string({ required_error: 'target (the user to impersonate) is required' })
    .trim()
    .min(1, 'target (the user to impersonate) is required'),
  reason: z
    .string({
      required_error: `reason is required (at least ${IMPERSONATION_LIMITS.reasonMinLength} characters)`,
    })
    .trim()
    .min(
      IMPERSONATION_LIMITS.reasonMinLength,
      `reason must be at least ${IMPERSONATION_LIMITS.reasonMinLength} characters: say why you need to see the portal as this user`,
    )
    .max(
      IMPERSONATION_LIMITS.reasonMaxLength,
      `reason must be at most ${IMPERSONATION_LIMITS.reasonMaxLength} characters`,
    ),
  ticket: z
    .string()
    .trim()
    .max(
      IMPERSONATION_LIMITS.ticketMaxLength,
      `ticket must be at most ${IMPERSONATION_LIMITS.ticketMaxLength} characters`,
    )
    .optional(),
  durationMinutes: z
    .number({
      invalid_type_error: 'durationMinutes must be a number of minutes',
    })
    .optional(),
});

const maintenanceShape = z.object({
  enabled: z.boolean({
    required_error: 'enabled (true or false) is required',
    invalid_type_error: 'enabled must be true or false',
  }),
  message: z
    .string()
    .trim()
    .max(500, 'message must be at most 500 characters')
    .optional(),
});

const stopShape = z.object({ sessionId: z.string().trim().min(1).optional() });

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    httpAuth,
    permissions,
    auditor,
    store,
    auditStore,
    sessions,
    directory,
    settings,
    ender,
  } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  /** The impersonation session the caller's verified token belongs to, if any. */
  function impersonationOfCaller(credentials: UserCredentials) {
    return sessions.sessionOfCredentials(credentials);
  }

  /** An admin acting as themselves and holding the permission; 403 otherwise. */
  async function authorizeAdmin(
    req: Request,
    permission: BasicPermission,
  ): Promise<UserCredentials> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    if (await impersonationOfCaller(credentials)) {
      throw new NotAllowedError(
        `${permission.name} cannot be used while impersonating; stop impersonating first`,
      );
    }
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`${permission.name} is for admins`);
    }
    return credentials;
  }

  router.get('/maintenance', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await store.getMaintenance());
  });

  router.put('/maintenance', async (req, res) => {
    const event = await auditor.createEvent({
      eventId: 'maintenance-update',
      severityLevel: 'high',
      request: req,
      meta: { requested: req.body ?? null },
    });
    try {
      const credentials = await authorizeAdmin(
        req,
        adminMaintenanceUpdatePermission,
      );
      const body = parseInput(
        maintenanceShape,
        req.body,
        'maintenance request',
      );
      const message = body.message ?? '';
      if (body.enabled && !message) {
        throw new InputError(
          'A message is required to switch maintenance mode on: tell people what is happening and until when',
        );
      }
      const state = await store.setMaintenance({
        enabled: body.enabled,
        message,
        updatedBy: credentials.principal.userEntityRef,
      });
      await event.success({
        meta: { enabled: state.enabled, message: state.message },
      });
      res.json(state);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  router.get('/impersonation/config', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    res.json(settings.describe());
  });

  /** The session behind the caller's token: the banner asks this on every page. */
  router.get('/impersonation/current', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const session = await impersonationOfCaller(credentials);
    // the gate refused the token already if its session is not live
    res.json(session ? { session } : {});
  });

  router.get('/impersonation/sessions', async (req, res) => {
    await authorizeAdmin(req, adminConsoleReadPermission);
    res.json({ items: await store.listSessions({ limit: 50 }) });
  });

  router.post('/impersonation/sessions', async (req, res) => {
    const event = await auditor.createEvent({
      eventId: 'impersonation-start',
      severityLevel: 'high',
      request: req,
      meta: {
        targetRef:
          typeof req.body?.target === 'string' ? req.body.target : null,
        reason: typeof req.body?.reason === 'string' ? req.body.reason : null,
        ticket: typeof req.body?.ticket === 'string' ? req.body.ticket : null,
        durationMinutes:
          typeof req.body?.durationMinutes === 'number'
            ? req.body.durationMinutes
            : null,
      },
    });
    try {
      const credentials = await authorizeAdmin(
        req,
        adminImpersonationStartPermission,
      );
      const adminRef = credentials.principal.userEntityRef;
      const body = parseInput(startShape, req.body, 'impersonation request');
      const durationMs = settings.durationMs(body.durationMinutes);
      const target = await directory.findUser(body.target);
      if (target.ref === adminRef) {
        throw new NotAllowedError('You cannot impersonate yourself');
      }
      if (target.roles.includes('admin')) {
        throw new NotAllowedError(
          `${target.displayName} (${target.ref}) is an admin; admins cannot be impersonated`,
        );
      }
      const session = await store.startSession({
        adminRef,
        targetRef: target.ref,
        reason: body.reason,
        ticket: body.ticket || undefined,
        durationMs,
        allowWrites: settings.allowWrites,
      });
      await event.success({
        meta: {
          sessionId: session.id,
          targetRef: session.targetRef,
          adminRef,
          reason: session.reason,
          ticket: session.ticket ?? null,
          expiresAt: session.expiresAt,
          allowWrites: session.allowWrites,
        },
      });
      res.status(201).json(session);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  /**
   * Ends a session: called with the impersonation token itself (the banner's
   * "Stop impersonating") or by the admin with their own token and the id.
   */
  router.post('/impersonation/stop', async (req, res) => {
    const event = await auditor.createEvent({
      eventId: 'impersonation-stop',
      severityLevel: 'high',
      request: req,
      meta: {
        sessionId:
          typeof req.body?.sessionId === 'string' ? req.body.sessionId : null,
      },
    });
    try {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const body = parseInput(
        stopShape,
        req.body,
        'request to stop impersonating',
      );
      const own = await impersonationOfCaller(credentials);
      const sessionId = own?.id ?? body.sessionId;
      if (!sessionId) {
        throw new InputError(
          'sessionId is required: which impersonation session to stop',
        );
      }
      const callerRef = own?.adminRef ?? credentials.principal.userEntityRef;
      const session = await store.findSession(sessionId);
      if (!session || session.adminRef !== callerRef) {
        throw new NotFoundError(
          `You have no impersonation session ${sessionId}`,
        );
      }
      const ended = await ender.end(session, {
        status: 'stopped',
        endedBy: callerRef,
      });
      await event.success({
        meta: {
          sessionId,
          targetRef: session.targetRef,
          adminRef: session.adminRef,
          status: (ended ?? (await store.getSession(sessionId))).status,
        },
      });
      res.json(ended ?? (await store.getSession(sessionId)));
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  router.get('/directory', async (req, res) => {
    const credentials = await authorizeAdmin(req, adminConsoleReadPermission);
    res.json(await directory.list(credentials.principal.userEntityRef));
  });

  router.get('/audit/high', async (req, res) => {
    await authorizeAdmin(req, adminConsoleReadPermission);
    res.json({
      items: await auditStore.query(
        { severity: ['high', 'critical'] },
        { limit: 25 },
      ),
    });
  });

  return router;
}
