import { InputError } from '@backstage/errors';
import {
  CONSTRAINT_OPERATORS,
  ConstraintOperator,
  FLAG_TYPES,
  SINGLE_VALUE_OPERATORS,
  flagNameProblem,
} from '@internal/backstage-plugin-feature-flags-common';
import { z } from 'zod/v3';

/** Parses a body or query, or throws a 400 that names each field and what is wrong with it. */
export function parse<T extends z.ZodTypeAny>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    throw new InputError(
      `Invalid ${what}: ${parsed.error.issues.map(i => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

const reason = z
  .string({ required_error: 'a reason is required' })
  .trim()
  .min(1, 'a reason is required: say why this change is needed')
  .max(1000, 'a reason has at most 1000 characters');

export const toggleBody = z
  .object({
    enabled: z.boolean({ required_error: 'enabled (true or false) is required', invalid_type_error: 'enabled must be true or false' }),
    /** Required in protected environments, where the toggle becomes a change request. */
    reason: z.string().max(1000).optional(),
  })
  .strict();

export const changeRequestDecisionBody = z
  .object({ comment: z.string().trim().max(1000).optional() })
  .strict();

export const rejectBody = z.object({ comment: reason }).strict();

export const createFlagBody = z
  .object({
    project: z.string().trim().min(1).max(100).optional(),
    name: z.string().superRefine((name, ctx) => {
      const problem = flagNameProblem(name);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    }),
    description: z.string().max(1000).default(''),
    type: z.enum(FLAG_TYPES, { errorMap: () => ({ message: `type must be one of ${FLAG_TYPES.join(', ')}` }) }).default('release'),
    tags: z
      .array(
        z.object({
          type: z.string().regex(/^[a-zA-Z0-9._~-]{2,50}$/, 'a tag type is 2 to 50 URL-friendly characters'),
          value: z.string().trim().min(2, 'a tag value has at least 2 characters').max(50),
        }).strict(),
      )
      .max(20)
      .default([]),
  })
  .strict();

const constraint = z
  .object({
    contextName: z.string().trim().min(1, 'contextName is required (for example tenantId)').max(100),
    operator: z.string().superRefine((op, ctx) => {
      if (!(CONSTRAINT_OPERATORS as readonly string[]).includes(op)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `unknown operator "${op}"; use one of ${CONSTRAINT_OPERATORS.join(', ')}`,
        });
      }
    }).transform(op => op as ConstraintOperator),
    values: z.array(z.string().max(1000)).max(1000).default([]),
    value: z.string().max(1000).optional(),
    inverted: z.boolean().default(false),
    caseInsensitive: z.boolean().default(false),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (SINGLE_VALUE_OPERATORS.includes(c.operator)) {
      if (c.value === undefined || c.value === '') {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${c.operator} compares with one value: set value` });
      }
    } else if (c.values.length === 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${c.operator} needs at least one value in values` });
    }
  });

export const STRATEGY_NAMES = ['flexibleRollout', 'default', 'userWithId', 'remoteAddress', 'applicationHostname'] as const;

export const strategyBody = z
  .object({
    name: z.enum(STRATEGY_NAMES, { errorMap: () => ({ message: `name must be one of ${STRATEGY_NAMES.join(', ')}` }) }).optional(),
    title: z.string().max(100).optional(),
    disabled: z.boolean().optional(),
    parameters: z.record(z.string().max(10000)).default({}),
    constraints: z.array(constraint).max(50).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    const rollout = s.parameters.rollout;
    if (rollout !== undefined) {
      const n = Number(rollout);
      if (rollout.trim() === '' || !Number.isInteger(n) || n < 0 || n > 100) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['parameters', 'rollout'],
          message: `rollout must be a whole percentage from 0 to 100, not "${rollout}"`,
        });
      }
    }
    if ((s.name ?? 'flexibleRollout') === 'flexibleRollout' && rollout === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['parameters', 'rollout'], message: 'a flexibleRollout needs a rollout from 0 to 100' });
    }
  });

export const evaluateBody = z
  .object({
    environment: z.string().min(1, 'environment is required'),
    context: z
      .object({
        userId: z.string().max(200).optional(),
        tenantId: z.string().max(200).optional(),
        sessionId: z.string().max(200).optional(),
        remoteAddress: z.string().max(100).optional(),
        properties: z.record(z.string().max(1000)).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export const listQuery = z
  .object({
    entityRef: z.string().optional(),
    project: z.string().optional(),
    fresh: z.enum(['true', 'false']).optional(),
  })
  .strict();

export const changeRequestQuery = z
  .object({ status: z.enum(['pending', 'applying', 'applied', 'rejected', 'cancelled']).optional() })
  .strict();

export { reason as reasonSchema };
