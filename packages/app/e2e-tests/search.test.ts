import { expect, Page, test } from '@playwright/test';
import { brokenWords } from './layout';
import { signInAs } from './session';

const shots = 'test-results/screenshots';

/** The search page's results, in order (the list items of its content). */
const results = (page: Page) => page.getByRole('article').getByRole('listitem');

// result titles are highlighted word by word and have no accessible name in
// this Backstage version: they are found by their address
const FLAG_LINK =
  'a[href="/feature-flags?flag=stackpro%2FCAP_MESSAGING_ENABLED"]';
const STACK_LINK = 'a[href="/catalog/default/system/communication-stack"]';

/**
 * Opens the search page at `term` until the collators (a few seconds after
 * the portal starts) have indexed what `ready` waits for.
 */
async function searchUntil(
  page: Page,
  term: string,
  ready: () => Promise<void>,
) {
  await expect(async () => {
    await page.goto(`/search?query=${encodeURIComponent(term)}`);
    await ready();
  }).toPass({ timeout: 90_000 });
}

test.describe('Search', () => {
  test('an engineer searches a flag by its name: the flag comes first and opens its dialog', async ({
    page,
  }) => {
    await signInAs(page, 'Omar Haddad');
    await searchUntil(page, 'CAP_MESSAGING_ENABLED', async () => {
      await expect(
        results(page).first().getByTestId('flag-search-result'),
      ).toBeVisible({ timeout: 5_000 });
    });
    const first = results(page).first();
    await expect(first.locator(FLAG_LINK)).toHaveText('CAP_MESSAGING_ENABLED');
    await expect(first).toContainText('Feature flag');
    await expect(first).toContainText('Stack:');
    // the other results follow, loose hits on the words
    expect(await results(page).count()).toBeGreaterThan(1);
    await page.screenshot({
      path: `${shots}/search-flag.png`,
      fullPage: true,
    });

    // the sidebar's search box puts it first too
    await page.goto('/');
    await page.getByRole('button', { name: 'Search' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox').fill('cap_messaging_enabled');
    await expect(dialog.locator('li a').first()).toHaveText(
      'CAP_MESSAGING_ENABLED',
    );
    await page.keyboard.press('Escape');

    await page.goto('/search?query=CAP_MESSAGING_ENABLED');
    await results(page).first().locator(FLAG_LINK).click();
    await expect(page).toHaveURL(
      /\/feature-flags\?flag=stackpro%2FCAP_MESSAGING_ENABLED/,
    );
    await expect(
      page.getByRole('dialog').getByText('CAP_MESSAGING_ENABLED').first(),
    ).toBeVisible();
  });

  test('an engineer finds a stack by its tag', async ({ page }) => {
    await signInAs(page, 'Omar Haddad');
    // "realtime" is a tag of Communication Stack (its description says
    // "Real-time") and of its domain, AI & Communication
    await searchUntil(page, 'realtime', async () => {
      await expect(
        results(page)
          .locator(STACK_LINK)
          .filter({ hasText: 'Communication Stack' }),
      ).toBeVisible({ timeout: 5_000 });
    });
    const stack = results(page).filter({ has: page.locator(STACK_LINK) });
    await expect(stack).toContainText('Kind: System');
    await expect(stack).toContainText('Tags: websocket, realtime, chat');
    // results wrap between words, not inside one beside a highlight
    expect(await brokenWords(page, 'article li')).toEqual([]);
    await page.screenshot({
      path: `${shots}/search-stack-tag.png`,
      fullPage: true,
    });
  });

  test('decisions are a result type of their own, with status and stack', async ({
    page,
  }) => {
    await signInAs(page, 'Omar Haddad');
    // the decision that made messaging StackPro's first capability is Communication Stack's
    await searchUntil(page, 'messaging', async () => {
      await expect(
        results(page).getByTestId('adr-search-result').first(),
      ).toBeVisible({ timeout: 5_000 });
    });
    await page
      .getByRole('button', { name: /^Decisions/ })
      .first()
      .click();
    await expect(page).toHaveURL(/types/);
    await expect(
      results(page).first().getByTestId('adr-search-result'),
    ).toBeVisible();
    // every result is a decision
    const count = await results(page).count();
    await expect(results(page).getByTestId('adr-search-result')).toHaveCount(
      count,
    );
    const stackproDecision = results(page)
      .filter({ hasText: 'Communication Stack' })
      .first();
    await expect(stackproDecision).toContainText(
      /Accepted|Proposed|Superseded|Deprecated|Rejected/,
    );
    await expect(
      stackproDecision.getByRole('link', { name: 'Communication Stack' }),
    ).toHaveAttribute('href', '/catalog/default/system/communication-stack');
    await page.screenshot({
      path: `${shots}/search-decisions.png`,
      fullPage: true,
    });
  });
});
