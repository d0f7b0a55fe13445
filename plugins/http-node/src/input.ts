import { InputError } from '@backstage/errors';
import { z } from 'zod/v3';

/**
 * The fields a schema knows at its top level (through refinements,
 * transforms and defaults), so that an unknown one can be answered with the
 * ones that would have been accepted.
 */
function knownFields(schema: z.ZodTypeAny): string[] | undefined {
  let inner: z.ZodTypeAny = schema;
  for (let depth = 0; depth < 10; depth++) {
    if (inner instanceof z.ZodObject) return Object.keys(inner.shape);
    if (inner instanceof z.ZodEffects) inner = inner.innerType();
    else if (
      inner instanceof z.ZodOptional ||
      inner instanceof z.ZodNullable ||
      inner instanceof z.ZodDefault
    )
      inner = inner._def.innerType;
    else if (inner instanceof z.ZodPipeline) inner = inner._def.in;
    else return undefined;
  }
  return undefined;
}

/** One issue of a zod error, said the way every router says it. */
function describeIssue(issue: z.ZodIssue, known?: string[]): string {
  // a list's item is named by its list (`priority: "x" is not one of ...`);
  // an index inside the path stays (`variants.1.name`)
  const path = [...issue.path];
  while (typeof path[path.length - 1] === 'number') path.pop();
  // a problem of the whole value is already named by `Invalid <what>:`
  const where = path.map(String).join('.') || undefined;
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${
        issue.keys.length > 1 ? 's' : ''
      } ${issue.keys.join(', ')}${
        issue.path.length === 0 && known?.length
          ? ` (allowed: ${known.join(', ')})`
          : ''
      }`;
    case 'invalid_enum_value':
      return said(
        where,
        `"${String(issue.received)}" is not one of ${issue.options.join(', ')}`,
      );
    case 'invalid_type':
      if (issue.received === 'undefined' && issue.message === 'Required') {
        return said(where, 'is required');
      }
      return said(where, issue.message);
    default:
      return said(where, issue.message);
  }
}

/**
 * `<field>: <problem>`, unless the schema's own message already begins with
 * the field's name (`reason must be at least 10 characters`); the problem
 * alone for the whole value.
 */
function said(where: string | undefined, message: string): string {
  if (!where) return message;
  return message.startsWith(`${where} `) || message.startsWith(`${where}:`)
    ? message
    : `${where}: ${message}`;
}

/**
 * The message of a zod error: `<field>: <problem>; <field>: <problem>`;
 * `schema`, when given, names the allowed fields after an unknown one.
 */
export function describeInputProblems(
  error: z.ZodError,
  schema?: z.ZodTypeAny,
): string {
  const known = schema ? knownFields(schema) : undefined;
  return error.issues.map(issue => describeIssue(issue, known)).join('; ');
}

/**
 * Parses a request's body, query or parameters with a zod schema, or throws
 * a 400 (`InputError`) that names each field and what is wrong with it:
 * `Invalid <what>: <field>: <problem>; ...`. Every Stack Portal router uses
 * this one parser, so every bad input reads the same way.
 */
export function parseInput<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    throw new InputError(
      `Invalid ${what}: ${describeInputProblems(parsed.error, schema)}`,
    );
  }
  return parsed.data;
}

/**
 * A query parameter that may be given once, several times or comma-separated
 * (`?status=a&status=b`, `?status=a,b`), as a list of trimmed items.
 */
export function queryList<T extends z.ZodTypeAny>(item: T) {
  return z
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
}
