import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { signInAs } from './session';

const shots = 'test-results/screenshots';
// Playwright runs from the repository root (playwright.config.ts).
const smartstackAdrs = path.resolve('catalog/smartstack/adr');
const before = new Set(fs.readdirSync(smartstackAdrs));
// StackPro's AI capability has an ADR location but no folder yet: the bad-input
// test creates it for the duration of the test.
const aiAdrs = path.resolve('catalog/stackpro/adr/ai');

test.describe('Architecture decisions', () => {
  // "New ADR" writes into catalog/smartstack/adr: leave the folder as it was.
  test.afterAll(() => {
    for (const file of fs.readdirSync(smartstackAdrs)) {
      if (!before.has(file)) fs.rmSync(path.join(smartstackAdrs, file));
    }
    fs.rmSync(aiAdrs, { recursive: true, force: true });
  });

  test("an engineer reads SmartStack's decisions, sees ADR-004's diagrams and follows a supersedes link", async ({
    page,
  }) => {
    await signInAs(page, 'Omar Haddad');
    await page.goto('/catalog/default/system/smartstack');
    // The entity page's "Decisions" tab (the sidebar has a Decisions page link too).
    await page
      .locator('a[href$="/catalog/default/system/smartstack/decisions"]')
      .first()
      .click();
    await expect(page).toHaveURL(
      /\/catalog\/default\/system\/smartstack\/decisions/,
    );

    const list = page.getByRole('list', { name: 'Decisions' });
    await expect(list.getByRole('link')).toHaveCount(9);
    await expect(page.getByTestId('adr-problems')).toHaveCount(0);

    await list.getByRole('link', { name: /ADR-004: Use Socket.io/ }).click();
    await expect(page).toHaveURL(/record=ADR-004-websocket-implementation\.md/);
    const reader = page.getByRole('article', { name: /ADR-004/ });
    // The C4 component diagram and the sequence diagram, both drawn by Mermaid.
    const diagrams = reader.getByTestId('adr-diagram');
    await expect(diagrams).toHaveCount(2);
    await expect(diagrams.first().locator('svg')).toBeVisible();
    await expect(diagrams.first()).toContainText('RealtimePublisher');
    await expect(reader.getByTestId('adr-diagram-error')).toHaveCount(0);
    await expect(reader.locator('script')).toHaveCount(0);
    await page.screenshot({ path: `${shots}/adr-004.png`, fullPage: true });

    // Every SmartStack diagram renders, the C4 ones included.
    for (const record of [
      'ADR-001-task-processing.md',
      'ADR-005-ai-integration.md',
      'ADR-007-environment-deployment.md',
    ]) {
      await list.locator(`[data-testid="adr-item-${record}"]`).click();
      await expect(
        page
          .getByRole('article')
          .getByTestId('adr-diagram')
          .first()
          .locator('svg'),
      ).toBeVisible();
      await expect(
        page.getByRole('article').getByTestId('adr-diagram-error'),
      ).toHaveCount(0);
    }

    await list.getByRole('link', { name: /ADR-004/ }).click();
    await page
      .getByTestId('adr-supersedes')
      .getByRole('link', { name: /ADR-002/ })
      .click();
    await expect(page).toHaveURL(/record=ADR-002-real-time-updates\.md/);
    const superseded = page.getByRole('article', { name: /ADR-002/ });
    await expect(
      superseded.getByText('Superseded', { exact: true }),
    ).toBeVisible();
    await expect(superseded.getByTestId('adr-superseded-by')).toContainText(
      'ADR-004',
    );
    await page.screenshot({
      path: `${shots}/adr-002-superseded.png`,
      fullPage: true,
    });
  });

  test('an engineer filters the Decisions page', async ({ page }) => {
    await signInAs(page, 'Omar Haddad');
    await page.getByRole('link', { name: 'Decisions' }).first().click();
    await expect(page).toHaveURL(/\/decisions/);
    const rows = page.locator('[data-testid^="adr-row-"]');
    await expect(page.getByTestId('decisions-count')).toContainText(
      /of \d+ decisions/,
    );
    await expect(rows.first()).toBeVisible();

    await page.getByRole('combobox', { name: /^Status/ }).click();
    await page.getByRole('option', { name: /Superseded/ }).click();
    await page.keyboard.press('Escape');
    await expect(page).toHaveURL(/status=superseded/);
    await expect(rows).toHaveCount(1);
    await expect(
      page.getByTestId('adr-row-smartstack-ADR-002-real-time-updates.md'),
    ).toContainText('Superseded by ADR-004');

    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await page.getByRole('combobox', { name: /^System/ }).click();
    await page.getByRole('option', { name: 'StackPro' }).click();
    await page.keyboard.press('Escape');
    await expect(rows).toHaveCount(10);
    await page.getByTestId('decisions-filter-from').fill('2025-08-01');
    await expect(page).toHaveURL(/from=2025-08-01/);
    await expect(rows).toHaveCount(10);
    await page.screenshot({
      path: `${shots}/decisions-filtered.png`,
      fullPage: true,
    });

    // A shared link reloads to the same view.
    await page.reload();
    await expect(rows).toHaveCount(10);

    // Words in a decision's title or text, searched by the backend and kept
    // in the URL with the other filters.
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expect(page).not.toHaveURL(/system=/);
    const search = page.getByRole('searchbox', { name: 'Search decisions' });
    await search.fill('serverless DynamoDB');
    await expect(page).toHaveURL(/q=serverless\+DynamoDB/);
    await expect(rows).toHaveCount(2);
    await expect(
      page.getByTestId('adr-row-stackpro-0007-free-tier-serverless.md'),
    ).toBeVisible();
    await expect(
      page.getByTestId('adr-row-smartstack-ADR-006-data-storage.md'),
    ).toBeVisible();
    await page.getByRole('combobox', { name: /^System/ }).click();
    await page.getByRole('option', { name: 'StackPro' }).click();
    await page.keyboard.press('Escape');
    await expect(rows).toHaveCount(1);
    await expect(page).toHaveURL(/system=.*q=|q=.*system=/);
    await expect(page.getByRole('listbox')).toBeHidden();
    await page.screenshot({
      path: `${shots}/decisions-text-search.png`,
      fullPage: true,
    });
    await page.reload();
    await expect(rows).toHaveCount(1);
    await expect(search).toHaveValue('serverless DynamoDB');
    await search.fill('no such words anywhere');
    await expect(
      page.getByText(
        'No decision matches “no such words anywhere” with these filters',
      ),
    ).toBeVisible();
  });

  test('an engineer finds ADR-004 by searching for "WebSocket"', async ({
    page,
  }) => {
    await signInAs(page, 'Omar Haddad');
    // The collator indexes a few seconds after start; search until it has.
    await expect(async () => {
      await page.goto('/search?query=WebSocket');
      await expect(
        page
          .getByText(/ADR-004: Use Socket.io behind a real-time adapter/)
          .first(),
      ).toBeVisible({ timeout: 5_000 });
    }).toPass({ timeout: 90_000 });
    await page.screenshot({
      path: `${shots}/search-websocket.png`,
      fullPage: true,
    });
    await page
      .getByRole('link', {
        name: /ADR-004: Use Socket.io behind a real-time adapter/,
      })
      .first()
      .click();
    await expect(page).toHaveURL(
      /\/catalog\/default\/system\/smartstack\/decisions\?record=ADR-004/,
    );
    await expect(
      page
        .getByRole('article', { name: /ADR-004/ })
        .getByTestId('adr-diagram')
        .first(),
    ).toBeVisible();
  });

  test('an engineer starts a new decision from the Decisions tab', async ({
    page,
  }) => {
    await signInAs(page, 'Omar Haddad');
    await page.goto('/catalog/default/system/smartstack/decisions');
    await page.getByTestId('adr-new').click();
    await expect(page).toHaveURL(/\/create\/templates\/default\/new-adr/);

    await page.getByRole('button', { name: 'Next' }).click();
    await page
      .getByRole('textbox', { name: /^Title/ })
      .fill('Use server-sent events for task status');
    await page.getByRole('textbox', { name: /^Deciders/ }).fill('Omar Haddad');
    await page
      .getByRole('textbox', { name: /^Context/ })
      .fill(
        'Socket.io needs a long-running process that Lambda does not have.',
      );
    await page
      .getByRole('textbox', { name: /^Decision/ })
      .fill('Push task status with server-sent events.');
    await page.getByRole('textbox', { name: /^Supersedes/ }).fill('ADR-004');
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();

    const open = page.getByRole('link', { name: 'Open the decision' });
    await expect(open).toBeVisible({ timeout: 60_000 });
    await page.screenshot({
      path: `${shots}/new-adr-task.png`,
      fullPage: true,
    });
    await open.click();

    await expect(page).toHaveURL(
      /record=ADR-010-use-server-sent-events-for-task-status\.md/,
    );
    const reader = page.getByRole('article', { name: /ADR-010/ });
    await expect(reader).toContainText(
      'Use server-sent events for task status',
    );
    await expect(reader.getByText('Proposed', { exact: true })).toBeVisible();
    await expect(reader.getByTestId('adr-supersedes')).toContainText('ADR-004');
    await expect(
      page.getByRole('list', { name: 'Decisions' }).getByRole('link'),
    ).toHaveCount(10);
    expect(
      fs.existsSync(
        path.join(
          smartstackAdrs,
          'ADR-010-use-server-sent-events-for-task-status.md',
        ),
      ),
    ).toBe(true);
    await page.screenshot({
      path: `${shots}/new-adr-record.png`,
      fullPage: true,
    });
  });

  test("the Stacks page shows each stack's measured documentation coverage", async ({
    page,
  }) => {
    await signInAs(page, 'Eli Martin');
    // the coverage matrix is the Stacks page's second tab
    await page.goto('/stacks?view=coverage');
    const matrix = page.getByRole('table', { name: 'Documentation coverage' });
    await expect(matrix.locator('[data-testid^="coverage-row-"]')).toHaveCount(
      21,
    );
    await expect(page.getByTestId('coverage-summary')).toContainText(
      '7 complete · 1 incomplete · 13 missing',
    );
    await expect(
      page.getByTestId('coverage-integration-stack-user-features'),
    ).toHaveAttribute('data-present', 'false');
    await expect(
      page.getByTestId('coverage-auth-stack-trade-off-analysis'),
    ).toHaveAttribute('data-present', 'true');
    await page.getByTestId('coverage-show').click();
    await page.getByRole('option', { name: 'Missing User Features' }).click();
    await expect(matrix.locator('[data-testid^="coverage-row-"]')).toHaveCount(
      14,
    );
    await page.screenshot({
      path: `${shots}/stacks-coverage.png`,
      fullPage: true,
    });
  });

  test('script, malicious Mermaid, oversized and non-UTF-8 records are neutralised or refused, with the reason', async ({
    page,
  }) => {
    fs.mkdirSync(aiAdrs, { recursive: true });
    fs.writeFileSync(
      path.join(aiAdrs, '0001-malicious.md'),
      [
        '# ADR-0001: A record that tries to run code',
        '',
        '- Status: accepted',
        '- Date: 2026-01-01',
        '',
        '## Context',
        '',
        '<script>window.__pwned = "script"</script>',
        '<img src="x" onerror="window.__pwned = \'img\'">',
        '',
        "[click me](javascript:window.__pwned='link')",
        '',
        '![the architecture](architecture.png)',
        '',
        '```mermaid',
        '%%{init: {"securityLevel": "loose"}}%%',
        'flowchart LR',
        '  A["<img src=x onerror=window.__pwned=1>Start"] --> B[End]',
        '  click A call alert("mermaid")',
        '  click B "javascript:window.__pwned=2"',
        '```',
        '',
        '## Decision',
        'd',
        '## Rationale',
        '- r',
        '## Alternatives Considered',
        '- a',
        '## Outcome',
        'o',
      ].join('\n'),
    );
    // an image beside the record: a 2x1 PNG
    fs.writeFileSync(
      path.join(aiAdrs, 'architecture.png'),
      Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAD0In+KAAAADklEQVR4nGP4z8AAQv8BD/kD/YURmXYAAAAASUVORK5CYII=',
        'base64',
      ),
    );
    fs.writeFileSync(
      path.join(aiAdrs, '0002-huge.md'),
      `# ADR-0002: Huge\n\n${'x'.repeat(1024 * 1024)}`,
    );
    fs.writeFileSync(
      path.join(aiAdrs, '0003-latin1.md'),
      Buffer.from([0x23, 0x20, 0x43, 0x61, 0x66, 0xe9]),
    );
    const dialogs: string[] = [];
    page.on('dialog', dialog => {
      dialogs.push(dialog.message());
      dialog.dismiss();
    });

    await signInAs(page, 'Omar Haddad');
    await page.goto('/catalog/default/component/stackpro-ai/decisions');
    const reader = page.getByRole('article', { name: /ADR-0001/ });
    const diagram = reader.getByTestId('adr-diagram');
    await expect(diagram.locator('svg')).toBeVisible();
    await diagram.getByText('Start', { exact: true }).first().click();
    await diagram.getByText('End', { exact: true }).first().click();
    await reader.getByText('click me').click();
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await expect(
      reader.locator('script, [onerror], a[href^="javascript"]'),
    ).toHaveCount(0);
    // the image beside it displays (the page's CSP allows its blob: URL)
    const image = reader.getByRole('img', { name: 'the architecture' });
    await expect(image).toBeVisible();
    await expect
      .poll(() => image.evaluate(img => (img as HTMLImageElement).naturalWidth))
      .toBe(2);

    // The reasons: the checks on the record, and the files that were refused.
    const problems = page.getByTestId('adr-problems');
    await expect(problems).toContainText(
      '0001-malicious.md · unsafe-content: contains a <script> element, which is not rendered',
    );
    await expect(problems).toContainText('a Mermaid click directive');
    await expect(page.getByTestId('adr-unreadable-0002-huge.md')).toContainText(
      /size: is \d+ bytes, over the 1048576-byte limit/,
    );
    await expect(
      page.getByTestId('adr-unreadable-0003-latin1.md'),
    ).toContainText('encoding: is not valid UTF-8');
    await page.screenshot({
      path: `${shots}/adr-bad-input.png`,
      fullPage: true,
    });
  });
});
