/** A capability's name: lowercase letters and digits, starting with a letter (as in CAP_<NAME>_ENABLED). */
export const CAPABILITY_NAME_PATTERN = /^[a-z][a-z0-9]*$/;
export const CAPABILITY_NAME_MAX = 30;

/**
 * Names a capability may not take: they are routes, products, environments
 * or words the portal and the flags already use.
 */
export const RESERVED_CAPABILITY_NAMES = [
  'admin',
  'all',
  'api',
  'capabilities',
  'capability',
  'catalog',
  'core',
  'default',
  'development',
  'flags',
  'health',
  'internal',
  'metrics',
  'none',
  'null',
  'portal',
  'production',
  'sandbox',
  'stackpro',
  'staging',
  'system',
  'test',
  'undefined',
] as const;

/** Why the name cannot be a capability's, or undefined when it can. */
export function capabilityNameProblem(name: string): string | undefined {
  if (!name) return 'a capability needs a name';
  if (name.length > CAPABILITY_NAME_MAX) {
    return `"${name}" is ${name.length} characters long; a capability name has at most ${CAPABILITY_NAME_MAX}`;
  }
  if (!CAPABILITY_NAME_PATTERN.test(name)) {
    return `"${name}" is not a capability name: lowercase letters and digits only, starting with a letter (it becomes the <X> of CAP_<X>_ENABLED and part of the entity name stackpro-${name
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')})`;
  }
  if ((RESERVED_CAPABILITY_NAMES as readonly string[]).includes(name)) {
    return `"${name}" is a reserved word (${RESERVED_CAPABILITY_NAMES.join(
      ', ',
    )}); choose another name`;
  }
  return undefined;
}

/** `orders` -> `Orders`; `line-items` -> `LineItems`. */
export function pascal(value: string): string {
  return value
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map(p => p[0].toUpperCase() + p.slice(1))
    .join('');
}

export const camel = (value: string) => {
  const p = pascal(value);
  return p ? p[0].toLowerCase() + p.slice(1) : p;
};

/** `orders` -> `order`; words too short to be plurals stay. */
export function singular(value: string): string {
  if (/ies$/.test(value) && value.length > 4) return `${value.slice(0, -3)}y`;
  if (/s$/.test(value) && !/ss$/.test(value) && value.length > 3)
    return value.slice(0, -1);
  return value;
}

/** What a capability's name gives: entity, flags, dashboard, SDK names. */
export function capabilityNames(name: string) {
  const upper = name.toUpperCase();
  return {
    name,
    componentName: `stackpro-${name}`,
    flagPrefix: `CAP_${upper}`,
    flags: [
      `CAP_${upper}_ENABLED`,
      `CAP_${upper}_VERSION`,
      `CAP_${upper}_DEGRADED`,
    ],
    className: pascal(name),
    dashboard: `StackPro-${pascal(name)}`,
  };
}
