import { defineConfig } from '@playwright/test';
import os from 'node:os';
import path from 'node:path';

/**
 * Browser tests: the built portal, started on its own port with in-memory
 * databases, driven in Debian's Chromium (never a downloaded browser).
 */
const port = Number(process.env.PORTAL_E2E_PORT ?? 7017);
const chromium = process.env.PORTAL_CHROMIUM ?? '/usr/bin/chromium';
// the StackPro sandbox beside the tests' portal, and moto (when on the PATH) as
// its CloudWatch, on ports that follow the portal's (docs/stackpro-sandbox.md)
const sandboxPort = port + 1000;
const sandboxEnv = {
  APP_CONFIG_stackpro_sandbox_port: String(sandboxPort),
  APP_CONFIG_stackpro_sandbox_metrics_cloudwatch_endpoint: JSON.stringify(
    `http://127.0.0.1:${sandboxPort + 1}`,
  ),
};
// the portal reads that moto as its CloudWatch (docs/cloudwatch.md); the
// metrics browser test publishes there too
const motoUrl = `http://127.0.0.1:${sandboxPort + 1}`;
process.env.PORTAL_E2E_MOTO_URL = motoUrl;
const cloudwatchEnv = {
  APP_CONFIG_cloudwatch: JSON.stringify({
    accounts: [
      {
        id: 'sandbox',
        region: 'us-west-2',
        endpoint: motoUrl,
        accessKeyId: 'local',
        secretAccessKey: 'local',
        latencyStatistic: 'Average',
        seedLocal: true,
      },
    ],
  }),
};
// New capability and New stack publish into the tests' own folder, emptied as
// their portal starts (STACK_PORTAL_REPOSITORIES, app-config.yaml), never into
// the checkout's data/repositories
const repositories = path.join(
  os.tmpdir(),
  `stackportal-e2e-repositories-${port}`,
);
const portalEnv = {
  STACK_PORTAL_REPOSITORIES: repositories,
  APP_CONFIG_app_baseUrl: JSON.stringify(`http://localhost:${port}`),
  APP_CONFIG_backend_baseUrl: JSON.stringify(`http://localhost:${port}`),
  APP_CONFIG_backend_listen_port: String(port),
  APP_CONFIG_backend_cors_origin: JSON.stringify(`http://localhost:${port}`),
  ...sandboxEnv,
  ...cloudwatchEnv,
};
const e2eConfig =
  '--config ../../app-config.yaml --config ../../packages/app/e2e-tests/app-config.e2e.yaml';

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'test-results/e2e-report' }],
  ],
  outputDir: 'test-results/e2e-artifacts',
  webServer: [
    {
      command: `rm -rf '${repositories}' && mkdir -p '${repositories}' && node ../../.yarn/releases/yarn-4.13.0.cjs start ${e2eConfig}`,
      cwd: 'packages/backend',
      url: `http://localhost:${port}/.backstage/health/v1/readiness`,
      reuseExistingServer: false,
      timeout: 240_000,
      stdout: 'ignore',
      stderr: 'pipe',
      // PORTAL_E2E_PORT moves the tests' portal (app-config.e2e.yaml says 7017),
      // so that two checkouts can run their browser tests side by side
      env: portalEnv,
    },
    {
      command: `node --require @backstage/cli/config/nodeTransform.cjs ../stackpro-sandbox/src/main.ts ${e2eConfig}`,
      cwd: 'packages/backend',
      url: `http://127.0.0.1:${sandboxPort}/`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: portalEnv,
    },
  ],
  use: {
    baseURL: `http://localhost:${port}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
