import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  ChangeKind,
  ChangeResponse,
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
import { StaleChangeRequestError } from './service/ChangeRequestService';
import { DefaultFeatureFlagsService } from './service/FeatureFlagsService';
import {
  archiveBody,
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
  variantsBody,
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

type UserCredentials = BackstageCredentials<{
  type: 'user';
  userEntityRef: string;
}>;

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, userInfo, permissions, auditor, service, logger } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  async function allowed(
    credentials: UserCredentials,
    permission: BasicPermission,
  ) {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** The caller, if they hold the permission; 403 naming it otherwise. */
  async function authorize(
    req: Request,
    permission: BasicPermission,
    who = 'admins',
  ): Promise<UserCredentials> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    if (!(await allowed(credentials, permission))) {
      throw new NotAllowedError(`${permission.name} is for ${who}`);
    }
    return credentials;
  }

  const actorOf = (credentials: UserCredentials): Actor => ({
    userEntityRef: credentials.principal.userEntityRef,
  });

  const pick = (r: Record<string, unknown>): JsonObject => {
    const out: JsonObject = {};
    for (const key of ['outcome', 'id', 'status'])
      if (typeof r[key] === 'string') out[key] = r[key] as string;
    const cr = r.changeRequest as
      | { id?: string; summary?: string; reason?: string }
      | undefined;
    if (cr?.id) out.changeRequestId = cr.id;
    if (cr?.summary) out.summary = cr.summary;
    // the requester's reason: audit reports show it beside the approval
    if (cr?.reason) out.reason = cr.reason;
    return out;
  };

  /**
   * Records an outcome. The auditor keeps and retries outcomes while the
   * database is away; an outcome it still refuses must not turn what happened
   * into an error for the person: it is logged as an error with the event.
   */
  async function settle(
    eventId: string,
    outcome: string,
    write: () => Promise<void>,
  ) {
    try {
      await write();
    } catch (error) {
      logger.error(
        `The ${outcome} outcome of audit event feature-flags.${eventId} could not be recorded: ${
          (error as Error).message
        }`,
      );
    }
  }

  /**
   * Runs a route's work inside its audit event: `initiated` before anything
   * (if that cannot be written the request is refused and nothing is done),
   * then `succeeded` or `failed`. Every refusal, from a missing permission to
   * bad input or a provider that is down, is the work failing, so it is
   * audited too. Once the work has taken effect the answer says so: an
   * outcome the audit log cannot take now is retried in the background.
   */
  async function audited<T>(
    req: Request,
    eventId: string,
    /** A change that reaches a protected environment: severity high. */
    protectedChange: boolean,
    meta: JsonObject,
    fn: () => Promise<T>,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId,
      severityLevel: protectedChange ? 'high' : 'medium',
      request: req,
      meta: { provider: service.provider.kind, ...meta },
    });
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      await settle(eventId, 'failed', () =>
        event.fail({ error: error as Error }),
      );
      if (
        error instanceof ServiceUnavailableError &&
        !/nothing was (changed|created)/i.test(error.message)
      ) {
        throw new ServiceUnavailableError(
          `${error.message}. Nothing was changed; the flags shown are the last good copy. Try again once Unleash answers.`,
        );
      }
      throw error;
    }
    const outcome =
      result && typeof result === 'object'
        ? pick(result as Record<string, unknown>)
        : {};
    await settle(eventId, 'succeeded', () => event.success({ meta: outcome }));
    return result;
  }

  const flagTarget = (ref: { project: string; flag: string }) =>
    `feature-flag:${ref.project}/${ref.flag}`;

  // ---- reads: everyone signed in ----

  router.get('/capabilities', async (req, res) => {
    const credentials = await authorize(
      req,
      featureFlagsFlagReadPermission,
      'everyone signed in',
    );
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
    const [toggle, create, archive, updateStrategy, approve] = decisions.map(
      d => d.result === AuthorizeResult.ALLOW,
    );
    let ownerToggleFlags: string[] | undefined;
    if (options.ownersMayToggle && !toggle) {
      const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
      const list = await service.list({});
      const owned = [];
      for (const flag of list.flags) {
        if (
          flag.entities.some(
            e => e.owner && ownershipEntityRefs.includes(e.owner),
          )
        )
          owned.push(`${flag.project}/${flag.name}`);
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
    res.json(
      await service.list({
        entityRef: query.entityRef,
        project: query.project,
        fresh: query.fresh === 'true',
      }),
    );
  });

  router.get('/flags/:project/:flag', async (req, res) => {
    await authorize(req, featureFlagsFlagReadPermission, 'everyone signed in');
    res.json(await service.getFlag(req.params.project, req.params.flag));
  });

  router.post('/flags/:project/:flag/evaluate', async (req, res) => {
    await authorize(req, featureFlagsFlagReadPermission, 'everyone signed in');
    const body = parse(evaluateBody, req.body, 'evaluation request');
    res.json(
      await service.evaluate(
        req.params.project,
        req.params.flag,
        body.environment,
        body.context,
      ),
    );
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

  // ---- changes: each one applied at once, or a change request in a protected environment ----

  /**
   * The reason of a change that needs a second admin, checked when given; a
   * missing one is refused by the service after the target is known to exist.
   */
  function reasonFor(
    kind: ChangeKind,
    environment: string | undefined,
    reason: unknown,
  ) {
    if (!service.needsApproval(kind, environment) || reason === undefined)
      return undefined;
    const where =
      kind === 'create' || kind === 'archive'
        ? 'the flag reaches a protected environment'
        : `${environment} is protected`;
    return parse(
      reasonSchema,
      reason,
      `reason (${where}: the change needs a second admin)`,
    );
  }

  /** `change-request-create` when the change waits for a second admin, else the change's own event. */
  const eventFor = (
    kind: ChangeKind,
    environment: string | undefined,
    direct: string,
  ) =>
    service.needsApproval(kind, environment) ? 'change-request-create' : direct;

  const status = (result: ChangeResponse, applied: number) =>
    result.outcome === 'change-request' ? 202 : applied;

  router.put(
    '/flags/:project/:flag/environments/:environment',
    async (req, res) => {
      const ref: FlagEnvRef = {
        project: req.params.project,
        flag: req.params.flag,
        environment: req.params.environment,
      };
      const isProtected = service.isProtected(ref.environment);
      const meta = {
        target: flagTarget(ref),
        environment: ref.environment,
        kind: 'toggle',
      };
      const result = await audited(
        req,
        eventFor('toggle', ref.environment, 'flag-toggle'),
        isProtected,
        meta,
        async () => {
          const credentials = await httpAuth.credentials(req, {
            allow: ['user'],
          });
          if (!(await allowed(credentials, featureFlagsFlagTogglePermission))) {
            const ownerMay =
              options.ownersMayToggle &&
              !isProtected &&
              (await service.ownedBy(
                ref.project,
                ref.flag,
                (
                  await userInfo.getUserInfo(credentials)
                ).ownershipEntityRefs,
              ));
            if (!ownerMay) {
              throw new NotAllowedError(
                `${featureFlagsFlagTogglePermission.name} is for admins${
                  options.ownersMayToggle && !isProtected
                    ? " and the owners of the flag's entity"
                    : ''
                }`,
              );
            }
          }
          const body = parse(toggleBody, req.body, 'toggle');
          const reason = reasonFor('toggle', ref.environment, body.reason);
          const { applied: _a, ...answer } = await service.change(
            ref,
            ref.environment,
            { kind: 'toggle', enabled: body.enabled },
            actorOf(credentials),
            reason,
          );
          return answer;
        },
      );
      res.status(status(result, 200)).json(result);
    },
  );

  router.post('/flags', async (req, res) => {
    const name = typeof req.body?.name === 'string' ? req.body.name : '';
    const project =
      typeof req.body?.project === 'string'
        ? req.body.project
        : options.defaultProject;
    const meta = {
      target: flagTarget({ project, flag: name }),
      kind: 'create',
    };
    const result = await audited(
      req,
      eventFor('create', undefined, 'flag-create'),
      service.needsApproval('create'),
      meta,
      async () => {
        const credentials = await authorize(
          req,
          featureFlagsFlagCreatePermission,
        );
        const {
          reason: given,
          project: _p,
          name: flag,
          ...body
        } = parse(createFlagBody, req.body, 'flag');
        const reason = reasonFor('create', undefined, given);
        return service.change(
          { project, flag },
          undefined,
          { kind: 'create', flag: body },
          actorOf(credentials),
          reason,
        );
      },
    );
    if (result.outcome === 'change-request') {
      res.status(202).json(result);
      return;
    }
    res.status(201).json(await service.getFlag(project, name));
  });

  router.delete('/flags/:project/:flag', async (req, res) => {
    const ref = { project: req.params.project, flag: req.params.flag };
    const meta = { target: flagTarget(ref), kind: 'archive' };
    const result = await audited(
      req,
      eventFor('archive', undefined, 'flag-archive'),
      service.needsApproval('archive'),
      meta,
      async () => {
        const credentials = await authorize(
          req,
          featureFlagsFlagArchivePermission,
        );
        const { reason: given } = parse(archiveBody, req.body, 'archive');
        const reason = reasonFor('archive', undefined, given);
        const { applied: _a, ...answer } = await service.change(
          ref,
          undefined,
          { kind: 'archive' },
          actorOf(credentials),
          reason,
        );
        return answer;
      },
    );
    if (result.outcome === 'change-request') {
      res.status(202).json(result);
      return;
    }
    res.status(204).end();
  });

  async function saveStrategy(req: Request, strategyId: string | undefined) {
    const ref: FlagEnvRef = {
      project: req.params.project,
      flag: req.params.flag,
      environment: req.params.environment,
    };
    const meta = {
      target: flagTarget(ref),
      environment: ref.environment,
      kind: 'strategy',
      strategyId: strategyId ?? 'new',
    };
    return audited(
      req,
      eventFor('strategy', ref.environment, 'flag-strategy-update'),
      service.isProtected(ref.environment),
      meta,
      async () => {
        const credentials = await authorize(
          req,
          featureFlagsStrategyUpdatePermission,
        );
        const { reason: given, ...strategy } = parse(
          strategyBody,
          req.body,
          'strategy',
        );
        const reason = reasonFor('strategy', ref.environment, given);
        return service.change(
          ref,
          ref.environment,
          { kind: 'strategy', strategyId, strategy },
          actorOf(credentials),
          reason,
        );
      },
    );
  }

  router.post(
    '/flags/:project/:flag/environments/:environment/strategies',
    async (req, res) => {
      const result = await saveStrategy(req, undefined);
      if (result.outcome === 'change-request') res.status(202).json(result);
      else res.status(201).json(result.applied?.strategy);
    },
  );

  router.put(
    '/flags/:project/:flag/environments/:environment/strategies/:strategyId',
    async (req, res) => {
      const result = await saveStrategy(req, req.params.strategyId);
      if (result.outcome === 'change-request') res.status(202).json(result);
      else res.json(result.applied?.strategy);
    },
  );

  router.put(
    '/flags/:project/:flag/environments/:environment/variants',
    async (req, res) => {
      const ref: FlagEnvRef = {
        project: req.params.project,
        flag: req.params.flag,
        environment: req.params.environment,
      };
      const meta = {
        target: flagTarget(ref),
        environment: ref.environment,
        kind: 'variants',
      };
      const result = await audited(
        req,
        eventFor('variants', ref.environment, 'flag-variants-update'),
        service.isProtected(ref.environment),
        meta,
        async () => {
          const credentials = await authorize(
            req,
            featureFlagsStrategyUpdatePermission,
          );
          const { reason: given, variants } = parse(
            variantsBody,
            req.body,
            'variants',
          );
          const reason = reasonFor('variants', ref.environment, given);
          return service.change(
            ref,
            ref.environment,
            { kind: 'variants', variants },
            actorOf(credentials),
            reason,
          );
        },
      );
      const { applied, ...answer } = result;
      res.status(status(result, 200)).json({
        ...answer,
        ...(applied ? { variants: applied.variants } : {}),
      });
    },
  );

  /** The permission of the change itself, which an approver needs besides the approval permission. */
  const CHANGE_PERMISSIONS: Record<ChangeKind, BasicPermission> = {
    toggle: featureFlagsFlagTogglePermission,
    strategy: featureFlagsStrategyUpdatePermission,
    variants: featureFlagsStrategyUpdatePermission,
    create: featureFlagsFlagCreatePermission,
    archive: featureFlagsFlagArchivePermission,
  };

  /**
   * The meta of a change request's audit events, read before the event so
   * that even a refusal names the flag; an unknown id is audited by its id
   * (and refused with a 404 inside the event).
   */
  async function changeRequestMeta(id: string): Promise<JsonObject> {
    const cr = await service.getChangeRequest(id).catch(() => undefined);
    if (!cr) return { changeRequestId: id };
    return {
      target: flagTarget(cr),
      environment: cr.environment,
      changeRequestId: cr.id,
      kind: cr.kind,
      summary: cr.summary,
      requestedBy: cr.requestedBy,
    };
  }

  router.post('/change-requests/:id/approve', async (req, res) => {
    const meta = await changeRequestMeta(req.params.id);
    const result = await audited(
      req,
      'change-request-approve',
      true,
      meta,
      async () => {
        const credentials = await authorize(
          req,
          featureFlagsChangeRequestApprovePermission,
        );
        const { comment } = parse(
          changeRequestDecisionBody,
          req.body,
          'approval',
        );
        const cr = await service.getChangeRequest(req.params.id);
        await authorize(req, CHANGE_PERMISSIONS[cr.kind]);
        try {
          return await service.approve(cr.id, actorOf(credentials), comment);
        } catch (error) {
          if (error instanceof StaleChangeRequestError)
            await auditStale(req, meta, error);
          throw error;
        }
      },
    );
    res.json(result);
  });

  /** A request found stale on approval gets its own event (the approval's event fails with the same message). */
  async function auditStale(
    req: Request,
    meta: JsonObject,
    error: StaleChangeRequestError,
  ) {
    const event = await auditor.createEvent({
      eventId: 'change-request-stale',
      severityLevel: 'high',
      request: req,
      meta,
    });
    await settle('change-request-stale', 'succeeded', () =>
      event.success({
        meta: { status: error.changeRequest.status, error: error.message },
      }),
    );
  }

  router.post('/change-requests/:id/reject', async (req, res) => {
    const meta = await changeRequestMeta(req.params.id);
    const result = await audited(
      req,
      'change-request-reject',
      true,
      meta,
      async () => {
        const credentials = await authorize(
          req,
          featureFlagsChangeRequestApprovePermission,
        );
        const { comment } = parse(rejectBody, req.body, 'rejection');
        return service.reject(req.params.id, actorOf(credentials), comment);
      },
    );
    res.json(result);
  });

  router.post('/change-requests/:id/cancel', async (req, res) => {
    const meta = await changeRequestMeta(req.params.id);
    const result = await audited(
      req,
      'change-request-cancel',
      true,
      meta,
      async () => {
        const credentials = await httpAuth.credentials(req, {
          allow: ['user'],
        });
        return service.cancel(req.params.id, actorOf(credentials));
      },
    );
    res.json(result);
  });

  // ---- Unleash's client API, for a capability's own unleash-client in development ----

  const tokens = options.clientTokens.map(t => ({
    ...t,
    digest: createHash('sha256').update(t.token).digest(),
  }));
  function clientEnvironment(req: Request): string {
    const presented = req.header('authorization') ?? '';
    const digest = createHash('sha256').update(presented).digest();
    const match = tokens.find(t => timingSafeEqual(t.digest, digest));
    if (!match) {
      throw new NotAllowedError(
        'A client token from featureFlags.clientTokens is required in the Authorization header',
      );
    }
    return match.environment;
  }

  router.get('/client/features', async (req, res) => {
    const environment = clientEnvironment(req);
    if (service.provider.kind !== 'local') {
      throw new NotFoundError(
        'The portal serves the client API only on the embedded provider; point unleash-client at Unleash',
      );
    }
    const body = await service.clientFeatures(environment);
    const etag = `"${createHash('sha256')
      .update(JSON.stringify(body))
      .digest('base64url')
      .slice(0, 27)}"`;
    res.setHeader('ETag', etag);
    if (req.header('if-none-match') === etag) {
      res.status(304).end();
      return;
    }
    res.json(body);
  });

  router.post('/client/register', async (req, res) => {
    clientEnvironment(req);
    logger.debug(
      `unleash-client registered: ${JSON.stringify(req.body?.appName ?? '')}`,
    );
    res.status(202).end();
  });

  router.post('/client/metrics', async (req, res) => {
    clientEnvironment(req);
    res.status(202).end();
  });

  return router;
}
