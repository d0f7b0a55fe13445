import { expect, test } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { signedIn } from './session';

const shots = 'test-results/screenshots';
const downloads = 'test-results/downloads';

test.describe('audit reports', () => {
  test('compliance produces "SOC 2, this quarter", opens it, downloads the PDF and the manifest, and the offline verifier accepts them', async ({
    browser,
  }) => {
    test.setTimeout(180_000);
    const compliance = await signedIn(browser, 'Priya Nair', {
      acceptDownloads: true,
    });
    const page = compliance.page;
    await page
      .getByTestId('sidebar-root')
      .getByRole('link', { name: 'Compliance' })
      .click();
    await page.getByRole('button', { name: 'Audit reports' }).click();
    await expect(page).toHaveURL(/\/audit-reports$/);
    await expect(page.getByLabel('Framework')).toBeVisible();
    await expect(
      page.getByText('SOC 2 controls: CC6.1, CC6.2, CC6.3, CC7.2, CC8.1'),
    ).toBeVisible();

    await page.getByRole('button', { name: 'Produce report' }).click();
    await expect(page).toHaveURL(/\/audit-reports\/[0-9A-HJKMNP-TV-Z]{26}$/, {
      timeout: 90_000,
    });
    const reportId = page.url().split('/').pop()!;
    await expect(
      page.getByRole('heading', { name: /^SOC 2 audit report, Q\d \d{4}/ }),
    ).toBeVisible();
    for (const section of [
      'Access review',
      'Privileged activity',
      'Change management',
      'Security events',
      'Integrity of the audit log',
    ]) {
      await expect(page.getByRole('heading', { name: section })).toBeVisible();
    }
    await expect(
      page.getByText(/The hash chain verifies over events #\d+ to #\d+/),
    ).toBeVisible();
    await page.screenshot({
      path: `${shots}/audit-report.png`,
      fullPage: true,
    });

    fs.mkdirSync(downloads, { recursive: true });
    const [pdfDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download PDF' }).click(),
    ]);
    const pdf = path.join(downloads, pdfDownload.suggestedFilename());
    await pdfDownload.saveAs(pdf);
    expect(path.basename(pdf)).toBe(`audit-report-${reportId}-report.pdf`);
    const [manifestDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download signed manifest' }).click(),
    ]);
    const manifest = path.join(downloads, manifestDownload.suggestedFilename());
    await manifestDownload.saveAs(manifest);

    // back on the list, the report is there and current
    await page.goto('/audit-reports');
    await expect(
      page
        .getByRole('table', { name: 'Reports' })
        .getByRole('row')
        .filter({ hasText: 'current' })
        .first(),
    ).toBeVisible();
    await compliance.close();

    // the documented offline check an auditor runs
    const out = execFileSync('node', [
      'scripts/verify-audit-export.mjs',
      manifest,
      pdf,
    ]).toString();
    expect(out).toMatch(
      new RegExp(`^VERIFIED: report ${reportId} "SOC 2 audit report, Q`),
    );
    const pdftotext = spawnSync('pdftotext', ['-layout', pdf, '-']);
    if (pdftotext.status === null) {
      // eslint-disable-next-line no-console
      console.warn(
        'SKIPPED LOUDLY: pdftotext (poppler-utils) is not installed; the PDF text is not checked',
      );
    } else {
      const text = pdftotext.stdout.toString();
      expect(text).toContain('SOC 2 audit report');
      expect(text).toContain('Change management');
      expect(text).toContain(
        JSON.parse(fs.readFileSync(manifest, 'utf8')).chainHead.hash,
      );
    }
  });

  test('an admin is refused the reports (separation of duties), in the page and by the API', async ({
    browser,
  }) => {
    const admin = await signedIn(browser, 'Amara Okafor', {
      acceptDownloads: true,
    });
    const page = admin.page;
    await page.goto('/audit-reports');
    await expect(
      page.getByText('Audit reports are for the compliance role'),
    ).toBeVisible();
    const status = await page.evaluate(async () => {
      const token = await fetch('/api/auth/development/refresh', {
        headers: {
          'x-stack-portal-user': 'amara.okafor',
          'X-Requested-With': 'XMLHttpRequest',
        },
      }).then(r => r.json());
      const res = await fetch('/api/audit-log/reports', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token.backstageIdentity.token}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ framework: 'soc2', period: 'this-quarter' }),
      });
      return res.status;
    });
    expect(status).toBe(403);
    await admin.close();
  });
});
