/*
 * What a StackPro capability may be called: the rules the New capability
 * template's first step (stackpro:capability:check) enforces on the server,
 * and its form's CapabilityName field shows as one types.
 */

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

/** The catalog entity of a capability: `stackpro-<name>`. */
export const capabilityEntityName = (name: string) => `stackpro-${name}`;

/**
 * The catalog filter that finds a capability of that name: its component, or
 * any entity that says it is that capability.
 */
export function capabilityCatalogFilter(
  name: string,
): Array<Record<string, string>> {
  return [
    { kind: 'Component', 'metadata.name': capabilityEntityName(name) },
    { 'metadata.annotations.stackportal.io/capability': name },
  ];
}

/** The reason a name that the catalog has is refused. */
export function capabilityTakenProblem(name: string, entityRefs: string[]) {
  return `a capability "${name}" exists already (${entityRefs.join(
    ', ',
  )}); choose another name`;
}
