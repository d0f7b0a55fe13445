import { capabilityEntityName } from '@internal/backstage-plugin-stacks-common';

// the name rules are shared with the New capability form's CapabilityName field
export {
  CAPABILITY_NAME_MAX,
  CAPABILITY_NAME_PATTERN,
  RESERVED_CAPABILITY_NAMES,
  capabilityNameProblem,
} from '@internal/backstage-plugin-stacks-common';

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
    componentName: capabilityEntityName(name),
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
