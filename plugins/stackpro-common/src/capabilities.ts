/** The capabilities of StackPro's seed (002): what the local sandbox serves. */
export const STACKPRO_CAPABILITIES = [
  'messaging',
  'datalake',
  'ai',
  'billing',
] as const;

/** One of the four capabilities of the seed. */
export type StackProCapability = (typeof STACKPRO_CAPABILITIES)[number];

/** Annotation naming the capability a Component is (`messaging`). */
export const CAPABILITY_ANNOTATION = 'stackportal.io/capability';
/** Annotation giving a Component's health endpoint: absolute, or a path relative to its capability's base URL. */
export const HEALTH_ENDPOINT_ANNOTATION = 'stackportal.io/health-endpoint';

/** A capability name: lowercase letters and digits, starting with a letter (as flag names need). */
export const CAPABILITY_NAME_PATTERN = /^[a-z][a-z0-9]{0,39}$/;

/** Whether a string can name a capability (and so its flags). */
export function isCapabilityName(value: string): boolean {
  return CAPABILITY_NAME_PATTERN.test(value);
}

/** The three flags of a capability (seed 002's naming convention). */
export interface CapabilityFlagNames {
  /** `CAP_<X>_ENABLED`: the capability is on. */
  enabled: string;
  /** `CAP_<X>_VERSION`: the API version callers are routed to (variant payload `v1`). */
  version: string;
  /** `CAP_<X>_DEGRADED`: forces degraded mode. */
  degraded: string;
}

/** `capabilityFlagNames('messaging')` is `CAP_MESSAGING_ENABLED`, `_VERSION`, `_DEGRADED`. */
export function capabilityFlagNames(capability: string): CapabilityFlagNames {
  const prefix = `CAP_${capability.toLocaleUpperCase('en-US')}`;
  return {
    enabled: `${prefix}_ENABLED`,
    version: `${prefix}_VERSION`,
    degraded: `${prefix}_DEGRADED`,
  };
}
