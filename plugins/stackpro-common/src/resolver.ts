import type { Config } from '@backstage/config';
import {
  CAPABILITY_ANNOTATION,
  HEALTH_ENDPOINT_ANNOTATION,
  STACKPRO_CAPABILITIES,
  isCapabilityName,
} from './capabilities';

/** The environment a portal watches when `stackpro.environment` is not set. */
export const DEFAULT_CAPABILITY_ENVIRONMENT = 'local';
/** Where the local sandbox listens when `stackpro.sandbox.port` is not set. */
export const DEFAULT_SANDBOX_PORT = 7090;
/** The interface the local sandbox listens on when `stackpro.sandbox.host` is not set. */
export const DEFAULT_SANDBOX_HOST = '127.0.0.1';

/**
 * Where a base URL came from: `config` (`stackpro.capabilities.<name>.baseUrl.<env>`),
 * `sandbox` (the local sandbox serves the capability) or `fallback`
 * (`stackpro.fallbackBaseUrl`).
 */
export type CapabilityUrlSource = 'config' | 'sandbox' | 'fallback';

/** A capability's base URL in one environment. */
export interface ResolvedCapabilityUrl {
  capability: string;
  environment: string;
  /** Without a trailing slash; the contract's paths (`/v1/health`) are appended to it. */
  url: string;
  source: CapabilityUrlSource;
}

/** The local sandbox as the configuration describes it. */
export interface SandboxSettings {
  enabled: boolean;
  host: string;
  port: number;
  /** Where others reach it, without a trailing slash. */
  baseUrl: string;
  capabilities: string[];
}

/** The part of a catalog entity the health endpoint is read from. */
export interface EntityWithAnnotations {
  metadata: { annotations?: Record<string, string> };
}

/** What an entity's `stackportal.io/health-endpoint` resolves to. */
export type HealthEndpointResolution =
  /** The entity has no health endpoint: nothing to probe. */
  | { kind: 'none' }
  | {
      kind: 'resolved';
      /** The absolute URL to probe. */
      url: string;
      /** The capability named by `stackportal.io/capability`, if any. */
      capability?: string;
      /** `annotation` when the annotation was absolute, else where the base URL came from. */
      source: 'annotation' | CapabilityUrlSource;
    }
  /** The annotations cannot give a URL; `message` says what to fix (shown on the entity). */
  | { kind: 'invalid'; annotation: string; message: string };

/** A capability that has no base URL in an environment. */
export class CapabilityUrlError extends Error {
  readonly name = 'CapabilityUrlError';
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function isHttpUrl(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && !!url.hostname
    );
  } catch {
    return false;
  }
}

/**
 * Appends a path (`/v1/health`) to a base URL that may itself end in a path
 * prefix (`http://127.0.0.1:7090/messaging`), keeping the prefix: unlike
 * `new URL(path, base)`, which would drop it.
 */
export function joinCapabilityUrl(baseUrl: string, path: string): string {
  return `${trimSlash(baseUrl)}/${path.replace(/^\/+/, '')}`;
}

/** Why a relative health endpoint is refused, or undefined when it is a plain path. */
function relativePathProblem(path: string): string | undefined {
  if (!path.startsWith('/') || path.startsWith('//')) {
    return 'a relative health endpoint starts with a single "/" (e.g. /v1/health)';
  }
  if (/[\s\\]/.test(path)) {
    return 'a health endpoint path holds no spaces or backslashes';
  }
  const pathname = path.split(/[?#]/)[0];
  if (
    pathname
      .split('/')
      .some(
        segment => segment === '..' || segment === '.' || /%2e/i.test(segment),
      )
  ) {
    return 'a health endpoint path holds no "." or ".." segments';
  }
  return undefined;
}

/**
 * Finds each StackPro capability's base URL per environment, as seed 002's
 * `resolveCapabilityUrl` does: first configuration per environment
 * (`stackpro.capabilities.<name>.baseUrl.<env>`), then a fallback: the local
 * sandbox for the capabilities it serves, else `stackpro.fallbackBaseUrl`.
 * The same catalog thereby points at the sandbox locally and at real hosts in
 * production, with configuration alone.
 */
export class CapabilityUrlResolver {
  private constructor(
    /** The environment this portal watches (`stackpro.environment`). */
    readonly environment: string,
    private readonly configured: Map<string, Map<string, string>>,
    private readonly fallbackTemplate: string | undefined,
    /** The local sandbox, when enabled. */
    readonly sandbox: SandboxSettings | undefined,
  ) {}

  /** Reads `stackpro.*`; throws, naming the key, on a value that is not a URL. */
  static fromConfig(config: Config): CapabilityUrlResolver {
    const root = config.getOptionalConfig('stackpro');
    const environment =
      root?.getOptionalString('environment') ?? DEFAULT_CAPABILITY_ENVIRONMENT;
    const configured = new Map<string, Map<string, string>>();
    const capabilities = root?.getOptionalConfig('capabilities');
    for (const name of capabilities?.keys() ?? []) {
      if (!isCapabilityName(name)) {
        throw new Error(
          `stackpro.capabilities.${name}: a capability name is lowercase letters and digits, starting with a letter`,
        );
      }
      const perEnv = new Map<string, string>();
      const baseUrl = capabilities!.getOptionalConfig(`${name}.baseUrl`);
      for (const env of baseUrl?.keys() ?? []) {
        const url = baseUrl!.getString(env);
        if (!isHttpUrl(url)) {
          throw new Error(
            `stackpro.capabilities.${name}.baseUrl.${env} must be an http(s) URL, not "${url}"`,
          );
        }
        perEnv.set(env, trimSlash(url));
      }
      configured.set(name, perEnv);
    }
    const fallbackTemplate = root?.getOptionalString('fallbackBaseUrl');
    if (
      fallbackTemplate !== undefined &&
      !isHttpUrl(fallbackTemplate.replace(/\{capability\}/g, 'capability'))
    ) {
      throw new Error(
        `stackpro.fallbackBaseUrl must be an http(s) URL, not "${fallbackTemplate}"`,
      );
    }
    return new CapabilityUrlResolver(
      environment,
      configured,
      fallbackTemplate,
      readSandboxSettings(config),
    );
  }

  /** Every capability the configuration or the sandbox knows, sorted. */
  capabilities(): string[] {
    return [
      ...new Set([
        ...this.configured.keys(),
        ...(this.sandbox?.capabilities ?? []),
      ]),
    ].sort();
  }

  /** The watched environment first, then every other environment a base URL is configured for. */
  environments(): string[] {
    const others = new Set<string>();
    for (const perEnv of this.configured.values()) {
      for (const env of perEnv.keys()) others.add(env);
    }
    others.delete(this.environment);
    return [this.environment, ...[...others].sort()];
  }

  /** A capability's base URL in an environment (default: the watched one), or undefined when nothing gives one. */
  resolve(
    capability: string,
    environment: string = this.environment,
  ): ResolvedCapabilityUrl | undefined {
    const configured = this.configured.get(capability)?.get(environment);
    if (configured) {
      return { capability, environment, url: configured, source: 'config' };
    }
    if (this.sandbox?.capabilities.includes(capability)) {
      return {
        capability,
        environment,
        url: joinCapabilityUrl(this.sandbox.baseUrl, capability),
        source: 'sandbox',
      };
    }
    if (this.fallbackTemplate && isCapabilityName(capability)) {
      const url = trimSlash(
        this.fallbackTemplate.replace(/\{capability\}/g, capability),
      );
      return { capability, environment, url, source: 'fallback' };
    }
    return undefined;
  }

  /** As `resolve`, but throws a `CapabilityUrlError` that says which key to set. */
  baseUrl(capability: string, environment: string = this.environment): string {
    const resolved = this.resolve(capability, environment);
    if (!resolved) {
      throw new CapabilityUrlError(
        `No base URL for capability "${capability}" in environment "${environment}": set ` +
          `stackpro.capabilities.${capability}.baseUrl.${environment} or stackpro.fallbackBaseUrl`,
      );
    }
    return resolved.url;
  }

  /** A capability's base URL in every environment of `environments()` that gives one (for discovery). */
  baseUrls(capability: string): ResolvedCapabilityUrl[] {
    return this.environments()
      .map(env => this.resolve(capability, env))
      .filter((r): r is ResolvedCapabilityUrl => r !== undefined);
  }

  /**
   * The URL to probe for an entity: its `stackportal.io/health-endpoint` when
   * absolute, or that path appended to the base URL of the capability named by
   * `stackportal.io/capability`. Never throws: a problem comes back as
   * `kind: 'invalid'` with a message to show on the entity.
   */
  healthEndpoint(
    entity: EntityWithAnnotations,
    environment: string = this.environment,
  ): HealthEndpointResolution {
    const annotations = entity.metadata.annotations ?? {};
    const endpoint = annotations[HEALTH_ENDPOINT_ANNOTATION]?.trim();
    const capability = annotations[CAPABILITY_ANNOTATION]?.trim() || undefined;
    if (!endpoint) return { kind: 'none' };
    if (/^[a-z][a-z0-9+.-]*:/i.test(endpoint)) {
      if (!isHttpUrl(endpoint)) {
        return {
          kind: 'invalid',
          annotation: HEALTH_ENDPOINT_ANNOTATION,
          message: `"${endpoint}" is not an http(s) URL`,
        };
      }
      return {
        kind: 'resolved',
        url: endpoint,
        capability,
        source: 'annotation',
      };
    }
    const problem = relativePathProblem(endpoint);
    if (problem) {
      return {
        kind: 'invalid',
        annotation: HEALTH_ENDPOINT_ANNOTATION,
        message: `"${endpoint}": ${problem}`,
      };
    }
    if (!capability) {
      return {
        kind: 'invalid',
        annotation: CAPABILITY_ANNOTATION,
        message: `the relative health endpoint "${endpoint}" needs ${CAPABILITY_ANNOTATION} to name the capability whose base URL it is relative to`,
      };
    }
    if (!isCapabilityName(capability)) {
      return {
        kind: 'invalid',
        annotation: CAPABILITY_ANNOTATION,
        message: `"${capability}" is not a capability name (lowercase letters and digits, starting with a letter)`,
      };
    }
    const base = this.resolve(capability, environment);
    if (!base) {
      return {
        kind: 'invalid',
        annotation: CAPABILITY_ANNOTATION,
        message:
          `capability "${capability}" has no base URL in environment "${environment}": set ` +
          `stackpro.capabilities.${capability}.baseUrl.${environment} in the portal's configuration`,
      };
    }
    return {
      kind: 'resolved',
      url: joinCapabilityUrl(base.url, endpoint),
      capability,
      source: base.source,
    };
  }
}

/** `stackpro.sandbox`, or undefined when the sandbox is not enabled. */
export function readSandboxSettings(
  config: Config,
): SandboxSettings | undefined {
  const sandbox = config.getOptionalConfig('stackpro.sandbox');
  if (!sandbox?.getOptionalBoolean('enabled')) return undefined;
  const host = sandbox.getOptionalString('host') ?? DEFAULT_SANDBOX_HOST;
  const port = sandbox.getOptionalNumber('port') ?? DEFAULT_SANDBOX_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`stackpro.sandbox.port must be a port number, not ${port}`);
  }
  const baseUrl =
    sandbox.getOptionalString('baseUrl') ??
    `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  if (!isHttpUrl(baseUrl)) {
    throw new Error(
      `stackpro.sandbox.baseUrl must be an http(s) URL, not "${baseUrl}"`,
    );
  }
  const capabilities = sandbox.getOptionalStringArray('capabilities') ?? [
    ...STACKPRO_CAPABILITIES,
  ];
  for (const name of capabilities) {
    if (!isCapabilityName(name)) {
      throw new Error(
        `stackpro.sandbox.capabilities: "${name}" is not a capability name`,
      );
    }
  }
  return {
    enabled: true,
    host,
    port,
    baseUrl: trimSlash(baseUrl),
    capabilities,
  };
}

/**
 * Seed 002's `resolveCapabilityUrl(capability, env)`: a capability's base URL
 * in an environment (default: `stackpro.environment`). Throws a
 * `CapabilityUrlError` naming the key to set when nothing gives one.
 */
export function resolveCapabilityUrl(
  config: Config,
  capability: string,
  environment?: string,
): string {
  return CapabilityUrlResolver.fromConfig(config).baseUrl(
    capability,
    environment,
  );
}
