import { expect, test } from '@playwright/test';
import { signedIn } from './session';

const shots = 'test-results/screenshots';

test.describe('feature flags on the embedded provider', () => {
  test('an admin toggles staging, asks for production (a toggle and a rollout, with its diff), a second admin approves, an engineer sees no toggles', async ({
    browser,
  }) => {
    // three people, two change requests and their approvals on a shared 2-core machine
    test.setTimeout(420_000);
    const amara = await signedIn(browser, 'Amara Okafor');
    let page = amara.page;
    await page
      .getByTestId('sidebar-root')
      .getByRole('link', { name: 'Feature flags' })
      .click();
    await expect(page).toHaveURL(/\/feature-flags/);
    const row = page.getByTestId('flag-row-CAP_MESSAGING_ENABLED');
    await expect(row).toBeVisible();

    // a non-protected environment: confirm, and it is on
    const staging = page.getByRole('checkbox', {
      name: 'CAP_MESSAGING_ENABLED in staging',
    });
    await expect(staging).not.toBeChecked();
    await staging.click();
    await expect(page.getByRole('dialog')).toContainText(
      'Turn on CAP_MESSAGING_ENABLED in staging?',
    );
    await page.getByRole('button', { name: 'Turn on' }).dblclick();
    await expect(page.getByRole('status')).toContainText(
      'CAP_MESSAGING_ENABLED is on in staging',
    );
    await expect(staging).toBeChecked();
    await expect(row).toContainText('amara.okafor');

    // production is protected: a change request with a reason
    await page
      .getByRole('checkbox', { name: 'CAP_MESSAGING_ENABLED in production' })
      .click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('another admin approves');
    await expect(
      page.getByRole('button', { name: 'Request change' }),
    ).toBeDisabled();
    await page
      .getByRole('textbox', { name: 'Reason' })
      .fill('Messaging v1 passed the staging soak');
    await page.getByRole('button', { name: 'Request change' }).click();
    await expect(page.getByRole('status')).toContainText(
      'waits for another admin',
    );
    const request = page.getByTestId('change-request-CAP_MESSAGING_ENABLED');
    await expect(request).toContainText('waiting for another admin');
    await expect(
      page.getByRole('checkbox', {
        name: 'CAP_MESSAGING_ENABLED in production',
      }),
    ).not.toBeChecked();

    // production targeting is a change request too, shown with its diff
    await page.getByRole('button', { name: 'CAP_BILLING_ENABLED' }).click();
    const details = page.getByRole('dialog');
    await details.getByRole('combobox', { name: 'Environment' }).click();
    await page.getByRole('option', { name: 'production' }).click();
    await expect(
      details.getByRole('button', { name: 'Request targeting change' }),
    ).toBeDisabled();
    await details
      .getByRole('textbox', { name: 'Rollout percentage' })
      .fill('25');
    await details
      .getByRole('textbox', { name: 'Targeting reason' })
      .fill('Billing v1 ramp-up: a quarter of production');
    await details
      .getByRole('button', { name: 'Request targeting change' })
      .click();
    await expect(details).toContainText(
      'Change request sent: all tenants, 25% in production waits for another admin',
    );
    await expect(details).toContainText('flexibleRollout · 100%');
    await details.getByRole('button', { name: 'Close' }).click();
    const targeting = page.getByTestId('change-request-CAP_BILLING_ENABLED');
    await expect(targeting).toContainText(
      'CAP_BILLING_ENABLED in production: rollout 100% to 25%',
    );
    await expect(targeting.getByLabel('rollout before')).toHaveText('100%');
    await expect(targeting.getByLabel('rollout after')).toHaveText('25%');
    await page.screenshot({
      path: `${shots}/feature-flags-admin.png`,
      fullPage: true,
    });
    await amara.close();

    const chen = await signedIn(browser, 'Chen Wei');
    page = chen.page;
    await page.goto('/feature-flags');
    const pending = page.getByTestId('change-request-CAP_MESSAGING_ENABLED');
    await expect(pending).toContainText('Messaging v1 passed the staging soak');
    await expect(pending).toContainText('amara.okafor');
    await page.screenshot({
      path: `${shots}/feature-flags-approver.png`,
      fullPage: true,
    });
    await pending.getByRole('button', { name: 'Approve' }).click();
    await expect(pending).toHaveCount(0);
    await expect(
      page.getByRole('checkbox', {
        name: 'CAP_MESSAGING_ENABLED in production',
      }),
    ).toBeChecked();
    await expect(
      page.getByTestId('flag-row-CAP_MESSAGING_ENABLED'),
    ).toContainText('chen.wei');

    // the approver sees the targeting diff, approves it, and exactly that is applied
    const rollout = page.getByTestId('change-request-CAP_BILLING_ENABLED');
    await expect(rollout.getByLabel('rollout after')).toHaveText('25%');
    await expect(rollout).toContainText('amara.okafor');
    await rollout.getByRole('button', { name: 'Approve' }).click();
    await expect(rollout).toHaveCount(0);
    await page.getByRole('button', { name: 'CAP_BILLING_ENABLED' }).click();
    const billing = page.getByRole('dialog');
    await billing.getByRole('combobox', { name: 'Environment' }).click();
    await page.getByRole('option', { name: 'production' }).click();
    await expect(billing).toContainText('flexibleRollout · 25%');
    await billing.getByRole('button', { name: 'Close' }).click();

    // tenant targeting and the evaluation preview on the capability's tab
    await page.goto(
      '/catalog/default/component/stackpro-datalake/feature-flags',
    );
    await page.getByRole('button', { name: 'CAP_DATALAKE_ENABLED' }).click();
    await page.getByRole('textbox', { name: 'Tenant ids' }).fill('acme');
    await page.getByRole('button', { name: 'Save targeting' }).click();
    await expect(page.getByRole('dialog')).toContainText(
      'Saved: tenants acme, 100%',
    );
    await page.getByRole('textbox', { name: 'tenantId' }).fill('acme');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect(page.getByTestId('evaluation-result')).toContainText(
      'isEnabled: true',
    );
    await page.getByRole('textbox', { name: 'tenantId' }).fill('globex');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect(page.getByTestId('evaluation-result')).toContainText(
      'isEnabled: false',
    );
    await page.screenshot({
      path: `${shots}/feature-flags-entity-preview.png`,
      fullPage: true,
    });
    await chen.close();

    const eli = await signedIn(browser, 'Eli Martin');
    page = eli.page;
    await page.goto('/feature-flags');
    await expect(
      page.getByTestId('flag-row-CAP_MESSAGING_ENABLED'),
    ).toBeVisible();
    await expect(page.getByRole('checkbox')).toHaveCount(0);
    await expect(page.getByText('changing them is for admins')).toBeVisible();
    await expect(
      page.getByLabel('CAP_MESSAGING_ENABLED in production: on'),
    ).toBeVisible();
    await expect(page.getByRole('button', { name: 'Approve' })).toHaveCount(0);
    await page.screenshot({
      path: `${shots}/feature-flags-engineer.png`,
      fullPage: true,
    });
    await eli.close();
  });
});
