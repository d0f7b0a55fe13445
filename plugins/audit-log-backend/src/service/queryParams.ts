import { InputError } from '@backstage/errors';
import {
  AuditEventFilter,
  EXPORT_FORMATS,
  OUTCOMES,
  SEVERITIES,
} from '@internal/backstage-plugin-audit-log-common';
import {
  isoDateOrDateTime,
  parseInput,
  queryList,
} from '@internal/backstage-plugin-http-node';
import { z } from 'zod/v3';

const isoTime = isoDateOrDateTime.optional();

const ref = z.string().min(1).max(500).optional();

export const filterShape = {
  actor: ref,
  action: queryList(z.string().min(1).max(200)),
  plugin: queryList(z.string().min(1).max(100)),
  severity: queryList(z.enum(SEVERITIES)),
  target: queryList(z.string().min(1).max(500)),
  outcome: queryList(z.enum(OUTCOMES)),
  from: isoTime,
  to: isoTime,
  q: z.string().min(1).max(200).optional(),
};

/** Parses query parameters strictly; a bad value is a 400 that says which and why. */
export function parseQuery<T extends z.ZodRawShape>(
  query: unknown,
  extra: T,
  options: { filters?: boolean } = {},
): AuditEventFilter & z.infer<z.ZodObject<T>> {
  const withFilters = options.filters ?? true;
  const schema = z
    .object(withFilters ? { ...filterShape, ...extra } : extra)
    .strict();
  const data = parseInput(schema, query, 'query') as AuditEventFilter &
    z.infer<z.ZodObject<T>>;
  if (data.from && data.to && Date.parse(data.from) >= Date.parse(data.to)) {
    throw new InputError(
      `Invalid query: from (${data.from}) must be before to (${data.to})`,
    );
  }
  for (const key of [
    'action',
    'plugin',
    'severity',
    'outcome',
    'target',
  ] as const) {
    if (!(data as AuditEventFilter)[key]?.length)
      delete (data as AuditEventFilter)[key];
  }
  return data;
}

export const pagingShape = {
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
};

export const exportShape = {
  format: z.enum(EXPORT_FORMATS, {
    errorMap: () => ({
      message: `format must be one of ${EXPORT_FORMATS.join(', ')}`,
    }),
  }),
};

export const subjectShape = {
  ref: z
    .string({
      required_error:
        'ref is required: the user entity ref, e.g. user:default/eli.martin',
    })
    .regex(
      /^user:[^:/\s]+\/[^\s]+$/i,
      'ref must be a user entity ref such as user:default/eli.martin',
    ),
};

export const verifyShape = {
  fromSeq: z.coerce.number().int().min(1).optional(),
  toSeq: z.coerce.number().int().min(1).optional(),
};
