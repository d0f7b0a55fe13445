import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import { parseInput } from '@internal/backstage-plugin-http-node';
import type { Request, Response, Router } from 'express';
import { z } from 'zod/v3';
import { AuditedAction, FlagAudit } from './audit';
import type { Caller } from './service/FeatureFlagsService';

export type UserCredentials = BackstageCredentials<{
  type: 'user';
  userEntityRef: string;
}>;
export type Params = Record<string, string>;

/** What a route's service call gets. */
export interface Call<I> {
  params: Params;
  input: I;
  caller: Caller;
  credentials: UserCredentials;
  req: Request;
  /** The change's audit event, for a route that audits more than its outcome. */
  action?: AuditedAction;
  /** A further permission the call turns out to need (403 naming it otherwise). */
  demand(permission: BasicPermission): Promise<void>;
}

/** A status and its JSON body (none for 204). */
export interface Answer {
  status: number;
  body?: unknown;
}

/** A body or query, parsed once the caller is authorized. */
export interface Input<I> {
  from: 'body' | 'query';
  parse(value: unknown): I;
}

/**
 * One route: who may call it, what it reads, the audit event of a change and
 * the one service call it makes. It is authorized, then parsed, then called.
 */
export interface Route<I, O> {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  /** Checked on the server before the input is read; without one, any signed-in user (the service decides). */
  permission?: BasicPermission;
  /** When the permission is denied: the service's rule under which the caller still may (403 otherwise). */
  otherwise?: (params: Params, caller: Caller) => Promise<void>;
  input?: Input<I>;
  /** A change's audit event, named before anything is done; the work runs inside it. Reads have none. */
  audit?: (req: Request) => AuditedAction | Promise<AuditedAction>;
  call: (call: Call<I>) => Promise<O>;
  /** The answer; 200 with the result when not given. */
  respond?: (result: O, call: Call<I>) => Answer | Promise<Answer>;
}

/** A route of the table, its input and result types checked where it is written. */
export const route = <I = undefined, O = unknown>(r: Route<I, O>) =>
  r as Route<any, any>;

export const body = <S extends z.ZodTypeAny>(
  schema: S,
  what: string,
): Input<z.output<S>> => ({
  from: 'body',
  parse: value => parseInput(schema, value, what),
});

export const query = <S extends z.ZodTypeAny>(
  schema: S,
): Input<z.output<S>> => ({
  from: 'query',
  parse: value => parseInput(schema, value, 'query'),
});

/**
 * Adds the routes to the router: each one takes the signed-in user's
 * credentials, checks its permission on the server, parses its input and
 * makes its call, all inside its audit event when it is a change.
 */
export function mountRoutes(
  router: Router,
  routes: Array<Route<any, any>>,
  options: {
    httpAuth: HttpAuthService;
    userInfo: UserInfoService;
    permissions: PermissionsService;
    audit: FlagAudit;
    /** Who holds a permission, for the 403's message. */
    holders: (permission: BasicPermission) => string;
  },
) {
  const { httpAuth, userInfo, permissions, audit, holders } = options;

  const refusal = (permission: BasicPermission) =>
    new NotAllowedError(`${permission.name} is for ${holders(permission)}`);

  async function allowed(
    credentials: UserCredentials,
    permission: BasicPermission,
  ) {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** The verified person; their groups are read only when a rule asks. */
  function callerOf(credentials: UserCredentials): Caller {
    let ownershipRefs: Promise<string[]> | undefined;
    return {
      userEntityRef: credentials.principal.userEntityRef,
      ownershipRefs: () =>
        (ownershipRefs ??= userInfo
          .getUserInfo(credentials)
          .then(info => info.ownershipEntityRefs)),
    };
  }

  async function handle(r: Route<any, any>, req: Request, res: Response) {
    const action = r.audit ? await r.audit(req) : undefined;
    let call: Call<unknown> | undefined;
    const work = async () => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const caller = callerOf(credentials);
      if (r.permission && !(await allowed(credentials, r.permission))) {
        if (!r.otherwise) throw refusal(r.permission);
        await r.otherwise(req.params, caller);
      }
      const input = r.input?.parse(req[r.input.from]);
      call = {
        params: req.params,
        input,
        caller,
        credentials,
        req,
        action,
        demand: async permission => {
          if (!(await allowed(credentials, permission)))
            throw refusal(permission);
        },
      };
      return r.call(call);
    };
    const result = action ? await audit.run(req, action, work) : await work();
    const answer = r.respond
      ? await r.respond(result, call!)
      : { status: 200, body: result };
    if (answer.status === 204) res.status(204).end();
    else res.status(answer.status).json(answer.body);
  }

  for (const r of routes) {
    router[r.method](r.path, (req, res) => handle(r, req, res));
  }
}
