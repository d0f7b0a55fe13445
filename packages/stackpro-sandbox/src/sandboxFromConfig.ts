import type { Config } from '@backstage/config';
import { readSandboxSettings } from '@internal/backstage-plugin-stackpro-common';
import {
  CloudWatchMetricsPublisher,
  CloudWatchTarget,
  Faults,
  FlagSourceState,
  JsonLineLogger,
  MetricsRecorder,
  RuntimeLogger,
  UnleashFlagSource,
} from '@internal/stackpro-runtime';
import { LocalMoto, startLocalMoto } from './localMoto';
import { StackProSandbox } from './StackProSandbox';

const DEFAULT_FLUSH_SECONDS = 60;
/** Credentials a local moto_server takes (it checks none); never used with AWS itself. */
const LOCAL_MOTO_CREDENTIALS = {
  accessKeyId: 'stackpro-sandbox',
  secretAccessKey: 'moto-accepts-any',
};

/** Where the sandbox's unleash-client reads its flags, from `stackpro.sandbox.flags`. */
export function flagSettings(config: Config): {
  url: string;
  token: string;
  refreshIntervalMs: number;
} {
  const flags = config.getOptionalConfig('stackpro.sandbox.flags');
  const environment = flags?.getOptionalString('environment') ?? 'development';
  const url =
    flags?.getOptionalString('url') ??
    `${config
      .getString('backend.baseUrl')
      .replace(/\/+$/, '')}/api/feature-flags/`;
  let token = flags?.getOptionalString('token');
  if (!token) {
    const match = (
      config.getOptionalConfigArray('featureFlags.clientTokens') ?? []
    ).find(t => t.getOptionalString('environment') === environment);
    token = match?.getString('token');
  }
  if (!token) {
    throw new Error(
      `stackpro.sandbox.flags.token is not set and featureFlags.clientTokens has no token for environment "${environment}"`,
    );
  }
  return {
    url,
    token,
    refreshIntervalMs: flags?.getOptionalNumber('refreshIntervalMs') ?? 5000,
  };
}

function faultSettings(config: Config): Record<string, Partial<Faults>> {
  const faults = config.getOptionalConfig('stackpro.sandbox.faults');
  const out: Record<string, Partial<Faults>> = {};
  for (const name of faults?.keys() ?? []) {
    const f = faults!.getConfig(name);
    out[name] = {
      latencyMs: f.getOptionalNumber('latencyMs'),
      latencyJitterMs: f.getOptionalNumber('latencyJitterMs'),
      errorRate: f.getOptionalNumber('errorRate'),
      downDependencies: f.getOptionalStringArray('downDependencies'),
    };
    for (const key of Object.keys(out[name]) as Array<keyof Faults>) {
      if (out[name][key] === undefined) delete out[name][key];
    }
  }
  return out;
}

/** A sandbox started from configuration, with the moto_server it may have started. */
export interface ConfiguredSandbox {
  sandbox: StackProSandbox;
  /** Where metrics go, or why they do not. */
  metrics: { endpoint?: string; region: string } | { off: string };
  flagsUrl: string;
  /** Sends the metrics collected so far now (tests, and a last flush before a demo's screenshot). */
  flushMetrics(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the sandbox as `stackpro.sandbox` says: its port, its flags through
 * unleash-client (the portal's client API by default, a real Unleash by
 * configuration), its fault knob, and its metrics to the CloudWatch
 * configured (a local moto_server started when asked and present). Nothing
 * configured means no publishing, said once in the log.
 */
export async function startSandboxFromConfig(
  config: Config,
  logger: RuntimeLogger,
  options: { requestLog?: JsonLineLogger } = {},
): Promise<ConfiguredSandbox | undefined> {
  const settings = readSandboxSettings(config);
  if (!settings) return undefined;
  const sandboxConfig = config.getConfig('stackpro.sandbox');
  const flags = flagSettings(config);
  const flagSource = UnleashFlagSource.create({
    ...flags,
    appName: 'stackpro-sandbox',
    onStateChange: (state: FlagSourceState) => {
      if (state.status === 'ok') {
        logger.info(`flags read from ${flags.url}`);
      } else if (state.status === 'stale') {
        logger.warn(
          `${state.message}; the capabilities go on with the last known flags and answer degraded`,
        );
      } else {
        logger.warn(
          `${state.message}; the capabilities answer 503 FLAGS_UNAVAILABLE until they are read (the portal may still be starting)`,
        );
      }
    },
  });

  let moto: LocalMoto | undefined;
  let metricsState: ConfiguredSandbox['metrics'];
  let publisher: CloudWatchMetricsPublisher | undefined;
  const recorder = MetricsRecorder.create();
  const cloudwatch = sandboxConfig.getOptionalConfig('metrics.cloudwatch');
  const region = cloudwatch?.getOptionalString('region') ?? 'us-west-2';
  if (!cloudwatch) {
    metricsState = {
      off: 'stackpro.sandbox.metrics.cloudwatch is not configured',
    };
  } else {
    const endpoint = cloudwatch.getOptionalString('endpoint');
    const target: CloudWatchTarget = { region, endpoint };
    metricsState = { endpoint, region };
    if (endpoint && cloudwatch.getOptionalBoolean('startMoto')) {
      const started = await startLocalMoto(endpoint, logger);
      if (started === undefined) {
        metricsState = {
          off: `moto_server is not on the PATH (or did not start), so nothing answers at ${endpoint}`,
        };
      } else {
        target.credentials = LOCAL_MOTO_CREDENTIALS;
        if (started !== 'running') moto = started;
      }
    }
    if (!('off' in metricsState)) {
      const flushSeconds =
        sandboxConfig.getOptionalNumber('metrics.flushIntervalSeconds') ??
        DEFAULT_FLUSH_SECONDS;
      publisher = CloudWatchMetricsPublisher.create({
        recorder,
        target,
        logger,
        flushIntervalMs: flushSeconds * 1000,
      });
    }
  }
  if ('off' in metricsState) {
    logger.warn(`CloudWatch metrics are not published: ${metricsState.off}`);
  }

  try {
    const sandbox = await StackProSandbox.start({
      host: settings.host,
      port: settings.port,
      capabilities: settings.capabilities,
      contractsDirectory: sandboxConfig.getOptionalString('contractsDirectory'),
      flags: flagSource,
      adminToken: sandboxConfig.getOptionalString('adminToken'),
      faults: faultSettings(config),
      metrics: { recorder, publisher },
      logger,
      requestLog: options.requestLog,
    });
    return {
      sandbox,
      metrics: metricsState,
      flagsUrl: flags.url,
      async flushMetrics() {
        await publisher?.flush();
      },
      async stop() {
        // a moto started here ends with us (and may have got the same signal): no last flush to it
        await sandbox.stop({ flushMetrics: !moto });
        await moto?.stop();
      },
    };
  } catch (error) {
    await flagSource.close();
    await moto?.stop();
    throw error;
  }
}
