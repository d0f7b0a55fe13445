import { expect, test } from '@playwright/test';
import { signedIn } from './session';

const shots = 'test-results/screenshots';
// first loads of a page (and the first probes) are slow on a shared machine
const slow = { timeout: 90_000 };
const sandboxUrl = `http://127.0.0.1:${
  Number(process.env.PORTAL_E2E_PORT ?? 7017) + 1000
}`;

test.describe('health probes of the StackPro sandbox', () => {
  test('an admin turns on CAP_MESSAGING_DEGRADED and the Health tab shows Messaging degraded within a probe interval', async ({
    browser,
  }) => {
    // the first probes wait for the portal's catalog; pages load slowly on a shared machine
    test.setTimeout(480_000);
    const amara = await signedIn(browser, 'Amara Okafor');
    const page = amara.page;

    // the four capabilities are probed and up on the Health page
    await page.goto('/health');
    const messagingRow = page.getByTestId(
      'health-row-component:default/stackpro-messaging',
    );
    await expect(messagingRow.getByTestId('health-status')).toHaveText(
      'Up',
      slow,
    );
    // the others answer too; the flags browser test, which runs before this
    // one on the same portal, targets Data Lake to one tenant in development
    // (the environment the sandbox reads), so it may answer as disabled
    for (const name of ['datalake', 'ai', 'billing']) {
      await expect(
        page
          .getByTestId(`health-row-component:default/stackpro-${name}`)
          .getByTestId('health-status'),
      ).toHaveText(name === 'datalake' ? /^(Up|Disabled)$/ : 'Up');
    }
    await page.screenshot({ path: `${shots}/health-page.png`, fullPage: true });

    // the Messaging Health tab is open (it refreshes at the probe interval) ...
    const tab = await page.context().newPage();
    // what goes wrong in the tab is in the test's output
    /* eslint-disable no-console */
    tab.on('pageerror', e => console.log(`health tab error: ${e.stack}`));
    tab.on('console', m => {
      if (m.type() === 'error') console.log(`health tab console: ${m.text()}`);
    });
    await tab.goto('/catalog/default/component/stackpro-messaging/health');
    const tabStatus = tab.getByTestId('health-status').first();
    try {
      // the tab's first load fetches the charts' code too: slow on a shared machine
      await expect(tabStatus).toHaveText('Up', slow);
    } finally {
      await tab.screenshot({ path: `${shots}/health-entity-up.png` });
    }

    // ... while the admin forces Messaging into degraded mode on the Flags page
    await page.goto('/feature-flags');
    const degraded = page.getByRole('checkbox', {
      name: 'CAP_MESSAGING_DEGRADED in development',
    });
    await expect(degraded).not.toBeChecked(slow);
    await degraded.click();
    await page.getByRole('button', { name: 'Turn on' }).click();
    await expect(degraded).toBeChecked(slow);
    const toggledAt = Date.now();

    // the tab shows it degraded after the sandbox's next flag poll (5 s), one
    // probe (3 s here) and the tab's next refresh (3 s)
    await expect(tabStatus).toHaveText('Degraded', { timeout: 30_000 });
    console.log(
      `Health tab degraded ${Date.now() - toggledAt} ms after the toggle`,
    );
    /* eslint-enable no-console */
    await expect(tab.getByTestId('slo-1h')).toContainText('Degraded');
    await tab.screenshot({
      path: `${shots}/health-entity-degraded.png`,
      fullPage: true,
    });

    // and the sandbox's own answers carry degraded: true
    const health = await (
      await fetch(`${sandboxUrl}/messaging/v1/health`)
    ).json();
    expect(health).toMatchObject({ status: 'degraded', degraded: true });

    // discovery says the same
    const discovery = await page.evaluate(async () => {
      const token = await fetch('/api/auth/development/refresh', {
        headers: {
          'x-stack-portal-user': 'amara.okafor',
          'X-Requested-With': 'XMLHttpRequest',
        },
      }).then(r => r.json());
      const r = await fetch('/api/health/capabilities', {
        headers: { authorization: `Bearer ${token.backstageIdentity.token}` },
      });
      return r.json();
    });
    expect(
      discovery.capabilities.find(
        (c: { name: string }) => c.name === 'messaging',
      ),
    ).toMatchObject({
      degraded: true,
      enabled: true,
      health: { status: 'degraded' },
    });

    // the status page says so to everybody signed in
    await page.goto('/status');
    await expect(page.getByTestId('status-banner')).toContainText(
      'Degraded: StackPro Messaging',
      slow,
    );

    // back to normal, so other tests see a healthy sandbox
    await page.goto('/feature-flags');
    await page
      .getByRole('checkbox', { name: 'CAP_MESSAGING_DEGRADED in development' })
      .click();
    await page.getByRole('button', { name: 'Turn off' }).click();
    await expect(
      page.getByRole('checkbox', {
        name: 'CAP_MESSAGING_DEGRADED in development',
      }),
    ).not.toBeChecked();
    await amara.close();
  });
});
