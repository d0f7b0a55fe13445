import { expect, Locator, Page } from '@playwright/test';

/**
 * Layout facts a person notices, checked in the browser: words broken in the
 * middle, widgets pushed below their neighbour's row, links to a 404.
 */

/**
 * The words inside `selector` whose letters sit on more than one line
 * ("SmartS / tack"). Checked per character with the text's own layout boxes.
 */
export async function brokenWords(
  page: Page,
  selector: string,
): Promise<string[]> {
  return page.evaluate(sel => {
    const broken: string[] = [];
    for (const element of Array.from(document.querySelectorAll(sel))) {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        // a line may break after a hyphen ("team-" / "platform"), as text does
        for (const match of text.matchAll(/[^\s-]{2,}/g)) {
          const range = document.createRange();
          const tops = new Set<number>();
          for (let i = match.index!; i < match.index! + match[0].length; i++) {
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const rect = range.getBoundingClientRect();
            if (rect.width > 0) tops.add(Math.round(rect.top / 4));
          }
          if (tops.size > 1) broken.push(match[0]);
        }
      }
    }
    return broken;
  }, selector);
}

/** The home widget (grid item) whose card has this title. */
export function homeWidget(page: Page, title: string): Locator {
  return page
    .locator('.react-grid-item')
    .filter({ has: page.getByText(title, { exact: true }) });
}

/** The widgets stand side by side on one row, none pushed below another, none outside the page. */
export async function expectOneRow(page: Page, titles: string[]) {
  const boxes = [];
  for (const title of titles) {
    const widget = homeWidget(page, title);
    await expect(widget, `home widget "${title}"`).toBeVisible();
    boxes.push({ title, box: (await widget.boundingBox())! });
  }
  const viewport = page.viewportSize()!;
  for (const { title, box } of boxes) {
    expect(
      Math.abs(box.y - boxes[0].box.y),
      `"${title}" starts on the row of "${boxes[0].title}"`,
    ).toBeLessThan(2);
    expect(
      box.x + box.width,
      `"${title}" ends inside the page`,
    ).toBeLessThanOrEqual(viewport.width + 1);
  }
  for (let i = 1; i < boxes.length; i++) {
    expect(
      boxes[i].box.x,
      `"${boxes[i].title}" stands right of "${boxes[i - 1].title}"`,
    ).toBeGreaterThanOrEqual(boxes[i - 1].box.x + boxes[i - 1].box.width - 1);
  }
}

/** Follows the link and expects a page, not Backstage's "not found". */
export async function expectOpensAPage(
  page: Page,
  link: Locator,
  heading: RegExp | string,
) {
  await link.click();
  await expect(
    page.getByRole('heading', { name: heading }).first(),
  ).toBeVisible();
  await expect(
    page.getByText(
      /page not found|with the requested kind, namespace, and name/i,
    ),
  ).toHaveCount(0);
}

/**
 * The parts of `selector` (the elements it matches and everything inside
 * them) whose content does not fit: a box that scrolls sideways or hides
 * what sticks out (a table's Actions column behind a scrollbar), or text cut
 * with an ellipsis (a filter's "Owned" label). Each is named by its text.
 */
export async function cutOff(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(sel => {
    const cut: string[] = [];
    for (const root of Array.from(document.querySelectorAll(sel))) {
      const elements = [root, ...Array.from(root.querySelectorAll('*'))];
      for (const element of elements) {
        // text hidden for screen readers only is a 1 px box on purpose
        if (!(element instanceof HTMLElement) || element.clientWidth <= 1) {
          continue;
        }
        const style = getComputedStyle(element);
        const clips =
          ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX) ||
          style.textOverflow === 'ellipsis';
        if (clips && element.scrollWidth > element.clientWidth + 1) {
          const text = (element.innerText || element.tagName)
            .replace(/\s+/g, ' ')
            .trim();
          cut.push(
            `${text.slice(0, 60)} (${element.scrollWidth} px in ${
              element.clientWidth
            } px)`,
          );
        }
      }
    }
    return cut;
  }, selector);
}
