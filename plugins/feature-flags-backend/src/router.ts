import {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  ChangeKind,
  ChangeResponse,
  featureFlagsChangeRequestApprovePermission,
  featureFlagsFlagArchivePermission,
  featureFlagsFlagCreatePermission,
  featureFlagsFlagReadPermission,
  featureFlagsFlagTogglePermission,
  featureFlagsStrategyUpdatePermission,
  Strategy,
} from '@internal/backstage-plugin-feature-flags-common';
import { JsonObject } from '@backstage/types';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { AuditedAction, FlagAudit } from './audit';
import { createClientApiRouter } from './clientApi';
import type { FlagEnvRef, FlagRef } from './providers/FlagProvider';
import {
  Answer,
  body,
  Call,
  mountRoutes,
  Params,
  query,
  route,
  UserCredentials,
} from './routes';
import { StaleChangeRequestError } from './service/ChangeRequestService';
import type {
  FeatureFlagsService,
  GrantedActions,
} from './service/FeatureFlagsService';
import {
  archiveBody,
  changeRequestDecisionBody,
  changeRequestQuery,
  createFlagBody,
  evaluateBody,
  listQuery,
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
  service: FeatureFlagsService;
  /** Client API tokens of the local provider, each bound to one environment. */
  clientTokens: Array<{ token: string; environment: string }>;
  /** The project of a flag created without one. */
  defaultProject: string;
}

const flagRef = (p: Params): FlagRef => ({ project: p.project, flag: p.flag });
const envRef = (p: Params): FlagEnvRef => ({
  ...flagRef(p),
  environment: p.environment,
});
const flagTarget = (ref: FlagRef) => `feature-flag:${ref.project}/${ref.flag}`;

/** A change waiting for a second admin answers 202 with its request; otherwise `applied` says. */
const orChangeRequest =
  <O extends ChangeResponse>(
    applied: (result: O, call: Call<any>) => Answer | Promise<Answer>,
  ) =>
  (result: O, call: Call<any>) =>
    result.outcome === 'change-request'
      ? { status: 202, body: result }
      : applied(result, call);

/** A strategy saved at once answers with the strategy: 201 when it is new. */
const savedStrategy = (status: number) =>
  orChangeRequest((saved: ChangeResponse & { strategy?: Strategy }) => ({
    status,
    body: saved.strategy,
  }));

/** The permission of the change itself, which an approver needs besides the approval permission. */
const CHANGE_PERMISSIONS: Record<ChangeKind, BasicPermission> = {
  toggle: featureFlagsFlagTogglePermission,
  strategy: featureFlagsStrategyUpdatePermission,
  variants: featureFlagsStrategyUpdatePermission,
  create: featureFlagsFlagCreatePermission,
  archive: featureFlagsFlagArchivePermission,
};

const GRANTABLE = {
  toggle: featureFlagsFlagTogglePermission,
  create: featureFlagsFlagCreatePermission,
  archive: featureFlagsFlagArchivePermission,
  updateStrategy: featureFlagsStrategyUpdatePermission,
  approve: featureFlagsChangeRequestApprovePermission,
};

/**
 * The feature-flags API: a table of routes, each parsed, authorized on the
 * server and answered by one call of the service; every change (and every
 * refusal of one) is audited. Unleash's client API is `clientApi.ts`.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { permissions, service, defaultProject } = options;
  const audit = FlagAudit.create({
    auditor: options.auditor,
    logger: options.logger,
    providerKind: service.providerKind,
  });

  // ---- the routes ----

  const read = featureFlagsFlagReadPermission;
  const routes = [
    route({
      method: 'get',
      path: '/capabilities',
      permission: read,
      call: async ({ caller, credentials }) =>
        service.capabilities(caller, await grantedActions(credentials)),
    }),
    route({
      method: 'get',
      path: '/flags',
      permission: read,
      input: query(listQuery),
      call: ({ input }) =>
        service.list({
          entityRef: input.entityRef,
          project: input.project,
          fresh: input.fresh === 'true',
        }),
    }),
    route({
      method: 'get',
      path: '/flags/:project/:flag',
      permission: read,
      call: ({ params }) => service.getFlag(params.project, params.flag),
    }),
    route({
      method: 'post',
      path: '/flags/:project/:flag/evaluate',
      permission: read,
      input: body(evaluateBody, 'evaluation request'),
      call: ({ params, input }) =>
        service.evaluate(
          { ...flagRef(params), environment: input.environment },
          input.context,
        ),
    }),
    route({
      method: 'get',
      path: '/change-requests',
      permission: read,
      input: query(changeRequestQuery),
      call: async ({ input }) => ({
        items: await service.listChangeRequests(input.status),
      }),
    }),
    route({
      method: 'get',
      path: '/change-requests/:id',
      permission: read,
      call: ({ params }) => service.getChangeRequest(params.id),
    }),

    // changes: each applied at once, or a change request (202) in a protected environment
    route({
      method: 'put',
      path: '/flags/:project/:flag/environments/:environment',
      permission: featureFlagsFlagTogglePermission,
      otherwise: (params, caller) =>
        service.authorizeOwnerToggle(envRef(params), caller),
      input: body(toggleBody, 'toggle'),
      audit: req => changeEvent('flag-toggle', 'toggle', envRef(req.params)),
      call: ({ params, input, caller }) =>
        service.toggle(envRef(params), input, caller),
      respond: orChangeRequest(result => ({ status: 200, body: result })),
    }),
    route({
      method: 'post',
      path: '/flags',
      permission: featureFlagsFlagCreatePermission,
      input: body(createFlagBody, 'flag'),
      audit: req => changeEvent('flag-create', 'create', flagToCreate(req)),
      call: ({ req, input, caller }) =>
        service.createFlag(flagToCreate(req), input, caller),
      respond: orChangeRequest(async (_created, { req }) => {
        const { project, flag } = flagToCreate(req);
        return { status: 201, body: await service.getFlag(project, flag) };
      }),
    }),
    route({
      method: 'delete',
      path: '/flags/:project/:flag',
      permission: featureFlagsFlagArchivePermission,
      input: body(archiveBody, 'archive'),
      audit: req => changeEvent('flag-archive', 'archive', flagRef(req.params)),
      call: ({ params, input, caller }) =>
        service.archiveFlag(flagRef(params), input, caller),
      respond: orChangeRequest(() => ({ status: 204 })),
    }),
    route({
      method: 'post',
      path: '/flags/:project/:flag/environments/:environment/strategies',
      permission: featureFlagsStrategyUpdatePermission,
      input: body(strategyBody, 'strategy'),
      audit: req =>
        changeEvent('flag-strategy-update', 'strategy', envRef(req.params), {
          strategyId: 'new',
        }),
      call: ({ params, input, caller }) =>
        service.saveStrategy(envRef(params), undefined, input, caller),
      respond: savedStrategy(201),
    }),
    route({
      method: 'put',
      path: '/flags/:project/:flag/environments/:environment/strategies/:strategyId',
      permission: featureFlagsStrategyUpdatePermission,
      input: body(strategyBody, 'strategy'),
      audit: req =>
        changeEvent('flag-strategy-update', 'strategy', envRef(req.params), {
          strategyId: req.params.strategyId,
        }),
      call: ({ params, input, caller }) =>
        service.saveStrategy(envRef(params), params.strategyId, input, caller),
      respond: savedStrategy(200),
    }),
    route({
      method: 'put',
      path: '/flags/:project/:flag/environments/:environment/variants',
      permission: featureFlagsStrategyUpdatePermission,
      input: body(variantsBody, 'variants'),
      audit: req =>
        changeEvent('flag-variants-update', 'variants', envRef(req.params)),
      call: ({ params, input, caller }) =>
        service.setVariants(envRef(params), input, caller),
      respond: orChangeRequest(result => ({ status: 200, body: result })),
    }),

    // change requests: decided by another admin, cancelled by the requester
    route({
      method: 'post',
      path: '/change-requests/:id/approve',
      permission: featureFlagsChangeRequestApprovePermission,
      input: body(changeRequestDecisionBody, 'approval'),
      audit: decisionEvent('change-request-approve'),
      call: approve,
    }),
    route({
      method: 'post',
      path: '/change-requests/:id/reject',
      permission: featureFlagsChangeRequestApprovePermission,
      input: body(rejectBody, 'rejection'),
      audit: decisionEvent('change-request-reject'),
      call: ({ params, input, caller }) =>
        service.reject(params.id, caller, input.comment),
    }),
    route({
      method: 'post',
      path: '/change-requests/:id/cancel',
      audit: decisionEvent('change-request-cancel'),
      call: ({ params, caller }) => service.cancel(params.id, caller),
    }),
  ];

  // ---- what the routes share ----

  async function grantedActions(
    credentials: UserCredentials,
  ): Promise<GrantedActions> {
    const names = Object.keys(GRANTABLE) as Array<keyof GrantedActions>;
    const decisions = await permissions.authorize(
      names.map(name => ({ permission: GRANTABLE[name] })),
      { credentials },
    );
    return Object.fromEntries(
      names.map((name, i) => [
        name,
        decisions[i].result === AuthorizeResult.ALLOW,
      ]),
    ) as GrantedActions;
  }

  /** The flag a create names, read before its input is checked so that even a refusal's audit event names it. */
  function flagToCreate(req: Request): FlagRef {
    return {
      project:
        typeof req.body?.project === 'string'
          ? req.body.project
          : defaultProject,
      flag: typeof req.body?.name === 'string' ? req.body.name : '',
    };
  }

  /** A change's event: its own, or `change-request-create` (severity high) when it waits for a second admin. */
  function changeEvent(
    eventId: string,
    kind: ChangeKind,
    ref: FlagRef & { environment?: string },
    extra: JsonObject = {},
  ): AuditedAction {
    const waits = service.needsApproval(kind, ref.environment);
    return {
      eventId: waits ? 'change-request-create' : eventId,
      severity: waits ? 'high' : 'medium',
      meta: {
        target: flagTarget(ref),
        ...(ref.environment !== undefined
          ? { environment: ref.environment }
          : {}),
        kind,
        ...extra,
      },
    };
  }

  /**
   * A decision on a change request, severity high. Its meta is read before
   * the event so that even a refusal names the flag; an unknown id is audited
   * by its id (and refused with a 404 inside the event).
   */
  function decisionEvent(eventId: string) {
    return async (req: Request): Promise<AuditedAction> => {
      const { id } = req.params;
      const cr = await service.getChangeRequest(id).catch(() => undefined);
      const meta: JsonObject = cr
        ? {
            target: flagTarget(cr),
            environment: cr.environment,
            changeRequestId: cr.id,
            kind: cr.kind,
            summary: cr.summary,
            requestedBy: cr.requestedBy,
          }
        : { changeRequestId: id };
      return { eventId, severity: 'high', meta };
    };
  }

  /** An approver also needs the permission of the change; a request found stale gets its own audit event. */
  async function approve({
    params,
    input,
    caller,
    req,
    action,
    demand,
  }: Call<z.output<typeof changeRequestDecisionBody>>) {
    const cr = await service.getChangeRequest(params.id);
    await demand(CHANGE_PERMISSIONS[cr.kind]);
    try {
      return await service.approve(cr.id, caller, input.comment);
    } catch (error) {
      if (error instanceof StaleChangeRequestError)
        await audit.stale(req, action!.meta, error);
      throw error;
    }
  }

  const router = Router();
  router.use(express.json({ limit: '64kb' }));
  // for the search collator: every flag as the index holds it, read as a
  // service (the search plugin shows them only to those with
  // feature-flags.flag.read, the collator's visibility permission)
  router.get('/search-documents', async (req, res) => {
    await options.httpAuth.credentials(req, { allow: ['service'] });
    res.json({ documents: await service.searchDocuments() });
  });
  mountRoutes(router, routes, {
    httpAuth: options.httpAuth,
    userInfo: options.userInfo,
    permissions,
    audit,
    holders: permission =>
      permission === read ? 'everyone signed in' : 'admins',
  });
  router.use(
    createClientApiRouter({
      service,
      logger: options.logger,
      clientTokens: options.clientTokens,
    }),
  );
  return router;
}
