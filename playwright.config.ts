import { defineConfig } from '@playwright/test';

/**
 * Browser tests: the built portal, started on its own port with in-memory
 * databases, driven in Debian's Chromium (never a downloaded browser).
 */
const port = Number(process.env.PORTAL_E2E_PORT ?? 7017);
const chromium = process.env.PORTAL_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'test-results/e2e-report' }]],
  outputDir: 'test-results/e2e-artifacts',
  webServer: {
    command: `node ../../.yarn/releases/yarn-4.13.0.cjs start --config ../../app-config.yaml --config ../../packages/app/e2e-tests/app-config.e2e.yaml`,
    cwd: 'packages/backend',
    url: `http://localhost:${port}/.backstage/health/v1/readiness`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
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
