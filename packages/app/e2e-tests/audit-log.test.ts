import { Browser, expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const shots = 'test-results/screenshots';
const downloads = 'test-results/downloads';

async function signedIn(browser: Browser, displayName: string) {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByRole('button', { name: `Sign in as ${displayName}` }).click();
  await expect(page.getByText('Stacks summary').first()).toBeVisible();
  return { page, close: () => context.close() };
}

test.describe('compliance audit log', () => {
  test('an admin deletes an entity; compliance finds it, exports CSV, and the manifest verifies', async ({
    browser,
  }) => {
    const admin = await signedIn(browser, 'Amara Okafor');
    await admin.page.goto('/catalog/default/component/stackpro-ai');
    await admin.page.getByRole('button', { name: 'More actions' }).click();
    await admin.page.getByRole('menuitem', { name: 'Unregister entity' }).click();
    await admin.page.getByRole('button', { name: 'Delete Entity' }).click();
    await expect(admin.page).toHaveURL(/\/catalog(\?|$)/);
    await admin.close();

    const compliance = await signedIn(browser, 'Priya Nair');
    const page = compliance.page;
    await page.getByTestId('sidebar-root').getByRole('link', { name: 'Compliance' }).click();
    await expect(page).toHaveURL(/\/compliance/);
    await expect(page.getByTestId('audit-chain-status').first()).toContainText('verified up to', {
      ignoreCase: true,
    });

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
    await page.screenshot({ path: `${shots}/compliance-drawer.png`, fullPage: true });
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
    await page.screenshot({ path: `${shots}/compliance-export.png`, fullPage: true });
    await compliance.close();

    // the documented offline check an auditor runs
    const out = execFileSync('node', ['scripts/verify-audit-export.mjs', file, manifest]).toString();
    expect(out).toMatch(/^VERIFIED: /);
    expect(fs.readFileSync(file, 'utf8')).toContain('entity-mutate');
  });

  test('an engineer sees no Compliance page and the API refuses them', async ({ browser }) => {
    const engineer = await signedIn(browser, 'Eli Martin');
    const page = engineer.page;
    await expect(page.getByTestId('sidebar-root').getByRole('link', { name: 'Compliance' })).toHaveCount(0);
    await page.goto('/compliance');
    await expect(page.getByText('You need the compliance or admin role')).toBeVisible();
    await page.screenshot({ path: `${shots}/compliance-refused.png`, fullPage: true });
    const status = await page.evaluate(async () => {
      const token = await fetch('/api/auth/development/refresh', {
        headers: { 'x-stack-portal-user': 'eli.martin', 'X-Requested-With': 'XMLHttpRequest' },
      }).then(r => r.json());
      const res = await fetch('/api/audit-log/events', {
        headers: { Authorization: `Bearer ${token.backstageIdentity.token}` },
      });
      return res.status;
    });
    expect(status).toBe(403);
    await engineer.close();
  });
});
