import { Browser, expect, test } from '@playwright/test';

const shots = 'test-results/screenshots';

async function signedIn(browser: Browser, displayName: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/');
  await page.getByRole('button', { name: `Sign in as ${displayName}` }).click();
  await expect(page.getByText('Stacks summary').first()).toBeVisible();
  return { page, close: () => context.close() };
}

test.describe('feature flags on the embedded provider', () => {
  test('an admin toggles staging, asks for production, a second admin approves, an engineer sees no toggles', async ({
    browser,
  }) => {
    const amara = await signedIn(browser, 'Amara Okafor');
    let page = amara.page;
    await page.getByTestId('sidebar-root').getByRole('link', { name: 'Feature flags' }).click();
    await expect(page).toHaveURL(/\/feature-flags/);
    const row = page.getByTestId('flag-row-CAP_MESSAGING_ENABLED');
    await expect(row).toBeVisible();

    // a non-protected environment: confirm, and it is on
    const staging = page.getByRole('checkbox', { name: 'CAP_MESSAGING_ENABLED in staging' });
    await expect(staging).not.toBeChecked();
    await staging.click();
    await expect(page.getByRole('dialog')).toContainText('Turn on CAP_MESSAGING_ENABLED in staging?');
    await page.getByRole('button', { name: 'Turn on' }).dblclick();
    await expect(page.getByRole('status')).toContainText('CAP_MESSAGING_ENABLED is on in staging');
    await expect(staging).toBeChecked();
    await expect(row).toContainText('amara.okafor');

    // production is protected: a change request with a reason
    await page.getByRole('checkbox', { name: 'CAP_MESSAGING_ENABLED in production' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('another admin approves');
    await expect(page.getByRole('button', { name: 'Request change' })).toBeDisabled();
    await page.getByRole('textbox', { name: 'Reason' }).fill('Messaging v1 passed the staging soak');
    await page.getByRole('button', { name: 'Request change' }).click();
    await expect(page.getByRole('status')).toContainText('waits for another admin');
    const request = page.getByTestId('change-request-CAP_MESSAGING_ENABLED');
    await expect(request).toContainText('waiting for another admin');
    await expect(page.getByRole('checkbox', { name: 'CAP_MESSAGING_ENABLED in production' })).not.toBeChecked();
    await page.screenshot({ path: `${shots}/feature-flags-admin.png`, fullPage: true });
    await amara.close();

    const chen = await signedIn(browser, 'Chen Wei');
    page = chen.page;
    await page.goto('/feature-flags');
    const pending = page.getByTestId('change-request-CAP_MESSAGING_ENABLED');
    await expect(pending).toContainText('Messaging v1 passed the staging soak');
    await expect(pending).toContainText('amara.okafor');
    await page.screenshot({ path: `${shots}/feature-flags-approver.png`, fullPage: true });
    await pending.getByRole('button', { name: 'Approve' }).click();
    await expect(pending).toHaveCount(0);
    await expect(page.getByRole('checkbox', { name: 'CAP_MESSAGING_ENABLED in production' })).toBeChecked();
    await expect(page.getByTestId('flag-row-CAP_MESSAGING_ENABLED')).toContainText('chen.wei');

    // tenant targeting and the evaluation preview on the capability's tab
    await page.goto('/catalog/default/component/stackpro-datalake/feature-flags');
    await page.getByRole('button', { name: 'CAP_DATALAKE_ENABLED' }).click();
    await page.getByRole('textbox', { name: 'Tenant ids' }).fill('acme');
    await page.getByRole('button', { name: 'Save targeting' }).click();
    await expect(page.getByRole('dialog')).toContainText('Saved: tenants acme, 100%');
    await page.getByRole('textbox', { name: 'tenantId' }).fill('acme');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect(page.getByTestId('evaluation-result')).toContainText('isEnabled: true');
    await page.getByRole('textbox', { name: 'tenantId' }).fill('globex');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect(page.getByTestId('evaluation-result')).toContainText('isEnabled: false');
    await page.screenshot({ path: `${shots}/feature-flags-entity-preview.png`, fullPage: true });
    await chen.close();

    const eli = await signedIn(browser, 'Eli Martin');
    page = eli.page;
    await page.goto('/feature-flags');
    await expect(page.getByTestId('flag-row-CAP_MESSAGING_ENABLED')).toBeVisible();
    await expect(page.getByRole('checkbox')).toHaveCount(0);
    await expect(page.getByText('changing them is for admins')).toBeVisible();
    await expect(page.getByLabel('CAP_MESSAGING_ENABLED in production: on')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Approve' })).toHaveCount(0);
    await page.screenshot({ path: `${shots}/feature-flags-engineer.png`, fullPage: true });
    await eli.close();
  });
});
