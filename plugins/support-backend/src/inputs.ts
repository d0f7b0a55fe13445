import { pageQuery, queryList } from '@internal/backstage-plugin-http-node';
import {
  LABEL_PATTERN,
  LIMITS,
  PRIORITIES,
  TICKET_SORTS,
  TICKET_STATUSES,
  TICKET_TYPES,
} from '@internal/backstage-plugin-support-common';
import { z } from 'zod/v3';

const NAME = '[A-Za-z0-9][A-Za-z0-9._-]{0,252}';
const ENTITY_REF = new RegExp(`^[A-Za-z][A-Za-z0-9]{0,62}:${NAME}/${NAME}$`);

/** `kind:namespace/name`, lower-cased as the catalog compares it. */
export const entityRef = (example: string) =>
  z
    .string()
    .max(500)
    .regex(ENTITY_REF, `must be a full entity reference such as ${example}`)
    .transform(v => v.toLocaleLowerCase('en-US'));

/** Text that must say something: trimmed, not empty, at most `max` characters. */
const text = (max: number, what: string) =>
  z
    .string()
    .transform(v => v.trim())
    .pipe(
      z
        .string()
        .min(1, `${what} must not be empty`)
        .max(
          max,
          `${what} is longer than ${max.toLocaleString('en-US')} characters`,
        ),
    );

const label = z
  .string()
  .max(LIMITS.labelMax, `a label is at most ${LIMITS.labelMax} characters`)
  .regex(
    LABEL_PATTERN,
    'a label is letters, digits, spaces and ._:/- (no leading or trailing punctuation)',
  );

const labels = z
  .array(label)
  .max(LIMITS.labelsMax, `at most ${LIMITS.labelsMax} labels`)
  .transform(values => [...new Set(values)]);

export const ticketId = z.coerce
  .number({ invalid_type_error: 'must be a ticket number' })
  .int('must be a whole ticket number')
  .positive('must be a ticket number');

export const ticketParams = z.object({ id: ticketId }).strict();
export const commentParams = z
  .object({ id: ticketId, commentId: ticketId })
  .strict();

export const createTicketBody = z
  .object({
    entityRef: entityRef('component:default/stackpro-messaging'),
    type: z.enum(TICKET_TYPES),
    priority: z.enum(PRIORITIES),
    title: text(LIMITS.titleMax, 'the title'),
    body: text(LIMITS.bodyMax, 'the description'),
    labels: labels.optional(),
  })
  .strict();

export const updateTicketBody = z
  .object({
    status: z.enum(TICKET_STATUSES).optional(),
    priority: z.enum(PRIORITIES).optional(),
    assigneeRef: entityRef('user:default/omar.haddad').nullable().optional(),
    queueRef: entityRef('group:default/team-ai').optional(),
    labels: labels.optional(),
    title: text(LIMITS.titleMax, 'the title').optional(),
    expectedVersion: z.number().int().positive().optional(),
  })
  .strict()
  .refine(b => Object.keys(b).some(k => k !== 'expectedVersion'), {
    message:
      'name at least one of status, priority, assigneeRef, queueRef, labels, title',
  });

export const commentBody = z
  .object({
    body: text(LIMITS.commentMax, 'the comment'),
    visibility: z.enum(['public', 'internal']).default('public'),
  })
  .strict();

export const editCommentBody = z
  .object({ body: text(LIMITS.commentMax, 'the comment') })
  .strict();

export const bulkAssignBody = z
  .object({
    ticketIds: z
      .array(ticketId)
      .min(1, 'name at least one ticket')
      .max(LIMITS.bulkMax, `at most ${LIMITS.bulkMax} tickets at once`),
    assigneeRef: entityRef('user:default/omar.haddad').nullable(),
  })
  .strict();

export const githubLinkBody = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('link'),
      issueNumber: z.number().int().positive(),
    })
    .strict(),
  z.object({ action: z.literal('open') }).strict(),
]);

export const listQuery = z
  .object({
    queue: z
      .union([z.literal('support'), entityRef('group:default/team-ai')])
      .optional(),
    entityRef: entityRef('component:default/stackpro-messaging').optional(),
    requester: z
      .union([z.literal('me'), entityRef('user:default/eli.martin')])
      .optional(),
    assignee: z
      .union([
        z.literal('me'),
        z.literal('none'),
        entityRef('user:default/omar.haddad'),
      ])
      .optional(),
    involving: z.literal('me').optional(),
    status: queryList(z.enum(TICKET_STATUSES)),
    state: z.enum(['open', 'all']).optional(),
    priority: queryList(z.enum(PRIORITIES)),
    type: queryList(z.enum(TICKET_TYPES)),
    label: queryList(label),
    q: z.string().max(200).optional(),
    sort: z.enum(TICKET_SORTS).optional(),
    ...pageQuery({ maxLimit: 100 }),
  })
  .strict();

export const suggestionsQuery = z
  .object({
    entityRef: entityRef('component:default/stackpro-messaging'),
    q: z.string().max(LIMITS.titleMax).default(''),
  })
  .strict();
