// Node's crypto stands in for the browser's Web Crypto, which jsdom lacks.
// eslint-disable-next-line no-restricted-imports
import { createHash, webcrypto } from 'crypto';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { useLocation } from 'react-router-dom';
import { AuditEvent } from '@internal/backstage-plugin-audit-log-common';
import { auditLogApiRef } from '../../api';
import {
  AUDIT_URL,
  brokenChain,
  csvOf,
  erasedLogin,
  failedFlagToggle,
  firstEvent,
  impersonatedDelete,
  manifestOf,
  permissionsOf,
  serveAuditLog,
  serviceRefresh,
  signingKey,
  testAuditLogClient,
} from '../../__testUtils__/fixtures';
import { CompliancePage } from './CompliancePage';

/** Shows the query string, as the address bar would. */
const AddressBar = () => (
  <output data-testid="address-bar">{useLocation().search}</output>
);

/**
 * Compliance staff, who may read and export. usePermission keeps its answers
 * for the whole test file (SWR's cache), so each role has its own file:
 * `CompliancePage.admin.test.tsx`, `CompliancePage.engineer.test.tsx`.
 */
describe('CompliancePage', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const renderPage = (url = '/compliance') =>
    renderInTestApp(
      <>
        <CompliancePage />
        <AddressBar />
      </>,
      {
        initialRouteEntries: [url],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
        apis: [
          [auditLogApiRef, testAuditLogClient()],
          permissionsOf('compliance'),
        ],
      },
    );

  it('lists the events and opens one with both actors and its chain position', async () => {
    const recorded = serveAuditLog(server);
    await renderPage();

    const row = await screen.findByTestId(`audit-row-${impersonatedDelete.id}`);
    expect(
      within(row).getByText('2026-11-22 15:00:00 UTC'),
    ).toBeInTheDocument();
    expect(
      within(row).getByRole('link', { name: 'eli.martin' }),
    ).toHaveAttribute('href', '/catalog/default/user/eli.martin');
    expect(
      within(row).getByText('Real actor: user:default/amara.okafor'),
    ).toBeInTheDocument();
    expect(within(row).getByText('entity-delete')).toBeInTheDocument();
    expect(within(row).getByText('High')).toBeInTheDocument();
    expect(within(row).getByText('Succeeded')).toBeInTheDocument();
    expect(within(row).getByText('#5')).toBeInTheDocument();
    // A failed event's outcome is red and carries its error.
    const failed = screen.getByTestId(`audit-row-${failedFlagToggle.id}`);
    expect(
      within(failed).getByText('Failed').closest('[class*="MuiChip-root"]')
        ?.className,
    ).toMatch(/MuiChip-colorError/);
    await userEvent.hover(within(failed).getByText('Failed'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Unleash answered 503',
    );
    await userEvent.unhover(within(failed).getByText('Failed'));
    expect(
      within(screen.getByTestId(`audit-row-${erasedLogin.id}`)).getByText(
        'Erased person (subj-7f3a)',
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId(`audit-row-${firstEvent.id}`)).getByText(
        'Nobody signed in',
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('audit-shown-count')).toHaveTextContent(
      'Showing 5 of 5 matching events',
    );
    expect(recorded.events).toHaveLength(1);
    expect(recorded.events[0].toString()).toBe('limit=50');

    await userEvent.click(within(row).getByText('entity-delete'));

    const drawer = await screen.findByTestId('audit-event-drawer');
    expect(
      within(drawer).getByRole('heading', { name: 'Event #5' }),
    ).toBeInTheDocument();
    expect(within(drawer).getByTestId('audit-field-actor')).toHaveTextContent(
      'eli.martin',
    );
    expect(
      within(drawer).getByTestId('audit-field-real-actor'),
    ).toHaveTextContent('amara.okafor');
    expect(
      within(drawer).getByTestId('audit-field-real-actor'),
    ).toHaveTextContent('acted as user:default/eli.martin');
    expect(
      within(drawer).getByTestId('audit-field-ip-address'),
    ).toHaveTextContent('10.20.30.40');
    expect(
      within(drawer).getByTestId('audit-field-user-agent'),
    ).toHaveTextContent('Firefox/133.0');
    expect(within(drawer).getByTestId('audit-field-request')).toHaveTextContent(
      'DELETE /api/catalog/entities/by-uid/42',
    );
    expect(within(drawer).getByTestId('audit-field-target')).toHaveTextContent(
      'payments-api',
    );
    const chain = within(drawer).getByRole('region', {
      name: 'Chain position',
    });
    expect(within(chain).getByTestId('audit-field-seq')).toHaveTextContent(
      '#5',
    );
    expect(
      within(chain).getByTestId('audit-field-previous-hash'),
    ).toHaveTextContent(impersonatedDelete.prevHash);
    expect(within(chain).getByTestId('audit-field-hash')).toHaveTextContent(
      impersonatedDelete.hash,
    );
    expect(
      within(chain).getByTestId('audit-field-correlation-id'),
    ).toHaveTextContent('01JEVENT0004');
    expect(within(drawer).getByTestId('audit-event-json')).toHaveTextContent(
      '"reason": "decommissioned"',
    );
    expect(
      within(drawer).getByRole('button', { name: "Copy the event's JSON" }),
    ).toBeInTheDocument();
    // The open event is in the URL, to share.
    expect(screen.getByTestId('address-bar')).toHaveTextContent(
      `?event=${impersonatedDelete.id}`,
    );

    await userEvent.click(
      within(drawer).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() =>
      expect(
        screen.queryByTestId('audit-event-drawer'),
      ).not.toBeInTheDocument(),
    );
    expect(screen.getByTestId('address-bar')).toBeEmptyDOMElement();
  });

  it('shows the chain as verified, with how much was checked', async () => {
    serveAuditLog(server);
    await renderPage();

    const status = await screen.findByTestId('audit-chain-status');
    expect(
      within(status).getByText(
        'Chain verified up to #5 at 2026-11-22 15:00:00 UTC',
      ),
    ).toBeInTheDocument();
    expect(within(status).getByTestId('audit-chain-checked')).toHaveTextContent(
      '5 events checked in 12 ms, at 2026-11-23 08:00:00 UTC',
    );
  });

  it('shows a broken chain in red at the first bad event, which opens in the drawer', async () => {
    const recorded = serveAuditLog(server, { verification: brokenChain });
    await renderPage();

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Chain broken at #4: hash does not match the event',
    );
    // The theme's error red.
    expect(alert).toHaveStyle({ color: 'rgb(211, 47, 47)' });
    expect(screen.getByText(/Events up to #3 verify/)).toBeInTheDocument();
    expect(recorded.verifications).toBe(1);

    await userEvent.click(
      screen.getByRole('button', { name: 'Open event #4' }),
    );

    const drawer = await screen.findByTestId('audit-event-drawer');
    expect(
      await within(drawer).findByRole('heading', { name: 'Event #4' }),
    ).toBeInTheDocument();
    expect(within(drawer).getByTestId('audit-field-error')).toHaveTextContent(
      'Unleash answered 503',
    );

    await userEvent.click(
      within(drawer).getByRole('button', { name: 'Close' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Verify again' }));
    await waitFor(() => expect(recorded.verifications).toBe(2));
  });

  it('re-queries with a chosen filter, keeps it in the URL, and clears it', async () => {
    const recorded = serveAuditLog(server);
    await renderPage();
    await screen.findByTestId(`audit-row-${serviceRefresh.id}`);

    await userEvent.click(screen.getByRole('combobox', { name: /^Severity/ }));
    await userEvent.click(await screen.findByRole('option', { name: 'High' }));
    await userEvent.keyboard('{Escape}');

    await waitFor(() =>
      expect(
        screen.queryByTestId(`audit-row-${serviceRefresh.id}`),
      ).not.toBeInTheDocument(),
    );
    expect(
      await screen.findByTestId(`audit-row-${impersonatedDelete.id}`),
    ).toBeInTheDocument();
    expect(
      screen.getByTestId(`audit-row-${erasedLogin.id}`),
    ).toBeInTheDocument();
    expect(
      recorded.events[recorded.events.length - 1].getAll('severity'),
    ).toEqual(['high']);
    // The chart follows the filters too.
    expect(
      recorded.stats[recorded.stats.length - 1].getAll('severity'),
    ).toEqual(['high']);
    expect(screen.getByTestId('address-bar')).toHaveTextContent(
      '?severity=high',
    );

    const actor = screen.getByRole('textbox', { name: 'Actor' });
    await userEvent.type(actor, 'user:default/amara.okafor{Enter}');

    await waitFor(() =>
      expect(
        screen.queryByTestId(`audit-row-${erasedLogin.id}`),
      ).not.toBeInTheDocument(),
    );
    const last = recorded.events[recorded.events.length - 1];
    expect(last.get('actor')).toBe('user:default/amara.okafor');
    expect(last.getAll('severity')).toEqual(['high']);
    expect(
      screen.getByTestId(`audit-row-${impersonatedDelete.id}`),
    ).toBeInTheDocument();
    expect(screen.getByTestId('audit-shown-count')).toHaveTextContent(
      'Showing 1 of 1 matching events',
    );

    await userEvent.click(screen.getByTestId('audit-clear-filters'));

    expect(
      await screen.findByTestId(`audit-row-${firstEvent.id}`),
    ).toBeInTheDocument();
    expect(screen.getByTestId('address-bar')).toBeEmptyDOMElement();
    expect(screen.getByRole('textbox', { name: 'Actor' })).toHaveValue('');
  });

  it('applies a typed filter once typing pauses, keeping the other filters', async () => {
    const recorded = serveAuditLog(server);
    await renderPage('/compliance?severity=high');
    await screen.findByTestId(`audit-row-${erasedLogin.id}`);

    // No Enter, no leaving the field: the pause applies it.
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Actor' }),
      'user:default/amara.okafor',
    );
    expect(screen.getByRole('textbox', { name: 'Actor' })).toHaveFocus();

    await waitFor(() =>
      expect(screen.getByTestId('audit-shown-count')).toHaveTextContent(
        'Showing 1 of 1 matching events',
      ),
    );
    // One query for the page, one for the whole typed ref: none per key.
    expect(recorded.events.map(q => q.get('actor'))).toEqual([
      null,
      'user:default/amara.okafor',
    ]);
    expect(recorded.events[1].getAll('severity')).toEqual(['high']);
    expect(screen.getByTestId('address-bar')).toHaveTextContent(
      '?actor=user%3Adefault%2Famara.okafor&severity=high',
    );
  });

  it('restores the filters from a shared URL and sends the time range in UTC', async () => {
    const recorded = serveAuditLog(server);
    await renderPage(
      '/compliance?outcome=failed&severity=bogus&from=2026-11-22T13:30:00Z&q=unleash',
    );

    expect(
      await screen.findByTestId(`audit-row-${failedFlagToggle.id}`),
    ).toBeInTheDocument();
    expect(screen.getByTestId('audit-shown-count')).toHaveTextContent(
      'Showing 1 of 1 matching events',
    );
    const query = recorded.events[0];
    expect(query.getAll('outcome')).toEqual(['failed']);
    expect(query.get('from')).toBe('2026-11-22T13:30:00.000Z');
    expect(query.get('q')).toBe('unleash');
    // An unknown severity in the link is dropped, not sent.
    expect(query.has('severity')).toBe(false);
    expect(
      screen.getByRole('combobox', { name: /^Outcome/ }),
    ).toHaveTextContent('Failed');
    expect(screen.getByLabelText('Search')).toHaveValue('unleash');
  });

  it('draws the activity per day as stacked bars with accessible labels', async () => {
    serveAuditLog(server);
    await renderPage();

    const chart = await screen.findByTestId('audit-activity-chart');
    expect(
      within(chart).getByRole('img', {
        name: '2026-11-22: 1 critical, 2 high, 2 low',
      }),
    ).toBeInTheDocument();
    const legend = screen.getByRole('list', { name: 'Severity legend' });
    expect(within(legend).getByText('Critical')).toBeInTheDocument();
    expect(screen.getByText(/5 events over 1 day/)).toBeInTheDocument();
  });

  it('says so when nothing matches, in the chart and in the list', async () => {
    serveAuditLog(server);
    await renderPage('/compliance?plugin=nothing-here');

    expect(
      await screen.findByText('No event matches these filters'),
    ).toBeInTheDocument();
    expect(await screen.findByTestId('audit-activity-empty')).toHaveTextContent(
      'No activity in this period',
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );

    expect(
      await screen.findByTestId(`audit-row-${firstEvent.id}`),
    ).toBeInTheDocument();
  });

  it('appends older pages with the cursor', async () => {
    const many: AuditEvent[] = Array.from({ length: 60 }, (_, i) => ({
      ...serviceRefresh,
      id: `01JMANY${String(60 - i).padStart(4, '0')}`,
      seq: 60 - i,
    }));
    const recorded = serveAuditLog(server, { events: many });
    await renderPage();

    await screen.findByTestId('audit-row-01JMANY0060');
    expect(screen.getByTestId('audit-shown-count')).toHaveTextContent(
      'Showing 50 of 60 matching events',
    );
    expect(
      screen.queryByTestId('audit-row-01JMANY0010'),
    ).not.toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Load older events' }),
    );

    expect(
      await screen.findByTestId('audit-row-01JMANY0010'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('audit-row-01JMANY0001')).toBeInTheDocument();
    expect(screen.getByTestId('audit-row-01JMANY0060')).toBeInTheDocument();
    expect(screen.getByTestId('audit-shown-count')).toHaveTextContent(
      'Showing 60 of 60 matching events',
    );
    expect(
      screen.queryByRole('button', { name: 'Load older events' }),
    ).not.toBeInTheDocument();
    expect(recorded.events.map(q => q.get('cursor'))).toEqual([null, '50']);
  });

  it("shows the backend's message when it refuses a filter", async () => {
    serveAuditLog(server);
    server.use(
      http.get(`${AUDIT_URL}/events`, () =>
        HttpResponse.json(
          {
            error: { name: 'InputError', message: 'actor: not an entity ref' },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    await renderPage('/compliance?actor=eli');

    expect(
      await screen.findByText(/Could not load the audit events/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/actor: not an entity ref/).length,
    ).toBeGreaterThan(0);
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });

  it('shows the signing key and how to verify an export offline', async () => {
    serveAuditLog(server);
    await renderPage();

    expect(
      await screen.findByTestId('audit-key-fingerprint'),
    ).toHaveTextContent(
      '5f2b8e0c0a6d4e1f9b3c7a2d8e4f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f',
    );
    expect(screen.getByTestId('audit-key-pem')).toHaveTextContent(
      '-----BEGIN PUBLIC KEY-----',
    );
    expect(
      screen.getByRole('button', { name: 'Copy the public key' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('audit-verify-command')).toHaveTextContent(
      'node scripts/verify-audit-export.mjs <file> <manifest.json>',
    );
  });

  describe('export', () => {
    const csv = csvOf([impersonatedDelete, erasedLogin]);
    const sha256 = createHash('sha256').update(csv).digest('hex');
    const fileName = 'audit-events-20261123.csv';
    let blobs: Map<string, Blob>;

    beforeEach(() => {
      blobs = new Map();
      jest.spyOn(URL, 'createObjectURL').mockImplementation(blob => {
        const url = `blob:http://localhost/${blobs.size + 1}`;
        blobs.set(url, blob as Blob);
        return url;
      });
      jest.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
      // jsdom has no Web Crypto digest; a browser on https or localhost has.
      Object.defineProperty(window.crypto, 'subtle', {
        value: webcrypto.subtle,
        configurable: true,
      });
    });

    afterEach(() => {
      jest.restoreAllMocks();
      delete (window.crypto as { subtle?: unknown }).subtle;
    });

    /** An export body the test releases piece by piece. */
    const serveExport = () => {
      const exportQueries: URLSearchParams[] = [];
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      server.use(
        http.get(`${AUDIT_URL}/export`, ({ request }) => {
          exportQueries.push(new URL(request.url).searchParams);
          return new HttpResponse(
            new ReadableStream<Uint8Array>({
              start(c) {
                controller = c;
              },
            }),
            {
              headers: {
                'Content-Type': 'text/csv',
                'Content-Disposition': `attachment; filename="${fileName}"`,
                'X-Audit-Export-Id': 'exp-1',
              },
            },
          );
        }),
        http.get(`${AUDIT_URL}/exports/exp-1/manifest`, () =>
          HttpResponse.json(
            manifestOf([impersonatedDelete, erasedLogin], sha256, fileName),
          ),
        ),
      );
      const encoder = new TextEncoder();
      return {
        exportQueries,
        send: (text: string) => controller.enqueue(encoder.encode(text)),
        end: () => controller.close(),
      };
    };

    it('exports the filtered events with progress, then offers the file and its signed manifest', async () => {
      serveAuditLog(server);
      const body = serveExport();
      await renderPage('/compliance?severity=high');

      await userEvent.click(
        await screen.findByRole('button', { name: 'Export' }),
      );
      const dialog = await screen.findByRole('dialog', {
        name: 'Export audit events',
      });
      expect(
        within(dialog).getByTestId('audit-export-filters'),
      ).toHaveTextContent('Severity: High');
      expect(
        await within(dialog).findByText('2 events will be exported.'),
      ).toBeInTheDocument();

      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Export CSV' }),
      );

      // The header and the first row arrive: half of the count.
      const [header, first, second] = csv.split(/(?<=\n)/);
      await waitFor(() => expect(body.exportQueries).toHaveLength(1));
      body.send(header + first);
      expect(
        await within(dialog).findByText(/1 of 2 rows/),
      ).toBeInTheDocument();
      expect(
        within(dialog).getByRole('progressbar', { name: 'Export progress' }),
      ).toHaveAttribute('aria-valuenow', '50');
      expect(body.exportQueries[0].get('format')).toBe('csv');
      expect(body.exportQueries[0].getAll('severity')).toEqual(['high']);

      body.send(second);
      body.end();

      const file = await within(dialog).findByRole('link', {
        name: 'Download file',
      });
      expect(file).toHaveAttribute('download', fileName);
      expect(await blobs.get(file.getAttribute('href')!)!.text()).toBe(csv);
      expect(within(dialog).getByText(/Exported 2 rows/)).toBeInTheDocument();

      const manifestLink = await within(dialog).findByRole('link', {
        name: 'Download manifest',
      });
      expect(manifestLink).toHaveAttribute(
        'download',
        `${fileName}.manifest.json`,
      );
      expect(
        JSON.parse(await blobs.get(manifestLink.getAttribute('href')!)!.text()),
      ).toMatchObject({ exportId: 'exp-1', sha256, rowCount: 2 });
      expect(
        within(dialog).getByTestId('audit-manifest-rows'),
      ).toHaveTextContent('2');
      expect(
        within(dialog).getByTestId('audit-manifest-sha-256'),
      ).toHaveTextContent(sha256);
      expect(
        await within(dialog).findByText('matches the file you received'),
      ).toBeInTheDocument();
      expect(
        within(dialog).getByTestId('audit-manifest-seq-range'),
      ).toHaveTextContent('#2 to #5');
      expect(
        within(dialog).getByTestId('audit-manifest-key-fingerprint'),
      ).toHaveTextContent(signingKey.fingerprint);
      expect(
        within(dialog).getByTestId('audit-export-verify-command'),
      ).toHaveTextContent(
        `node scripts/verify-audit-export.mjs ${fileName} ${fileName}.manifest.json`,
      );
    });

    it('warns when the file does not match the manifest', async () => {
      serveAuditLog(server);
      const body = serveExport();
      await renderPage();

      await userEvent.click(
        await screen.findByRole('button', { name: 'Export' }),
      );
      const dialog = await screen.findByRole('dialog');
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Export CSV' }),
      );
      await waitFor(() => expect(body.exportQueries).toHaveLength(1));
      body.send(csv.replace('entity-delete', 'entity-create'));
      body.end();

      expect(
        await within(dialog).findByText(/does not match the file you received/),
      ).toBeInTheDocument();
      expect(
        within(dialog).queryByText('matches the file you received'),
      ).not.toBeInTheDocument();
    });

    it('stops the download on Cancel', async () => {
      serveAuditLog(server);
      const body = serveExport();
      await renderPage();

      await userEvent.click(
        await screen.findByRole('button', { name: 'Export' }),
      );
      const dialog = await screen.findByRole('dialog');
      await userEvent.click(
        within(dialog).getByRole('radio', { name: /NDJSON/ }),
      );
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Export NDJSON' }),
      );
      await waitFor(() => expect(body.exportQueries).toHaveLength(1));
      body.send('{"seq":5}\n');
      expect(
        await within(dialog).findByText(/1 of 5 rows/),
      ).toBeInTheDocument();

      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Cancel' }),
      );

      expect(
        await within(dialog).findByText('Export cancelled; no file was kept.'),
      ).toBeInTheDocument();
      expect(body.exportQueries[0].get('format')).toBe('ndjson');
      // Whatever still arrives is dropped: no file is offered.
      body.send('{"seq":4}\n');
      body.end();
      await new Promise(resolve => setTimeout(resolve, 50));
      expect(
        within(dialog).queryByRole('link', { name: 'Download file' }),
      ).not.toBeInTheDocument();
      expect(
        within(dialog).getByRole('button', { name: 'Export NDJSON' }),
      ).toBeInTheDocument();
    });
  });
});
