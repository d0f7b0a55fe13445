import { CAPABILITY, FLAGS } from './capability.ts';
import { ROUTES } from './generated/routes.ts';
import {
  EnvironmentFlags,
  UnleashFlags,
  type FlagSource,
} from './runtime/flags.ts';
import { publishToCloudWatch } from './runtime/observability.ts';
import { createCapabilityServer } from './runtime/server.ts';

/**
 * Starts the capability. Environment:
 * PORT (default 8080); UNLEASH_URL and UNLEASH_TOKEN (flags through
 * unleash-client; without them CAP_* environment variables); UNLEASH_ENVIRONMENT;
 * UNLEASH_REFRESH_INTERVAL_MS (default 5000);
 * METRICS_REGION / METRICS_ENDPOINT / METRICS_FLUSH_SECONDS (CloudWatch).
 */
async function main() {
  const env = process.env;
  let flags: FlagSource;
  if (env.UNLEASH_URL) {
    flags = await UnleashFlags.start({
      url: env.UNLEASH_URL,
      token: env.UNLEASH_TOKEN ?? '',
      appName: `stackpro-${CAPABILITY}`,
      environment: env.UNLEASH_ENVIRONMENT,
      refreshIntervalMs: env.UNLEASH_REFRESH_INTERVAL_MS
        ? Number(env.UNLEASH_REFRESH_INTERVAL_MS)
        : undefined,
    });
  } else {
    flags = new EnvironmentFlags(env);
  }
  const { server, metrics } = createCapabilityServer({
    capability: CAPABILITY,
    flags,
    flagNames: FLAGS,
    routes: ROUTES,
  });
  let timer: NodeJS.Timeout | undefined;
  if (env.METRICS_REGION) {
    timer = setInterval(() => {
      publishToCloudWatch({
        capability: CAPABILITY,
        window: metrics.take(),
        region: env.METRICS_REGION!,
        endpoint: env.METRICS_ENDPOINT,
      }).catch(error =>
        process.stderr.write(`metrics not sent: ${(error as Error).message}\n`),
      );
    }, Number(env.METRICS_FLUSH_SECONDS ?? 60) * 1000);
    timer.unref();
  }
  const port = Number(env.PORT ?? 8080);
  server.listen(port, env.HOST ?? '127.0.0.1', () => {
    process.stdout.write(
      `${JSON.stringify({
        level: 'info',
        message: `${CAPABILITY} listening on ${port}`,
        capability: CAPABILITY,
      })}\n`,
    );
  });
  const stop = () => {
    if (timer) clearInterval(timer);
    flags.close();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch(error => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
