import type {
  EvaluationContextInput,
  FlagEnvironment,
  VariantPayload,
} from '@internal/backstage-plugin-feature-flags-common';
import { EventEmitter } from 'node:events';
import { Unleash, UnleashEvents } from 'unleash-client';
import type { ClientFeaturesResponse } from 'unleash-client';
import type { ProviderFlag } from '../providers/FlagProvider';

type ClientFeature = ClientFeaturesResponse['features'][number];

/** One flag in one environment, in Unleash's client API format (what an SDK downloads). */
export function toClientFeature(
  flag: ProviderFlag,
  env: FlagEnvironment,
): ClientFeature {
  return {
    name: flag.name,
    type: flag.type,
    project: flag.project,
    description: flag.description,
    enabled: env.enabled,
    stale: flag.stale,
    impressionData: false,
    strategies: env.strategies
      .filter(s => !s.disabled)
      .map(s => ({
        name: s.name,
        parameters: s.parameters,
        constraints: s.constraints.map(c => ({
          contextName: c.contextName,
          operator: c.operator as never,
          values: c.values,
          value: c.value,
          inverted: c.inverted,
          caseInsensitive: c.caseInsensitive,
        })),
        variants: s.variants as never[],
      })),
    variants: env.variants as never[],
  };
}

/** The client API body for one environment: `GET /api/client/features`. */
export function toClientFeatures(
  flags: ProviderFlag[],
  environment: string,
): ClientFeaturesResponse {
  return {
    version: 2,
    features: flags.flatMap(flag => {
      const env = flag.environments.find(e => e.name === environment);
      return env ? [toClientFeature(flag, env)] : [];
    }),
    query: { environment },
  };
}

/**
 * A repository for `unleash-client` that holds given features in memory:
 * the SDK evaluates exactly what a client would, with no network.
 */
class FixedRepository extends EventEmitter {
  constructor(private readonly features: ClientFeature[]) {
    super();
  }
  getToggle(name: string) {
    return this.features.find(f => f.name === name);
  }
  getToggles() {
    return this.features;
  }
  getTogglesWithSegmentData() {
    return this.features as never[];
  }
  getSegment() {
    return undefined;
  }
  stop() {}
  async start() {
    this.emit(UnleashEvents.Ready);
    this.emit(UnleashEvents.Changed, this.features);
  }
}

/**
 * What `unleash-client` answers for this flag and context: `isEnabled` and
 * `getVariant`, computed by the SDK itself, not by a re-implementation.
 */
export async function evaluateWithUnleashClient(
  features: ClientFeature[],
  flag: string,
  environment: string,
  context: EvaluationContextInput,
) {
  const unleash = new Unleash({
    appName: 'stack-portal-preview',
    environment,
    url: 'http://preview.invalid/api/',
    repository: new FixedRepository(features) as never,
    disableMetrics: true,
    refreshInterval: 0,
    skipInstanceCountWarning: true,
  });
  unleash.on('error', () => {});
  try {
    await new Promise<void>(resolve => {
      if ((unleash as unknown as { ready: boolean }).ready) resolve();
      else unleash.once(UnleashEvents.Ready, () => resolve());
    });
    const sdkContext = {
      userId: context.userId,
      sessionId: context.sessionId,
      remoteAddress: context.remoteAddress,
      environment,
      properties: {
        ...(context.properties ?? {}),
        ...(context.tenantId !== undefined
          ? { tenantId: context.tenantId }
          : {}),
      },
    };
    const isEnabled = unleash.isEnabled(flag, sdkContext);
    const variant = unleash.getVariant(flag, sdkContext);
    return {
      isEnabled,
      variant: {
        name: variant.name,
        enabled: variant.enabled,
        featureEnabled: variant.feature_enabled ?? isEnabled,
        payload: variant.payload as VariantPayload | undefined,
      },
    };
  } finally {
    unleash.destroy();
  }
}
