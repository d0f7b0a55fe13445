import { Browser, expect, Page, test } from '@playwright/test';

const shots = 'test-results/screenshots';

async function signInAs(page: Page, displayName: string) {
  await page.goto('/');
  await page.getByRole('button', { name: `Sign in as ${displayName}` }).click();
}

/** A fresh browser (no remembered user) signed in as one person. */
async function freshSignIn(browser: Browser, displayName: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, displayName);
  return { page, close: () => context.close() };
}

test.describe('Stack Portal foundation', () => {
  test('each seeded role can sign in with the development sign-in', async ({ page, browser }) => {
    await page.goto('/');
    await expect(page.getByTestId('user-card-amara.okafor')).toContainText('admin');
    await expect(page.getByTestId('user-card-priya.nair')).toContainText('compliance');
    await expect(page.getByTestId('user-card-eli.martin')).toContainText('engineer');
    await page.screenshot({ path: `${shots}/sign-in.png`, fullPage: true });

    for (const name of ['Amara Okafor', 'Priya Nair', 'Eli Martin']) {
      const session = await freshSignIn(browser, name);
      await expect(session.page.getByText('Stacks summary').first()).toBeVisible();
      await session.page.screenshot({ path: `${shots}/home-${name.split(' ')[0].toLowerCase()}.png`, fullPage: true });
      if (name === 'Eli Martin') {
        // Eli is in the Identity team, which owns the Auth and Security stacks
        const mine = session.page.getByRole('list', { name: 'My entities' });
        await expect(mine).toContainText('Auth Stack');
        await expect(mine).toContainText('Security Stack');
      }
      await session.close();
    }
  });

  test('an engineer opens the Stacks page, filters it and opens a stack', async ({ page }) => {
    await signInAs(page, 'Eli Martin');
    await page.getByRole('link', { name: 'Stacks' }).first().click();
    await expect(page).toHaveURL(/\/stacks/);

    const rows = page.locator('[data-testid^="stack-row-"]');
    await expect(rows).toHaveCount(21);
    for (const domain of [
      'Core Infrastructure',
      'Business & Product',
      'AI & Communication',
      'Developer Experience',
    ]) {
      await expect(page.getByRole('heading', { name: domain })).toBeVisible();
    }
    await page.screenshot({ path: `${shots}/stacks.png`, fullPage: true });

    await page.getByLabel('Priority').click();
    await page.getByRole('option', { name: /critical/i }).click();
    await page.keyboard.press('Escape');
    await expect(rows).toHaveCount(5);
    await expect(page).toHaveURL(/priority=critical/);

    await page.getByLabel('Documentation status').click();
    await page.getByRole('option', { name: /incomplete/i }).click();
    await page.keyboard.press('Escape');
    await expect(rows).toHaveCount(1);
    await expect(page.getByTestId('stack-row-integration-stack')).toBeVisible();
    await page.screenshot({ path: `${shots}/stacks-filtered.png`, fullPage: true });

    // a shared, filtered URL reloads to the same view
    await page.reload();
    await expect(rows).toHaveCount(1);

    await page
      .getByTestId('stack-row-integration-stack')
      .getByRole('link', { name: 'Integration Stack' })
      .click();
    await expect(page).toHaveURL(/\/catalog\/default\/system\/integration-stack/);
    await expect(page.getByText('No User Features section yet')).toBeVisible();
    await page.screenshot({ path: `${shots}/stack-system-page.png`, fullPage: true });
  });
});
