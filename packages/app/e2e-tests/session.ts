import { Browser, expect, Page } from '@playwright/test';

/**
 * Signs `page` in with the development sign-in as the seeded user shown as
 * `displayName` (the sign-in page lists them); by default waits for the home
 * page, whose Stacks summary every role has.
 */
export async function signInAs(
  page: Page,
  displayName: string,
  options: { waitForHome?: boolean } = {},
) {
  await page.goto('/');
  await page.getByRole('button', { name: `Sign in as ${displayName}` }).click();
  if (options.waitForHome ?? true) {
    await expect(page.getByText('Stacks summary').first()).toBeVisible();
  }
}

/**
 * A browser context of its own (cookies, storage) signed in as `displayName`,
 * so that several people can act in one test; `close()` ends it.
 */
export async function signedIn(
  browser: Browser,
  displayName: string,
  options: { acceptDownloads?: boolean; waitForHome?: boolean } = {},
) {
  const context = await browser.newContext({
    acceptDownloads: options.acceptDownloads,
  });
  const page = await context.newPage();
  await signInAs(page, displayName, options);
  return { page, close: () => context.close() };
}
