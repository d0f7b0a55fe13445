import { InputError } from '@backstage/errors';
import {
  AuditEventFilter,
  EXPORT_FORMATS,
  OUTCOMES,
  SEVERITIES,
} from '@internal/backstage-plugin-audit-log-common';
import { z } from 'zod/v3';

const list = <T extends z.ZodTypeAny>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform(value =>
      ([] as string[])
        .concat(value ?? [])
        .flatMap(v => v.split(','))
        .map(v => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));

const isoTime = z
  .string()
  .refine(v => !Number.isNaN(Date.parse(v)), v => ({
    message: `"${v}" is not a date and time; use ISO 8601 such as 2026-11-22T10:00:00Z`,
  }))
  .optional();

const ref = z.string().min(1).max(500).optional();

export const filterShape = {
  actor: ref,
  action: list(z.string().min(1).max(200)),
  plugin: list(z.string().min(1).max(100)),
  severity: list(z.enum(SEVERITIES)),
  target: list(z.string().min(1).max(500)),
  outcome: list(z.enum(OUTCOMES)),
  from: isoTime,
  to: isoTime,
  q: z.string().min(1).max(200).optional(),
};

const FILTER_KEYS = Object.keys(filterShape);

function describe(error: z.ZodError, allowed: string[]): string {
  return error.issues
    .map(issue => {
      const where = issue.path.filter(p => typeof p === 'string').join('.');
      if (issue.code === 'unrecognized_keys') {
        return `unknown parameter ${issue.keys.join(', ')}; allowed: ${allowed.join(', ')}`;
      }
      if (issue.code === 'invalid_enum_value') {
        return `${where}: "${issue.received}" is not one of ${issue.options.join(', ')}`;
      }
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

/** Parses query parameters strictly; a bad value is a 400 that says which and why. */
export function parseQuery<T extends z.ZodRawShape>(
  query: unknown,
  extra: T,
  options: { filters?: boolean } = {},
): AuditEventFilter & z.infer<z.ZodObject<T>> {
  const withFilters = options.filters ?? true;
  const schema = z.object(withFilters ? { ...filterShape, ...extra } : extra).strict();
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const allowed = [...(withFilters ? FILTER_KEYS : []), ...Object.keys(extra)];
    throw new InputError(`Invalid query: ${describe(parsed.error, allowed)}`);
  }
  const data = parsed.data as AuditEventFilter & z.infer<z.ZodObject<T>>;
  if (data.from && data.to && Date.parse(data.from) >= Date.parse(data.to)) {
    throw new InputError(`Invalid query: from (${data.from}) must be before to (${data.to})`);
  }
  for (const key of ['action', 'plugin', 'severity', 'outcome', 'target'] as const) {
    if (!(data as AuditEventFilter)[key]?.length) delete (data as AuditEventFilter)[key];
  }
  return data;
}

export const pagingShape = {
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
};

export const exportShape = {
  format: z.enum(EXPORT_FORMATS, {
    errorMap: () => ({ message: `format must be one of ${EXPORT_FORMATS.join(', ')}` }),
  }),
};

export const subjectShape = {
  ref: z
    .string({ required_error: 'ref is required: the user entity ref, e.g. user:default/eli.martin' })
    .regex(/^user:[^:/\s]+\/[^\s]+$/i, 'ref must be a user entity ref such as user:default/eli.martin'),
};

export const verifyShape = {
  fromSeq: z.coerce.number().int().min(1).optional(),
  toSeq: z.coerce.number().int().min(1).optional(),
};
