/*
 * `./portal start` runs this beside the backend, with the same --config
 * arguments:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     packages/stackpro-sandbox/src/main.ts --config app-config.yaml [--config app-config.local.yaml]
 *
 * It serves the four StackPro capabilities when stackpro.sandbox.enabled is
 * true, and exits quietly otherwise.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ConfigSources } from '@backstage/config-loader';
import { JsonLineLogger } from '@internal/stackpro-runtime';
import { startSandboxFromConfig } from './sandboxFromConfig';

const PARENT_CHECK_MS = 2000;

async function main() {
  const logger = JsonLineLogger.create({
    base: { service: 'stackpro-sandbox' },
  });
  const source = ConfigSources.default({
    argv: process.argv,
    rootDir: resolvePackagePath('@internal/stackpro-sandbox', '../..'),
    watch: false,
  });
  const config = await ConfigSources.toConfig(source);
  config.close();

  let started;
  try {
    started = await startSandboxFromConfig(config, logger);
  } catch (error) {
    const message =
      (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
        ? `its port is taken (${
            (error as Error).message
          }); move stackpro.sandbox.port in app-config.local.yaml`
        : (error as Error).message;
    process.stderr.write(`\n[stackpro-sandbox] NOT started: ${message}\n\n`);
    process.exit(1);
  }
  if (!started) {
    process.stdout.write(
      '[stackpro-sandbox] off (stackpro.sandbox.enabled is not true)\n',
    );
    return;
  }
  const { sandbox, metrics, flagsUrl } = started;
  const lines = [
    `StackPro sandbox at ${sandbox.baseUrl} (flags from ${flagsUrl})`,
    ...sandbox
      .capabilities()
      .map(
        name =>
          `  ${name.padEnd(10)} ${sandbox.url(name)}   health: ${sandbox.url(
            name,
          )}/v1/health`,
      ),
    `  fault knob: curl -X PUT -H 'Authorization: Bearer <stackpro.sandbox.adminToken>' -H 'Content-Type: application/json' \\`,
    `              -d '{"errorRate":0.05}' ${sandbox.baseUrl}/admin/faults/messaging`,
    'off' in metrics
      ? `  metrics: NOT published (${metrics.off})`
      : `  metrics: CloudWatch ${
          metrics.endpoint ?? `(AWS, ${metrics.region})`
        }, namespace stackpro.capability`,
  ];
  process.stdout.write(
    `\n${lines.map(l => `[stackpro-sandbox] ${l}`).join('\n')}\n\n`,
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await started!.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // started by ./portal start: end with it, even when it is killed without a chance to tell us
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop();
  }, PARENT_CHECK_MS).unref();
}

main().catch(error => {
  process.stderr.write(`[stackpro-sandbox] failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
