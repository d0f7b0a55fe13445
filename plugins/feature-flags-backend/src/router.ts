import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { AuthorizeResult, BasicPermission } from '@backstage/plugin-permission-common';
import {
  FlagCapabilities,
  featureFlagsChangeRequestApprovePermission,
  featureFlagsFlagArchivePermission,
  featureFlagsFlagCreatePermission,
  featureFlagsFlagReadPermission,
  featureFlagsFlagTogglePermission,
  featureFlagsStrategyUpdatePermission,
} from '@internal/backstage-plugin-feature-flags-common';
import { JsonObject } from '@backstage/types';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Actor, FlagEnvRef } from './providers/FlagProvider';
import { DefaultFeatureFlagsService } from './service/FeatureFlagsService';
import {
  changeRequestDecisionBody,
  changeRequestQuery,
  createFlagBody,
  evaluateBody,
  listQuery,
  parse,
  reasonSchema,
  rejectBody,
  strategyBody,
  toggleBody,
} from './service/inputs';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  service: DefaultFeatureFlagsService;
  /** `featureFlags.ownersMayToggle`: owners of an entity naming a flag toggle it outside protected environments. */
  ownersMayToggle: boolean;
  /** Client API tokens of the local provider, each bound to one environment. */
  clientTokens: Array<{ token: string; environment: string }>;
  defaultProject: string;
}

type UserCredentials = BackstageCredentials<{ type: 'user'; userEntityRef: string }>;

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, userInfo, permissions, auditor, service, logger } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  async function allowed(credentials: UserCredentials, permission: BasicPermission) {
    const [decision] = await permissions.authorize([{ permission }], { credentials });
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** The caller, if they hold the permission; 403 naming it otherwise. */
  async function authorize(req: Request, permission: BasicPermission, who = 'admins'): Promise<UserCredentials> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    if (!(await allowed(credentials, permission))) {
      throw new NotAllowedError(`${permission.name} is for ${who}`);
    }
    return credentials;
  }

  const actorOf = (credentials: UserCredentials): Actor => ({ userEntityRef: credentials.principal.userEntityRef });

  const pick = (r: Record<string, unknown>): JsonObject => {
    const out: JsonObject = {};
    for (const key of ['outcome', 'id', 'status']) if (typeof r[key] === 'string') out[key] = r[key] as string;
    const cr = r.changeRequest as { id?: string } | undefined;
    if (cr?.id) out.changeRequestId = cr.id;
    return out;
  };

  /** Runs a change with its audit event: `initiated`, then `succeeded` or `failed` with the error. */
  async function audited<T>(
    req: Request,
    eventId: string,
    environment: string | undefined,
    meta: JsonObject,
    fn: () => Promise<T>,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId,
      severityLevel: environment && service.isProtected(environment) ? 'high' : 'medium',
      request: req,
      meta: { provider: service.provider.kind, ...meta },
    });
    try {
      const result = await fn();
      await event.success({ meta: (result && typeof result === 'object' ? pick(result as Record<string, unknown>) : {}) });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      if (error instanceof ServiceUnavailableError) {
        throw new ServiceUnavailableError(
          `${error.message}. Nothing was changed; the flags shown are the last good copy. Try again once Unleash answers.`,
        );
      }
      throw error;
    }
  }

  const flagTarget = (ref: { project: string; flag: string }) => `feature-flag:${ref.project}/${ref.flag}`;

  // ---- reads: everyone signed in ----

  router.get('/capabilities', async (req, res) => {
    const credentials = await authorize(req, featureFlagsFlagReadPermission, 'everyone signed in');
    const decisions = await permissions.authorize(
      [
        featureFlagsFlagTogglePermission,
        featureFlagsFlagCreatePermission,
        featureFlagsFlagArchivePermission,
        featureFlagsStrategyUpdatePermission,
        featureFlagsChangeRequestApprovePermission,
      ].map(permission => ({ permission })),
      { credentials },
    );
    const [toggle, create, archive, updateStrategy, approve] = decisions.map(d => d.result === AuthorizeResult.ALLOW);
    let ownerToggleFlags: string[] | undefined;
    if (options.ownersMayToggle && !toggle) {
      const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
      const list = await service.list({});
      const owned = [];
      for (const flag of list.flags) {
        if (flag.entities.some(e => e.owner && ownershipEntityRefs.includes(e.owner))) owned.push(`${flag.project}/${flag.name}`);
      }
      ownerToggleFlags = owned;
    }
    const body: FlagCapabilities = {
      toggle,
      create,
      archive,
      updateStrategy,
      approve,
      ownerToggleFlags,
      protectedEnvironments: service.settings.protectedEnvironments,
      userEntityRef: credentials.principal.userEntityRef,
    };
    res.json(body);
  });

  router.get('/flags', async (req, res) => {
    await authorize(req, featureFlagsFlagReadPermission, 'everyone signed in');
    const query = parse(listQuery, req.query, 'query');
    res.json(await service.list({ entityRef: query.entityRef, project: query.project, fresh: query.fresh === 'true' }));
  });

  router.get('/flags/:project/:flag', async (req, res) => {
    await authorize(req, featureFlagsFlagReadPermission, 'everyone signed in');
    res.json(await service.getFlag(req.params.project, req.params.flag));
  });

  router.post('/flags/:project/:flag/evaluate', async (req, res) => {
    await authorize(req, featureFlagsFlagReadPermission, 'everyone signed in');
    const body = parse(evaluateBody, req.body, 'evaluation request');
    res.json(await service.evaluate(req.params.project, req.params.flag, body.environment, body.context));
  });

  router.get('/change-requests', async (req, res) => {
    await authorize(req, featureFlagsFlagReadPermission, 'everyone signed in');
    const { status } = parse(changeRequestQuery, req.query, 'query');
    res.json({ items: await service.listChangeRequests(status) });
  });

  router.get('/change-requests/:id', async (req, res) => {
    await authorize(req, featureFlagsFlagReadPermission, 'everyone signed in');
    res.json(await service.getChangeRequest(req.params.id));
  });

  // ---- changes ----

  router.put('/flags/:project/:flag/environments/:environment', async (req, res) => {
    const ref: FlagEnvRef = { project: req.params.project, flag: req.params.flag, environment: req.params.environment };
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parse(toggleBody, req.body, 'toggle');
    const isProtected = service.isProtected(ref.environment);
    if (!(await allowed(credentials, featureFlagsFlagTogglePermission))) {
      const ownerMay =
        options.ownersMayToggle &&
        !isProtected &&
        (await service.ownedBy(ref.project, ref.flag, (await userInfo.getUserInfo(credentials)).ownershipEntityRefs));
      if (!ownerMay) {
        throw new NotAllowedError(
          `${featureFlagsFlagTogglePermission.name} is for admins${options.ownersMayToggle && !isProtected ? ' and the owners of the flag\'s entity' : ''}`,
        );
      }
    }
    const reason = isProtected ? parse(reasonSchema, body.reason, `reason (${ref.environment} is protected)`) : undefined;
    await service.resolve(ref);
    const result = await audited(
      req,
      isProtected ? 'change-request-create' : 'flag-toggle',
      ref.environment,
      { target: flagTarget(ref), environment: ref.environment, enabled: body.enabled, ...(reason ? { reason } : {}) },
      () =>
        isProtected
          ? service.requestChange(ref, body.enabled, reason!, actorOf(credentials))
          : service.toggle(ref, body.enabled, actorOf(credentials)),
    );
    res.status(result.outcome === 'change-request' ? 202 : 200).json(result);
  });

  router.post('/flags', async (req, res) => {
    const credentials = await authorize(req, featureFlagsFlagCreatePermission);
    const body = parse(createFlagBody, req.body, 'flag');
    const project = body.project ?? options.defaultProject;
    const snapshot = await service.provider.snapshot();
    if (snapshot.degraded) {
      throw new ServiceUnavailableError(`Unleash is not answering (${snapshot.reason}); the flag was not created`);
    }
    if (!snapshot.projects.some(p => p.id === project)) throw new NotFoundError(`Project ${project} not found`);
    await audited(req, 'flag-create', undefined, { target: flagTarget({ project, flag: body.name }), type: body.type }, async () => {
      await service.provider.createFlag({ ...body, project }, actorOf(credentials));
      await service.recordChange({ project, flag: body.name }, 'created', actorOf(credentials), `created ${body.name} (${body.type})`);
    });
    res.status(201).json(await service.getFlag(project, body.name));
  });

  router.delete('/flags/:project/:flag', async (req, res) => {
    const credentials = await authorize(req, featureFlagsFlagArchivePermission);
    const ref = { project: req.params.project, flag: req.params.flag };
    await service.getFlag(ref.project, ref.flag);
    await audited(req, 'flag-archive', undefined, { target: flagTarget(ref) }, async () => {
      await service.provider.archiveFlag(ref, actorOf(credentials));
      await service.recordChange(ref, 'archived', actorOf(credentials), `archived ${ref.flag}`);
    });
    res.status(204).end();
  });

  async function saveStrategy(req: Request, strategyId: string | undefined) {
    const credentials = await authorize(req, featureFlagsStrategyUpdatePermission);
    const ref: FlagEnvRef = { project: req.params.project, flag: req.params.flag, environment: req.params.environment };
    const body = parse(strategyBody, req.body, 'strategy');
    await service.resolve(ref);
    return audited(
      req,
      'flag-strategy-update',
      ref.environment,
      {
        target: flagTarget(ref),
        environment: ref.environment,
        strategyId: strategyId ?? 'new',
        parameters: body.parameters,
        constraints: body.constraints.map(c => `${c.contextName} ${c.inverted ? 'NOT ' : ''}${c.operator} ${c.value ?? c.values.join(',')}`),
      },
      async () => {
        const saved = await service.provider.saveStrategy(ref, strategyId, body, actorOf(credentials));
        const targeting = body.constraints.map(c => `${c.contextName} ${c.operator} [${c.value ?? c.values.join(', ')}]`).join(' and ');
        await service.recordChange(
          ref,
          'strategy-updated',
          actorOf(credentials),
          `${strategyId ? 'changed' : 'added'} ${saved.name} in ${ref.environment}: rollout ${body.parameters.rollout ?? '-'}%${targeting ? `, ${targeting}` : ''}`,
        );
        return saved;
      },
    );
  }

  router.post('/flags/:project/:flag/environments/:environment/strategies', async (req, res) => {
    res.status(201).json(await saveStrategy(req, undefined));
  });

  router.put('/flags/:project/:flag/environments/:environment/strategies/:strategyId', async (req, res) => {
    res.json(await saveStrategy(req, req.params.strategyId));
  });

  router.post('/change-requests/:id/approve', async (req, res) => {
    const credentials = await authorize(req, featureFlagsChangeRequestApprovePermission);
    const { comment } = parse(changeRequestDecisionBody, req.body, 'approval');
    const cr = await service.getChangeRequest(req.params.id);
    res.json(
      await audited(
        req,
        'change-request-approve',
        cr.environment,
        { target: flagTarget(cr), environment: cr.environment, enabled: cr.enabled, changeRequestId: cr.id, requestedBy: cr.requestedBy },
        () => service.approve(cr.id, actorOf(credentials), comment),
      ),
    );
  });

  router.post('/change-requests/:id/reject', async (req, res) => {
    const credentials = await authorize(req, featureFlagsChangeRequestApprovePermission);
    const { comment } = parse(rejectBody, req.body, 'rejection');
    const cr = await service.getChangeRequest(req.params.id);
    res.json(
      await audited(
        req,
        'change-request-reject',
        cr.environment,
        { target: flagTarget(cr), environment: cr.environment, changeRequestId: cr.id, comment },
        () => service.reject(cr.id, actorOf(credentials), comment),
      ),
    );
  });

  router.post('/change-requests/:id/cancel', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const cr = await service.getChangeRequest(req.params.id);
    res.json(
      await audited(req, 'change-request-cancel', cr.environment, { target: flagTarget(cr), changeRequestId: cr.id }, () =>
        service.cancel(cr.id, actorOf(credentials)),
      ),
    );
  });

  // ---- Unleash's client API, for a capability's own unleash-client in development ----

  const tokens = options.clientTokens.map(t => ({ ...t, digest: createHash('sha256').update(t.token).digest() }));
  function clientEnvironment(req: Request): string {
    const presented = req.header('authorization') ?? '';
    const digest = createHash('sha256').update(presented).digest();
    const match = tokens.find(t => timingSafeEqual(t.digest, digest));
    if (!match) {
      throw new NotAllowedError('A client token from featureFlags.clientTokens is required in the Authorization header');
    }
    return match.environment;
  }

  router.get('/client/features', async (req, res) => {
    const environment = clientEnvironment(req);
    if (service.provider.kind !== 'local') {
      throw new NotFoundError('The portal serves the client API only on the embedded provider; point unleash-client at Unleash');
    }
    const body = await service.clientFeatures(environment);
    const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
    res.setHeader('ETag', etag);
    if (req.header('if-none-match') === etag) {
      res.status(304).end();
      return;
    }
    res.json(body);
  });

  router.post('/client/register', async (req, res) => {
    clientEnvironment(req);
    logger.debug(`unleash-client registered: ${JSON.stringify(req.body?.appName ?? '')}`);
    res.status(202).end();
  });

  router.post('/client/metrics', async (req, res) => {
    clientEnvironment(req);
    res.status(202).end();
  });

  return router;
}
