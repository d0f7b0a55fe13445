import {
  AuditorService,
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
import {
  supportTicketCreatePermission,
  supportTicketManagePermission,
  supportTicketReadPermission,
} from '@internal/backstage-plugin-support-common';
import { JsonObject } from '@backstage/types';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { GithubSync } from './github/GithubSync';
import {
  bulkAssignBody,
  commentBody,
  commentParams,
  createTicketBody,
  editCommentBody,
  githubLinkBody,
  listQuery,
  suggestionsQuery,
  ticketParams,
  updateTicketBody,
} from './inputs';
import { CallerContext, SupportService } from './service/SupportService';
import { SearchDocuments } from './search/SearchDocuments';

/** Requests larger than this are refused with 413 before they are read. */
const BODY_LIMIT = '256kb';
const WEBHOOK_LIMIT = '5mb';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  auditor: AuditorService;
  service: SupportService;
  github?: GithubSync;
  searchDocuments: SearchDocuments;
}

/**
 * The support API. Each route parses its input, checks who may call it and
 * calls one service method; every change is audited.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, userInfo, permissions, auditor, service, github } = options;
  const router = Router();

  // GitHub's webhook needs its raw bytes: the signature is over them
  router.post(
    '/github/webhook',
    express.raw({ type: '*/*', limit: WEBHOOK_LIMIT }),
    async (req, res) => {
      const header = (name: string) => req.get(name) ?? undefined;
      const event = await auditor.createEvent({
        eventId: 'github-webhook',
        severityLevel: 'medium',
        request: req,
        meta: {
          delivery: header('x-github-delivery') ?? null,
          event: header('x-github-event') ?? null,
        },
      });
      try {
        if (!github) throw new NotAllowedError('GitHub sync is not configured');
        const result = await github.receive({
          deliveryId: header('x-github-delivery'),
          event: header('x-github-event'),
          signature: header('x-hub-signature-256'),
          payload: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
        });
        await event.success({ meta: result as unknown as JsonObject });
        res.status(202).json(result);
      } catch (e) {
        await event.fail({ error: e as Error });
        throw e;
      }
    },
  );

  router.use(express.json({ limit: BODY_LIMIT }));

  async function allowed(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ) {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** The signed-in caller, if they hold `permission`. */
  async function caller(
    req: Request,
    permission: BasicPermission,
  ): Promise<CallerContext> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    if (!(await allowed(credentials, permission))) {
      throw new NotAllowedError(`You may not use ${permission.name}`);
    }
    const info = await userInfo.getUserInfo(credentials);
    return {
      credentials,
      userRef: info.userEntityRef,
      ownershipRefs: info.ownershipEntityRefs.map(r =>
        r.toLocaleLowerCase('en-US'),
      ),
      canManageAll: await allowed(credentials, supportTicketManagePermission),
    };
  }

  /** Runs a change with its audit event: initiated before, its outcome after. */
  async function audited<T>(
    req: Request,
    eventId: string,
    meta: JsonObject,
    change: () => Promise<T>,
    outcome: (result: T) => JsonObject = () => ({}),
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      request: req,
      meta,
    });
    try {
      const result = await change();
      await event.success({ meta: outcome(result) });
      return result;
    } catch (e) {
      await event.fail({ error: e as Error });
      throw e;
    }
  }

  router.get('/settings', async (req, res) => {
    res.json(service.settings(await caller(req, supportTicketReadPermission)));
  });

  router.get('/queues', async (req, res) => {
    res.json({
      items: await service.queues(
        await caller(req, supportTicketReadPermission),
      ),
    });
  });

  router.get('/tickets', async (req, res) => {
    const who = await caller(req, supportTicketReadPermission);
    res.json(
      await service.list(parseInput(listQuery, req.query, 'ticket query'), who),
    );
  });

  router.get('/suggestions', async (req, res) => {
    const who = await caller(req, supportTicketReadPermission);
    const { entityRef, q } = parseInput(
      suggestionsQuery,
      req.query,
      'suggestions query',
    );
    res.json(await service.suggestions(entityRef, q, who));
  });

  router.post('/tickets', async (req, res) => {
    const who = await caller(req, supportTicketCreatePermission);
    const input = parseInput(createTicketBody, req.body, 'ticket');
    const ticket = await audited(
      req,
      'ticket-create',
      {
        entityRef: input.entityRef,
        priority: input.priority,
        type: input.type,
        title: input.title,
      },
      () => service.raise(input, who),
      t => ({ ticketId: t.id, queueRef: t.queueRef }),
    );
    res.status(201).json(ticket);
  });

  router.post('/tickets/bulk-assign', async (req, res) => {
    const who = await caller(req, supportTicketReadPermission);
    const { ticketIds, assigneeRef } = parseInput(
      bulkAssignBody,
      req.body,
      'bulk assignment',
    );
    res.json(
      await audited(
        req,
        'ticket-bulk-assign',
        { ticketIds, assigneeRef },
        () => service.bulkAssign(ticketIds, assigneeRef, who),
        r => ({ assigned: r.assigned, refused: r.refused.map(x => x.id) }),
      ),
    );
  });

  router.get('/tickets/:id', async (req, res) => {
    const who = await caller(req, supportTicketReadPermission);
    const { id } = parseInput(ticketParams, req.params, 'ticket');
    res.json(await service.view(id, who));
  });

  router.patch('/tickets/:id', async (req, res) => {
    const who = await caller(req, supportTicketReadPermission);
    const { id } = parseInput(ticketParams, req.params, 'ticket');
    const change = parseInput(updateTicketBody, req.body, 'ticket change');
    res.json(
      await audited(
        req,
        'ticket-update',
        { ticketId: id, ...change } as JsonObject,
        () => service.update(id, change, who),
        v => ({
          entityRef: v.ticket.entityRef,
          status: v.ticket.status,
          version: v.ticket.version,
        }),
      ),
    );
  });

  router.post('/tickets/:id/comments', async (req, res) => {
    const who = await caller(req, supportTicketReadPermission);
    const { id } = parseInput(ticketParams, req.params, 'ticket');
    const { body, visibility } = parseInput(commentBody, req.body, 'comment');
    const comment = await audited(
      req,
      visibility === 'internal' ? 'ticket-note' : 'ticket-comment',
      { ticketId: id, visibility, length: body.length },
      () => service.comment(id, body, visibility, who),
      c => ({ commentId: c.id }),
    );
    res.status(201).json(comment);
  });

  router.patch('/tickets/:id/comments/:commentId', async (req, res) => {
    const who = await caller(req, supportTicketReadPermission);
    const { id, commentId } = parseInput(commentParams, req.params, 'comment');
    const { body } = parseInput(editCommentBody, req.body, 'comment');
    res.json(
      await audited(
        req,
        'ticket-comment-edit',
        { ticketId: id, commentId },
        () => service.editComment(id, commentId, body, who),
      ),
    );
  });

  for (const [method, watching] of [
    ['put', true],
    ['delete', false],
  ] as const) {
    router[method]('/tickets/:id/watch', async (req, res) => {
      const who = await caller(req, supportTicketReadPermission);
      const { id } = parseInput(ticketParams, req.params, 'ticket');
      res.json(
        await audited(
          req,
          watching ? 'ticket-watch' : 'ticket-unwatch',
          { ticketId: id },
          () => service.watch(id, watching, who),
        ),
      );
    });
  }

  router.post('/tickets/:id/github', async (req, res) => {
    const who = await caller(req, supportTicketReadPermission);
    const { id } = parseInput(ticketParams, req.params, 'ticket');
    const link = parseInput(githubLinkBody, req.body, 'GitHub link');
    res.json(
      await audited(
        req,
        'ticket-github-link',
        { ticketId: id, ...link },
        () => service.linkGithub(id, link, who),
        v => ({
          entityRef: v.ticket.entityRef,
          issue: v.ticket.github
            ? `${v.ticket.github.repo}#${v.ticket.github.issueNumber}`
            : null,
        }),
      ),
    );
  });

  // for the search collator: every ticket's public text, read as a service
  router.get('/search-documents', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    res.json({ documents: await options.searchDocuments.all() });
  });

  return router;
}
