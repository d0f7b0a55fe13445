import {
  CloudWatchClient,
  MetricDatum,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

export const ENGINEER = 'user:default/eli.martin';
/** A user the policy refuses `cloudwatch.metrics.read`. */
export const OUTSIDER = 'user:default/outsider';
export const NAMESPACE = 'stackpro.capability';
export const as = (ref: string) => mockCredentials.user.header(ref);

export const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const who =
      (options.credentials.principal as { userEntityRef?: string })
        .userEntityRef ?? '';
    return requests.map(() => ({
      result: who === OUTSIDER ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
    }));
  },
});

/** A StackPro capability as the catalog has it, with its CloudWatch annotations. */
export function capability(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  const title = name[0].toUpperCase() + name.slice(1);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `stackpro-${name}`,
      namespace: 'default',
      title: `StackPro ${title}`,
      annotations: {
        'stackportal.io/cloudwatch-namespace': NAMESPACE,
        'stackportal.io/cloudwatch-dimensions': `capability=${name}`,
        'stackportal.io/cloudwatch-alarms': `StackPro-${title}-*`,
        'stackportal.io/cloudwatch-dashboard': `StackPro-${title}-Sandbox`,
        ...annotations,
      },
    },
    spec: {
      type: 'capability',
      owner: 'team-ai',
      system: 'stackpro',
      lifecycle: 'experimental',
    },
  };
}

/** An account of the configuration pointing at a local CloudWatch. */
export function localAccount(endpoint: string, extra: object = {}) {
  return {
    id: 'sandbox',
    region: 'us-west-2',
    endpoint,
    accessKeyId: 'test',
    secretAccessKey: 'test',
    latencyStatistic: 'Average',
    ...extra,
  };
}

export function sdkClient(endpoint: string) {
  return new CloudWatchClient({
    region: 'us-west-2',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // moto 5.2.1 cannot read the gzip the SDK sends large PutMetricData in
    disableRequestCompression: true,
  });
}

export interface MinuteTraffic {
  success: number;
  error: number;
  degraded: number;
  breakerOpen: number;
  /** Latencies of the minute's requests, ms. */
  latencies: number[];
}

/**
 * Publishes a capability's metrics the way the StackPro runtime does: per
 * minute, counts as values and the latencies as a distribution.
 */
export async function publish(
  client: CloudWatchClient,
  capabilityName: string,
  minutes: Array<{ at: Date } & MinuteTraffic>,
) {
  const Dimensions = [{ Name: 'capability', Value: capabilityName }];
  const data: MetricDatum[] = minutes.flatMap(m => [
    {
      MetricName: 'success',
      Dimensions,
      Timestamp: m.at,
      Value: m.success,
      Unit: 'Count',
    },
    {
      MetricName: 'error',
      Dimensions,
      Timestamp: m.at,
      Value: m.error,
      Unit: 'Count',
    },
    {
      MetricName: 'degraded',
      Dimensions,
      Timestamp: m.at,
      Value: m.degraded,
      Unit: 'Count',
    },
    {
      MetricName: 'breaker.open',
      Dimensions,
      Timestamp: m.at,
      Value: m.breakerOpen,
      Unit: 'Count',
    },
    {
      MetricName: 'latency.p95',
      Dimensions,
      Timestamp: m.at,
      Values: m.latencies,
      Counts: m.latencies.map(() => 1),
      Unit: 'Milliseconds',
    },
  ]);
  const BATCH = 500;
  for (let i = 0; i < data.length; i += BATCH) {
    await client.send(
      new PutMetricDataCommand({
        Namespace: NAMESPACE,
        MetricData: data.slice(i, i + BATCH),
      }),
    );
  }
}

/** `count` minutes ending a minute ago, oldest first. */
export function lastMinutes(count: number, now = Date.now()): Date[] {
  const MINUTE_MS = 60_000;
  const end = Math.floor(now / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
  return Array.from(
    { length: count },
    (_, i) => new Date(end - (count - 1 - i) * MINUTE_MS + 30_000),
  );
}
