import { expect, Page, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expectOpensAPage } from './layout';
import { signedIn } from './session';

const shots = 'test-results/screenshots';
const downloads = 'test-results/downloads';

/** Turns a flag on or off in development from the Flags page's matrix. */
async function toggleInDevelopment(page: Page, flag: string) {
  await page.getByRole('checkbox', { name: `${flag} in development` }).click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /^Turn (on|off)$/ })
    .click();
  await expect(page.getByRole('status')).toContainText(`${flag} is`);
}

test.describe('compliance audit log', () => {
  test('an admin deletes an entity; compliance finds it, exports CSV, and the manifest verifies', async ({
    browser,
  }) => {
    const admin = await signedIn(browser, 'Amara Okafor', {
      acceptDownloads: true,
    });
    await admin.page.goto('/catalog/default/component/stackpro-ai');
    await admin.page.getByRole('button', { name: 'More actions' }).click();
    await admin.page
      .getByRole('menuitem', { name: 'Unregister entity' })
      .click();
    await admin.page.getByRole('button', { name: 'Delete Entity' }).click();
    await expect(admin.page).toHaveURL(/\/catalog(\?|$)/);
    await admin.close();

    const compliance = await signedIn(browser, 'Priya Nair', {
      acceptDownloads: true,
    });
    const page = compliance.page;
    await page
      .getByTestId('sidebar-root')
      .getByRole('link', { name: 'Compliance' })
      .click();
    await expect(page).toHaveURL(/\/compliance/);
    await expect(page.getByTestId('audit-chain-status').first()).toContainText(
      'verified up to',
      {
        ignoreCase: true,
      },
    );

    const deletion = page
      .locator('[data-testid^="audit-row-"]')
      .filter({ hasText: 'entity-mutate' })
      .filter({ hasText: /amara/i })
      .first();
    await expect(deletion).toBeVisible();
    await page.screenshot({ path: `${shots}/compliance.png`, fullPage: true });
    await deletion.click();
    const drawer = page.getByTestId('audit-event-drawer');
    await expect(drawer).toContainText('amara.okafor');
    await expect(drawer).toContainText('DELETE');
    await page.screenshot({
      path: `${shots}/compliance-drawer.png`,
      fullPage: true,
    });
    await page.keyboard.press('Escape');

    await page.getByTestId('audit-export-button').click();
    await page.getByRole('button', { name: 'Export CSV' }).click();
    fs.mkdirSync(downloads, { recursive: true });
    const [fileDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download file' }).click(),
    ]);
    const file = path.join(downloads, fileDownload.suggestedFilename());
    await fileDownload.saveAs(file);
    const [manifestDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download manifest' }).click(),
    ]);
    const manifest = path.join(downloads, manifestDownload.suggestedFilename());
    await manifestDownload.saveAs(manifest);
    await page.screenshot({
      path: `${shots}/compliance-export.png`,
      fullPage: true,
    });
    await compliance.close();

    // the documented offline check an auditor runs
    const out = execFileSync('node', [
      'scripts/verify-audit-export.mjs',
      file,
      manifest,
    ]).toString();
    expect(out).toMatch(/^VERIFIED: /);
    expect(fs.readFileSync(file, 'utf8')).toContain('entity-mutate');
  });

  test('an engineer sees no Compliance page and the API refuses them', async ({
    browser,
  }) => {
    const engineer = await signedIn(browser, 'Eli Martin', {
      acceptDownloads: true,
    });
    const page = engineer.page;
    await expect(
      page
        .getByTestId('sidebar-root')
        .getByRole('link', { name: 'Compliance' }),
    ).toHaveCount(0);
    await page.goto('/compliance');
    await expect(
      page.getByText('You need the compliance or admin role'),
    ).toBeVisible();
    await page.screenshot({
      path: `${shots}/compliance-refused.png`,
      fullPage: true,
    });
    const status = await page.evaluate(async () => {
      const token = await fetch('/api/auth/development/refresh', {
        headers: {
          'x-stack-portal-user': 'eli.martin',
          'X-Requested-With': 'XMLHttpRequest',
        },
      }).then(r => r.json());
      const res = await fetch('/api/audit-log/events', {
        headers: { Authorization: `Bearer ${token.backstageIdentity.token}` },
      });
      return res.status;
    });
    expect(status).toBe(403);
    await engineer.close();
  });

  test("a flag's toggle shows once on its capability's Audit tab, links to the flag, and the flag's dialog tells its history; engineers get no Audit tab", async ({
    browser,
  }) => {
    test.setTimeout(300_000);
    const admin = await signedIn(browser, 'Chen Wei');
    let page = admin.page;
    const flag = 'CAP_MESSAGING_DEGRADED';
    await page.goto('/feature-flags');
    await toggleInDevelopment(page, flag);

    // the flag's dialog, opened from its address: links and its history
    await page.goto(`/feature-flags?flag=stackpro%2F${flag}`);
    const dialog = page.getByRole('dialog');
    await expect(
      dialog.getByTestId('flag-links').getByRole('link', {
        name: 'StackPro Messaging',
      }),
    ).toBeVisible();
    await expect(
      dialog.getByTestId('flag-history-entry').first(),
    ).toContainText('Toggled in development');
    await page.screenshot({
      path: `${shots}/feature-flag-history.png`,
      fullPage: true,
    });

    // the capability's Audit tab: the toggle once (started and succeeded in one row)
    await page.goto('/catalog/default/component/stackpro-messaging/audit');
    const toggles = page
      .locator('[data-testid^="audit-row-"]')
      .filter({ hasText: 'flag-toggle' })
      .filter({ hasText: flag });
    await expect(toggles).toHaveCount(1);
    await expect(toggles).toContainText('Succeeded');
    await page.screenshot({
      path: `${shots}/entity-audit-tab.png`,
      fullPage: true,
    });
    // its target opens the flag, not a 404
    await toggles.click();
    await expectOpensAPage(
      page,
      page
        .getByTestId('audit-event-drawer')
        .getByRole('link', { name: `feature-flag:stackpro/${flag}` }),
      new RegExp(flag),
    );
    await expect(page).toHaveURL(/\/feature-flags\?flag=/);

    // the Compliance page offers the actions the log holds, and date presets
    await page.goto('/compliance');
    await page.getByTestId('audit-filter-action').click();
    await page.getByRole('option', { name: 'flag-toggle' }).click();
    await page.keyboard.press('Escape');
    await expect(page).toHaveURL(/action=flag-toggle/);
    await page.getByRole('button', { name: 'Last 24 hours' }).click();
    await expect(page).toHaveURL(/from=/);
    await expect(
      page.locator('[data-testid^="audit-row-"]').filter({ hasText: flag }),
    ).toHaveCount(1);
    await page.screenshot({
      path: `${shots}/compliance-filters.png`,
      fullPage: true,
    });

    // the tests that follow share this portal (the health test expects
    // Messaging up): the flag goes back to how it was
    await page.goto('/feature-flags');
    await toggleInDevelopment(page, flag);
    await admin.close();

    // an engineer: no Audit tab that would only refuse them
    const engineer = await signedIn(browser, 'Eli Martin');
    page = engineer.page;
    await page.getByRole('link', { name: 'Stacks' }).first().click();
    await page
      .getByRole('link', { name: 'Communication Stack' })
      .first()
      .click();
    await expect(page.getByTestId('entity-relations')).toBeVisible();
    await expect(
      page.locator('a[href$="/communication-stack/audit"]'),
    ).toHaveCount(0);
    await expect(
      page.locator('a[href$="/communication-stack/docs"]').first(),
    ).toBeVisible();
    await engineer.close();
  });
});
