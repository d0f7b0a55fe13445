import {
  CloudWatchClient,
  ListDashboardsCommand,
  MetricDatum,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { signInAs } from './session';

const shots = 'test-results/screenshots';
// the sandbox's moto (playwright.config.ts), there when moto_server is on the PATH
const motoUrl = process.env.PORTAL_E2E_MOTO_URL;
const motoOnPath = (process.env.PATH ?? '')
  .split(path.delimiter)
  .some(dir => existsSync(path.join(dir, 'moto_server')));
const MINUTE_MS = 60_000;
const MINUTES = 90;

/** Requests per minute of each capability, so the Metrics page has an order to show. */
const TRAFFIC = { messaging: 120, datalake: 40, ai: 80, billing: 20 };

/** Publishes the last minutes of a capability as the StackPro runtime does. */
async function publish(
  client: CloudWatchClient,
  capability: string,
  perMinute: number,
) {
  const Dimensions = [{ Name: 'capability', Value: capability }];
  const end = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  const data: MetricDatum[] = [];
  for (let i = 1; i <= MINUTES; i++) {
    const Timestamp = new Date(end - i * MINUTE_MS + MINUTE_MS / 2);
    const errors = i % 15 === 0 ? 3 : 0;
    data.push(
      {
        MetricName: 'success',
        Dimensions,
        Timestamp,
        Value: perMinute - errors,
        Unit: 'Count',
      },
      {
        MetricName: 'error',
        Dimensions,
        Timestamp,
        Value: errors,
        Unit: 'Count',
      },
      {
        MetricName: 'degraded',
        Dimensions,
        Timestamp,
        Value: i % 30 === 0 ? 2 : 0,
        Unit: 'Count',
      },
      {
        MetricName: 'breaker.open',
        Dimensions,
        Timestamp,
        Value: 0,
        Unit: 'Count',
      },
      {
        MetricName: 'latency.p95',
        Dimensions,
        Timestamp,
        Values: [35, 60, 90, 140 + (i % 7) * 10],
        Counts: [1, 1, 1, 1],
        Unit: 'Milliseconds',
      },
    );
  }
  const BATCH = 500;
  for (let i = 0; i < data.length; i += BATCH) {
    await client.send(
      new PutMetricDataCommand({
        Namespace: 'stackpro.capability',
        MetricData: data.slice(i, i + BATCH),
      }),
    );
  }
}

test.describe('CloudWatch metrics', () => {
  test.skip(
    !motoUrl || !motoOnPath,
    '#### moto_server is NOT on the PATH: the CloudWatch browser test is SKIPPED ####',
  );

  let cloudwatch: CloudWatchClient;

  test.beforeAll(async () => {
    cloudwatch = new CloudWatchClient({
      region: 'us-west-2',
      endpoint: motoUrl,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      disableRequestCompression: true,
    });
    for (const [capability, perMinute] of Object.entries(TRAFFIC)) {
      await publish(cloudwatch, capability, perMinute);
    }
  });

  test.afterAll(() => cloudwatch?.destroy());

  test("a capability's Metrics tab shows its metrics, alarms and dashboard; the Metrics page lists all four", async ({
    page,
  }) => {
    test.setTimeout(300_000);
    // the portal creates the dashboards and alarms the catalog names in the
    // local CloudWatch shortly after it starts
    await expect(async () => {
      const { DashboardEntries } = await cloudwatch.send(
        new ListDashboardsCommand({}),
      );
      expect(DashboardEntries?.map(d => d.DashboardName)).toContain(
        'StackPro-Messaging-Sandbox',
      );
    }).toPass({ timeout: 120_000 });

    await signInAs(page, 'Eli Martin');
    await page.goto(
      '/catalog/default/component/stackpro-messaging/metrics?range=3h',
    );

    const metrics = page.getByRole('region', { name: 'Metrics' });
    // ours (10,800 requests) and whatever the sandbox served meanwhile
    await expect(metrics.getByTestId('figure-Requests')).toHaveText(
      /^1\d[.,]\d k$/,
    );
    await expect(metrics.getByTestId('figure-Availability')).toContainText('%');
    await expect(
      metrics.getByRole('img', { name: 'Request volume chart' }),
    ).toBeVisible();
    await expect(
      metrics.getByRole('img', { name: 'Latency chart' }),
    ).toBeVisible();
    await expect(metrics).toContainText('P95 objective');

    const alarms = page.getByRole('region', { name: 'Alarms' });
    await expect(alarms.getByRole('table', { name: 'Alarms' })).toContainText(
      'StackPro-Messaging-Errors',
    );
    const dashboard = page.getByRole('region', { name: 'Dashboard' });
    await expect(
      dashboard.getByRole('img', { name: 'Messaging P95 Latency chart' }),
    ).toBeVisible();
    await expect(dashboard.getByTestId('unsupported-widget')).toContainText(
      'not drawn in the portal',
    );
    await page.screenshot({ path: `${shots}/metrics-tab.png`, fullPage: true });

    // the range is in the URL and changes what is asked
    await page.getByRole('button', { name: 'Last 1h' }).click();
    await expect(page).toHaveURL(/range=1h/);
    await expect(metrics.getByTestId('figure-Requests')).toHaveText(
      /^[0-9,.]+( k)?$/,
    );

    // the sidebar links the page (it may be scrolled out of view)
    await expect(
      page.getByTestId('sidebar-root').getByRole('link', { name: 'Metrics' }),
    ).toHaveAttribute('href', '/metrics');
    await page.goto('/metrics');
    await expect(page).toHaveURL(/\/metrics/);
    const rows = page.getByTestId('overview-row');
    await expect(rows).toHaveCount(4);
    await page.getByRole('button', { name: 'Requests' }).click();
    await expect(rows.first()).toContainText('StackPro Messaging');
    await expect(
      page.getByText(/read with 1 GetMetricData request/),
    ).toBeVisible();
    await page.screenshot({
      path: `${shots}/metrics-page.png`,
      fullPage: true,
    });

    await rows
      .first()
      .getByRole('link', { name: 'StackPro Messaging' })
      .click();
    await expect(page).toHaveURL(
      /\/catalog\/default\/component\/stackpro-messaging/,
    );
  });
});
