import { CONSTRAINT_OPERATORS, FLAG_TYPES } from './types';

/**
 * The names Unleash accepts for flags (URL-friendly, at most 100 characters):
 * checked here so that a bad name is a 400 before anything reaches Unleash.
 */
export const FLAG_NAME_PATTERN = /^[A-Za-z0-9._~-]+$/;

/** Why Unleash would reject this flag name, or undefined if it would accept it. */
export function flagNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a flag name cannot be empty';
  if (name.length > 100)
    return `a flag name has at most 100 characters, "${name.slice(
      0,
      20,
    )}..." has ${name.length}`;
  if (name === '.' || name === '..')
    return `"${name}" is not a valid flag name`;
  if (!FLAG_NAME_PATTERN.test(name)) {
    return `"${name}" is not URL-friendly: use letters, digits and . _ ~ - only`;
  }
  return undefined;
}

export function isConstraintOperator(
  value: unknown,
): value is (typeof CONSTRAINT_OPERATORS)[number] {
  return CONSTRAINT_OPERATORS.includes(
    value as (typeof CONSTRAINT_OPERATORS)[number],
  );
}

export function isFlagType(
  value: unknown,
): value is (typeof FLAG_TYPES)[number] {
  return FLAG_TYPES.includes(value as (typeof FLAG_TYPES)[number]);
}

/** Operators that compare against one `value` rather than a list of `values`. */
export const SINGLE_VALUE_OPERATORS: ReadonlyArray<string> =
  CONSTRAINT_OPERATORS.filter(op => /^(NUM|DATE|SEMVER)_/.test(op));

/** The capability flag names of the StackPro pattern: CAP_<NAME>_ENABLED, _VERSION, _DEGRADED. */
export const CAPABILITY_FLAG_PATTERN =
  /^CAP_([A-Z0-9]+(?:_[A-Z0-9]+)*)_(ENABLED|VERSION|DEGRADED)$/;

export function parseCapabilityFlag(
  name: string,
):
  | { capability: string; kind: 'ENABLED' | 'VERSION' | 'DEGRADED' }
  | undefined {
  const match = CAPABILITY_FLAG_PATTERN.exec(name);
  if (!match) return undefined;
  return {
    capability: match[1].toLowerCase(),
    kind: match[2] as 'ENABLED' | 'VERSION' | 'DEGRADED',
  };
}
