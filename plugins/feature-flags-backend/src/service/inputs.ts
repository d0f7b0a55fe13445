import {
  CHANGE_REQUEST_STATUSES,
  ChangeRequestStatus,
  CONSTRAINT_OPERATORS,
  ConstraintOperator,
  FLAG_TYPES,
  SINGLE_VALUE_OPERATORS,
  flagNameProblem,
} from '@internal/backstage-plugin-feature-flags-common';
import { z } from 'zod/v3';

/**
 * The bodies and queries of the feature-flags routes, parsed by the portal's
 * one input parser (`parseInput` of `plugins/http-node`): a 400 that names
 * each field and what is wrong with it.
 */

const reason = z
  .string({ required_error: 'a reason is required' })
  .trim()
  .min(1, 'a reason is required: say why this change is needed')
  .max(1000, 'a reason has at most 1000 characters');

export const toggleBody = z
  .object({
    enabled: z.boolean({
      required_error: 'enabled (true or false) is required',
      invalid_type_error: 'enabled must be true or false',
    }),
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
      if (problem)
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    }),
    description: z.string().max(1000).default(''),
    type: z
      .enum(FLAG_TYPES, {
        errorMap: () => ({
          message: `type must be one of ${FLAG_TYPES.join(', ')}`,
        }),
      })
      .default('release'),
    tags: z
      .array(
        z
          .object({
            type: z
              .string()
              .regex(
                /^[a-zA-Z0-9._~-]{2,50}$/,
                'a tag type is 2 to 50 URL-friendly characters',
              ),
            value: z
              .string()
              .trim()
              .min(2, 'a tag value has at least 2 characters')
              .max(50),
          })
          .strict(),
      )
      .max(20)
      .default([]),
    /** Required when a protected environment exists: creating the flag is then a change request. */
    reason: z.string().max(1000).optional(),
  })
  .strict();

/** Archiving names a reason when it needs a second admin. */
export const archiveBody = z
  .object({ reason: z.string().max(1000).optional() })
  .strict();

const VARIANT_WEIGHT_TOTAL = 1000;

const variant = z
  .object({
    name: z.string().trim().min(1, 'a variant needs a name').max(100),
    weight: z
      .number()
      .int()
      .min(0)
      .max(VARIANT_WEIGHT_TOTAL, 'a weight is out of 1000'),
    weightType: z.enum(['variable', 'fix']).default('variable'),
    stickiness: z.string().min(1).max(100).default('default'),
    payload: z
      .object({
        type: z.enum(['string', 'json', 'csv', 'number']),
        value: z.string().max(10000),
      })
      .strict()
      .optional(),
  })
  .strict();

/** An environment's variants, replaced as a whole; variable weights are shared out by Unleash to fill 1000. */
export const variantsBody = z
  .object({
    variants: z.array(variant).max(50),
    reason: z.string().max(1000).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const names = body.variants.map(v => v.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['variants'],
        message: `variant "${dup}" appears twice`,
      });
    const fixed = body.variants
      .filter(v => v.weightType === 'fix')
      .reduce((sum, v) => sum + v.weight, 0);
    // Unleash's rules: fixed weights leave room (< 1000), and at least one variant takes the rest
    if (body.variants.length && fixed >= VARIANT_WEIGHT_TOTAL) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['variants'],
        message: `fixed weights add up to ${fixed}: they must stay under 1000`,
      });
    }
    if (
      body.variants.length &&
      !body.variants.some(v => v.weightType === 'variable')
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['variants'],
        message:
          'at least one variant needs weightType variable (it takes what the fixed ones leave)',
      });
    }
  })
  .transform(body => ({
    ...body,
    variants: shareVariableWeights(body.variants),
  }));

/**
 * The weights Unleash stores: fixed ones as given, the rest of 1000 shared
 * equally by the variable ones (the remainder to the first). Computed here so
 * that a change request shows, and applies, the weights that will hold.
 */
function shareVariableWeights<
  T extends { weight: number; weightType: 'variable' | 'fix' },
>(variants: T[]): T[] {
  const fixed = variants
    .filter(v => v.weightType === 'fix')
    .reduce((sum, v) => sum + v.weight, 0);
  const variableCount = variants.filter(
    v => v.weightType === 'variable',
  ).length;
  if (!variableCount) return variants;
  const share = Math.floor((VARIANT_WEIGHT_TOTAL - fixed) / variableCount);
  let remainder = VARIANT_WEIGHT_TOTAL - fixed - share * variableCount;
  return variants.map(v => {
    if (v.weightType === 'fix') return v;
    const extra = remainder > 0 ? 1 : 0;
    remainder -= extra;
    return { ...v, weight: share + extra };
  });
}

const constraint = z
  .object({
    contextName: z
      .string()
      .trim()
      .min(1, 'contextName is required (for example tenantId)')
      .max(100),
    operator: z
      .string()
      .superRefine((op, ctx) => {
        if (!(CONSTRAINT_OPERATORS as readonly string[]).includes(op)) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `unknown operator "${op}"; use one of ${CONSTRAINT_OPERATORS.join(
              ', ',
            )}`,
          });
        }
      })
      .transform(op => op as ConstraintOperator),
    values: z.array(z.string().max(1000)).max(1000).default([]),
    value: z.string().max(1000).optional(),
    inverted: z.boolean().default(false),
    caseInsensitive: z.boolean().default(false),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (SINGLE_VALUE_OPERATORS.includes(c.operator)) {
      if (c.value === undefined || c.value === '') {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `${c.operator} compares with one value: set value`,
        });
      }
    } else if (c.values.length === 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${c.operator} needs at least one value in values`,
      });
    }
  });

export const STRATEGY_NAMES = [
  'flexibleRollout',
  'default',
  'userWithId',
  'remoteAddress',
  'applicationHostname',
] as const;

export const strategyBody = z
  .object({
    name: z
      .enum(STRATEGY_NAMES, {
        errorMap: () => ({
          message: `name must be one of ${STRATEGY_NAMES.join(', ')}`,
        }),
      })
      .optional(),
    title: z.string().max(100).optional(),
    disabled: z.boolean().optional(),
    parameters: z.record(z.string().max(10000)).default({}),
    constraints: z.array(constraint).max(50).default([]),
    /** Required in protected environments, where saving becomes a change request. */
    reason: z.string().max(1000).optional(),
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
    if (
      (s.name ?? 'flexibleRollout') === 'flexibleRollout' &&
      rollout === undefined
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['parameters', 'rollout'],
        message: 'a flexibleRollout needs a rollout from 0 to 100',
      });
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
  .object({
    status: z
      .enum(
        CHANGE_REQUEST_STATUSES as [
          ChangeRequestStatus,
          ...ChangeRequestStatus[],
        ],
        {
          errorMap: () => ({
            message: `status must be one of ${CHANGE_REQUEST_STATUSES.join(
              ', ',
            )}`,
          }),
        },
      )
      .optional(),
  })
  .strict();

export { reason as reasonSchema };
