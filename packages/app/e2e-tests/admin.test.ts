import { expect, Page, test } from '@playwright/test';
import { signedIn } from './session';

const shots = 'test-results/screenshots';
const REASON = 'SUP-321: Eli cannot see the Identity stack';

/** Starts impersonating from the admin console; the portal reloads as the user. */
async function impersonate(page: Page, displayName: string, duration?: string) {
  await page
    .getByTestId('sidebar-root')
    .getByRole('link', { name: 'Admin console' })
    .click();
  await expect(page).toHaveURL(/\/admin/);
  await page
    .getByRole('button', { name: `Impersonate ${displayName}` })
    .click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill(REASON);
  await dialog.getByLabel('Ticket (optional)').fill('SUP-321');
  if (duration) {
    await dialog.getByLabel('Duration').click();
    await page.getByRole('option', { name: duration }).click();
  }
  await page.screenshot({ path: `${shots}/admin-impersonate-dialog.png` });
  await dialog.getByRole('button', { name: 'Start impersonating' }).click();
}

/**
 * The entity's "Raise a ticket" is disabled and its tooltip says `reason`
 * (a write the server would refuse is not offered).
 */
async function expectRaiseTicketDisabled(page: Page, reason: string | RegExp) {
  await page.goto('/catalog/default/component/stackpro-messaging/support');
  const raise = page.getByRole('button', { name: 'Raise a ticket' }).first();
  await expect(raise).toBeDisabled();
  // a disabled button takes no pointer: its wrapper shows the reason
  await page.getByTestId('write-blocked').first().hover();
  await expect(page.getByRole('tooltip')).toContainText(reason);
}

/** What the page's own token may do: the app's identity is the impersonation. */
async function requestAs(page: Page, method: string, url: string) {
  return page.evaluate(
    async ({ method: m, url: u }) => {
      const remembered = JSON.parse(
        window.localStorage.getItem('stack-portal:impersonation') ?? 'null',
      );
      const own = await fetch('/api/auth/development/refresh', {
        headers: {
          'x-stack-portal-user':
            window.localStorage.getItem('stack-portal:dev-user') ?? '',
          'X-Requested-With': 'XMLHttpRequest',
        },
      }).then(r => r.json());
      let token = own.backstageIdentity.token;
      if (remembered) {
        const impersonation = await fetch('/api/auth/impersonation/refresh', {
          headers: {
            Authorization: `Bearer ${token}`,
            'x-stack-portal-impersonation-session': remembered.sessionId,
            'X-Requested-With': 'XMLHttpRequest',
          },
        }).then(r => r.json());
        token = impersonation.backstageIdentity.token;
      }
      const res = await fetch(u, {
        method: m,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        body:
          m === 'GET'
            ? undefined
            : JSON.stringify({ entityRef: 'component:default/stack-portal' }),
      });
      return {
        status: res.status,
        body: await res.json().catch(() => undefined),
      };
    },
    { method, url },
  );
}

test.describe('admin console and impersonation', () => {
  test('an admin sees the portal as an engineer, cannot write, stops; compliance finds the session', async ({
    browser,
  }) => {
    const admin = await signedIn(browser, 'Amara Okafor');
    const page = admin.page;
    await impersonate(page, 'Eli Martin', '15 minutes');

    // the engineer's view with the banner on every page
    const banner = page.getByTestId('impersonation-banner');
    await expect(banner).toContainText(
      'You are impersonating user:default/eli.martin',
    );
    await expect(banner).toContainText(REASON);
    await expect(page.getByTestId('impersonation-countdown')).toHaveText(
      /^1[45]:\d\d$/,
    );
    await expect(
      page
        .getByTestId('sidebar-root')
        .getByRole('link', { name: 'Admin console' }),
    ).toHaveCount(0);
    await expect(
      page
        .getByTestId('sidebar-root')
        .getByRole('link', { name: 'Compliance' }),
    ).toHaveCount(0);
    // his ownership: the home page's "My entities" lists his team's stack
    await expect(
      page.getByRole('link', { name: 'Auth Stack' }).first(),
    ).toBeVisible();
    await page.screenshot({
      path: `${shots}/admin-impersonating-home.png`,
      fullPage: true,
    });
    await page.goto('/admin');
    await expect(page.getByText('You need the admin role')).toBeVisible();
    await expect(banner).toBeVisible();
    await page.goto('/catalog');
    await expect(banner).toBeVisible();
    await page.screenshot({
      path: `${shots}/admin-impersonating-catalog.png`,
      fullPage: true,
    });

    // write buttons are disabled with the reason, not left to fail
    await expectRaiseTicketDisabled(
      page,
      'Read-only while you impersonate eli.martin',
    );
    await page.screenshot({
      path: `${shots}/admin-impersonating-read-only.png`,
      fullPage: true,
    });

    // a write is refused, and the admin console's API refuses the impersonation token
    const write = await requestAs(page, 'POST', '/api/catalog/refresh');
    expect(write.status).toBe(403);
    expect(write.body.error.message).toContain(
      'Read-only: you are impersonating user:default/eli.martin',
    );
    expect((await requestAs(page, 'GET', '/api/admin/directory')).status).toBe(
      403,
    );

    // stop: back to the admin's own identity
    await banner.getByRole('button', { name: 'Stop impersonating' }).click();
    await expect(page).toHaveURL(/\/admin/);
    await expect(page.getByTestId('impersonation-banner')).toHaveCount(0);
    await expect(
      page.getByRole('button', { name: 'Impersonate Eli Martin' }),
    ).toBeEnabled();
    const row = page.locator('[data-testid^="admin-session-"]').first();
    await expect(row).toContainText('eli.martin');
    await expect(row).toContainText('stopped');
    await page.screenshot({
      path: `${shots}/admin-console.png`,
      fullPage: true,
    });
    await admin.close();

    // compliance reconstructs the session from the audit log
    const compliance = await signedIn(browser, 'Priya Nair');
    const audit = compliance.page;
    await audit.goto(
      '/compliance?action=impersonation-start,impersonation-write-refused,impersonation-stop',
    );
    const rows = audit.locator('[data-testid^="audit-row-"]');
    await expect(
      rows.filter({ hasText: 'impersonation-start' }).first(),
    ).toContainText('Amara Okafor');
    const refused = rows
      .filter({ hasText: 'impersonation-write-refused' })
      .first();
    await expect(refused).toContainText('Eli Martin');
    await expect(refused).toContainText(
      /Real actor: .*(Amara Okafor|amara\.okafor)/,
    );
    await expect(
      rows.filter({ hasText: 'impersonation-stop' }).first(),
    ).toBeVisible();
    await audit.screenshot({
      path: `${shots}/admin-compliance-sessions.png`,
      fullPage: true,
    });
    await rows.filter({ hasText: 'impersonation-start' }).first().click();
    await expect(audit.getByTestId('audit-event-drawer')).toContainText(REASON);
    await compliance.close();

    // the engineer is told who viewed the portal as them, and why
    const engineer = await signedIn(browser, 'Eli Martin');
    await engineer.page.goto('/notifications');
    await expect(
      engineer.page
        .getByText('user:default/amara.okafor viewed the portal as you')
        .first(),
    ).toBeVisible();
    await expect(
      engineer.page.getByText(REASON, { exact: false }).first(),
    ).toBeVisible();
    await engineer.page.screenshot({
      path: `${shots}/admin-notification.png`,
      fullPage: true,
    });
    await engineer.close();
  });

  test('maintenance mode shows its message everywhere and refuses engineers changes', async ({
    browser,
  }) => {
    const message = 'Database upgrade until 10:00 UTC';
    const admin = await signedIn(browser, 'Amara Okafor');
    await admin.page.goto('/admin');
    await admin.page.getByLabel('Message').fill(message);
    await admin.page.getByRole('checkbox', { name: 'Off' }).click();
    await expect(
      admin.page.getByRole('checkbox', { name: 'On' }),
    ).toBeChecked();
    // the admin who switched it on sees the banner at once, not at the next poll
    await expect(admin.page.getByTestId('maintenance-banner')).toContainText(
      message,
      { timeout: 5_000 },
    );
    try {
      const engineer = await signedIn(browser, 'Eli Martin');
      const page = engineer.page;
      await expect(page.getByTestId('maintenance-banner')).toContainText(
        message,
      );
      await page.goto('/catalog');
      await expect(page.getByTestId('maintenance-banner')).toContainText(
        message,
      );
      // at the top of the window, with the sidebar starting below it
      const banner = (await page
        .getByTestId('maintenance-banner')
        .boundingBox())!;
      const sidebar = (await page.getByTestId('sidebar-root').boundingBox())!;
      expect(banner.y).toBe(0);
      expect(sidebar.y).toBeGreaterThanOrEqual(banner.y + banner.height - 1);
      await page.screenshot({
        path: `${shots}/admin-maintenance.png`,
        fullPage: true,
      });
      await expectRaiseTicketDisabled(
        page,
        `The portal is in maintenance: writes are paused (${message})`,
      );
      const write = await requestAs(page, 'POST', '/api/catalog/refresh');
      expect(write.status).toBe(503);
      expect(write.body.error.message).toContain(message);
      expect(
        (await requestAs(page, 'GET', '/api/admin/maintenance')).status,
      ).toBe(200);
      await engineer.close();

      // admins may still change things, as the server lets them
      await admin.page.goto(
        '/catalog/default/component/stackpro-messaging/support',
      );
      await expect(
        admin.page.getByRole('button', { name: 'Raise a ticket' }).first(),
      ).toBeEnabled();
      await admin.page.goto('/admin');
    } finally {
      await admin.page.getByRole('checkbox', { name: 'On' }).click();
      await expect(
        admin.page.getByRole('checkbox', { name: 'Off' }),
      ).not.toBeChecked();
      await admin.close();
    }
  });

  test('an engineer gets a refusal page at /admin and a 403 from its API', async ({
    browser,
  }) => {
    const engineer = await signedIn(browser, 'Eli Martin');
    const page = engineer.page;
    await expect(
      page
        .getByTestId('sidebar-root')
        .getByRole('link', { name: 'Admin console' }),
    ).toHaveCount(0);
    await page.goto('/admin');
    await expect(page.getByText('You need the admin role')).toBeVisible();
    await page.screenshot({
      path: `${shots}/admin-refused.png`,
      fullPage: true,
    });
    expect((await requestAs(page, 'GET', '/api/admin/directory')).status).toBe(
      403,
    );
    expect(
      (await requestAs(page, 'GET', '/api/admin/impersonation/sessions'))
        .status,
    ).toBe(403);
    await engineer.close();
  });

  test('a session ends at its expiry and the admin is themselves again', async ({
    browser,
  }) => {
    const admin = await signedIn(browser, 'Chen Wei');
    const page = admin.page;
    // the e2e config makes the default 20 seconds
    await impersonate(page, 'Noah Kim');
    const banner = page.getByTestId('impersonation-banner');
    await expect(banner).toContainText(
      'You are impersonating user:default/noah.kim',
    );
    const remembered = await page.evaluate(() =>
      window.localStorage.getItem('stack-portal:impersonation'),
    );
    const sessionId = JSON.parse(remembered!).sessionId;

    await expect(page.getByTestId('impersonation-banner')).toHaveCount(0, {
      timeout: 45_000,
    });
    await expect(page).toHaveURL(/\/admin/);
    await expect(
      page.getByRole('button', { name: 'Impersonate Noah Kim' }),
    ).toBeVisible();
    await expect(page.getByTestId(`admin-session-${sessionId}`)).toContainText(
      'expired',
    );
    await page.screenshot({
      path: `${shots}/admin-expired.png`,
      fullPage: true,
    });

    // the server ended it: its token is no longer issued
    const renewed = await page.evaluate(async id => {
      const own = await fetch('/api/auth/development/refresh', {
        headers: {
          'x-stack-portal-user': 'chen.wei',
          'X-Requested-With': 'XMLHttpRequest',
        },
      }).then(r => r.json());
      const res = await fetch('/api/auth/impersonation/refresh', {
        headers: {
          Authorization: `Bearer ${own.backstageIdentity.token}`,
          'x-stack-portal-impersonation-session': id,
          'X-Requested-With': 'XMLHttpRequest',
        },
      });
      return res.status;
    }, sessionId);
    expect(renewed).toBe(403);
    await admin.close();
  });
});
