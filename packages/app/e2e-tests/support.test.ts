import { expect, Page, test } from '@playwright/test';
import { signedIn } from './session';

const shots = 'test-results/screenshots';
const MESSAGING = '/catalog/default/component/stackpro-messaging';

async function choose(page: Page, label: string, option: string | RegExp) {
  await page.getByLabel(label).click();
  await page.getByRole('option', { name: option }).click();
}

/** Raises a ticket from the entity's Support tab; returns its number. */
async function raise(
  page: Page,
  ticket: { priority: RegExp; title: string; body: string },
) {
  await page.goto(`${MESSAGING}/support`);
  await page.getByRole('button', { name: 'Raise a ticket' }).first().click();
  const dialog = page.getByRole('dialog');
  await choose(page, 'Type', 'incident');
  await choose(page, 'Priority', ticket.priority);
  await dialog.getByLabel('Title').fill(ticket.title);
  await dialog.getByLabel('Description (markdown)').fill(ticket.body);
  await dialog.getByLabel('Labels (comma-separated)').fill('messaging');
  await dialog.getByRole('button', { name: 'Raise ticket' }).click();
  await expect(page).toHaveURL(/\/support\/tickets\/\d+$/);
  return Number(page.url().split('/').pop());
}

test.describe('support tickets', () => {
  // two people, five pages and an SLA clock to pass: longer than one page's test
  test.setTimeout(360_000);

  test('an engineer raises a P2 on StackPro Messaging; the owning team answers, waits, the requester answers, it is resolved; a P1 breach notifies', async ({
    browser,
  }) => {
    const eli = await signedIn(browser, 'Eli Martin');
    // a P1 nobody answers: its 5-second first-response target (app-config.e2e.yaml) passes during the flow
    const p1 = await raise(eli.page, {
      priority: /^P1/,
      title: 'Messaging API answers 500 for every tenant',
      body: 'All sends fail.',
    });
    const id = await raise(eli.page, {
      priority: /^P2/,
      title: 'Messages arrive twice since the deploy',
      body: 'Every message is **delivered twice**.\n\n<script>window.pwned = true</script>',
    });
    const ticket = eli.page;
    await expect(
      ticket.getByRole('heading', {
        name: `#${id} Messages arrive twice since the deploy`,
      }),
    ).toBeVisible();
    // markdown rendered, the script neither shown as HTML nor run
    await expect(
      ticket.locator('strong', { hasText: 'delivered twice' }),
    ).toBeVisible();
    expect(await ticket.evaluate(() => (window as any).pwned)).toBeUndefined();
    await ticket.screenshot({
      path: `${shots}/support-ticket-raised.png`,
      fullPage: true,
    });

    // the owning team (team-ai) finds it in its queue
    const omar = await signedIn(browser, 'Omar Haddad');
    const team = omar.page;
    await team.goto('/support?tab=queue');
    await choose(team, 'Priority', 'P2');
    const row = team.getByTestId(`ticket-row-${id}`);
    await expect(row).toBeVisible();
    await expect(row.getByTestId('sla-chip')).toContainText('Breach in');
    await team.screenshot({
      path: `${shots}/support-queue.png`,
      fullPage: true,
    });
    await row.getByRole('link').click();
    await team.getByLabel('Comment').fill('Which tenant do you see this on?');
    await team.getByRole('button', { name: 'Comment' }).click();
    await expect(
      team.getByText('Which tenant do you see this on?'),
    ).toBeVisible();
    await choose(team, 'Move to', 'Waiting on requester');
    await expect(team.getByTestId('status-chip').first()).toHaveText(
      'Waiting on requester',
    );
    await expect(team.getByTestId('sla-chip').first()).toHaveText('SLA paused');

    // the requester answers: back in progress
    await ticket.reload();
    await ticket.getByLabel('Comment').fill('Tenant acme, since 09:00');
    await ticket.getByRole('button', { name: 'Comment' }).click();
    await expect(ticket.getByTestId('status-chip').first()).toHaveText(
      'In progress',
    );

    // resolved by the team
    await team.reload();
    await expect(team.getByText('Tenant acme, since 09:00')).toBeVisible();
    await choose(team, 'Move to', 'Resolved');
    await expect(team.getByTestId('status-chip').first()).toHaveText(
      'Resolved',
    );
    await expect(
      team.getByText(/moved it from In progress to Resolved/),
    ).toBeVisible();
    await team.screenshot({
      path: `${shots}/support-ticket-resolved.png`,
      fullPage: true,
    });

    // the P1's breach reached the owning team through Backstage notifications
    await team.goto('/notifications');
    await expect(
      team.getByText(
        `SLA breached: P1 ticket #${p1} missed its first response target`,
      ),
    ).toBeVisible({
      timeout: 60_000,
    });
    await team.screenshot({
      path: `${shots}/support-breach-notification.png`,
      fullPage: true,
    });

    // the requester's home widget shows the open P1 with its breach
    await ticket.goto('/');
    await expect(
      ticket.getByRole('list', { name: 'My open tickets' }).getByText(`#${p1}`),
    ).toBeVisible();

    await eli.close();
    await omar.close();
  });
});
