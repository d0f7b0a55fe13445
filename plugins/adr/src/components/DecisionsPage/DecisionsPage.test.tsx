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
import { adrApiRef } from '../../api';
import { BASE, serveIndex, testAdrClient } from '../../__testUtils__/fixtures';
import { DecisionsPage } from './DecisionsPage';

const AddressBar = () => (
  <output data-testid="address-bar">{useLocation().search}</output>
);

describe('DecisionsPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const renderPage = (url = '/decisions') =>
    renderInTestApp(
      <>
        <DecisionsPage />
        <AddressBar />
      </>,
      {
        initialRouteEntries: [url],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
        apis: [[adrApiRef, testAdrClient()]],
      },
    );

  const rows = () =>
    screen.getAllByTestId(/^adr-row-/).map(r => r.getAttribute('data-testid'));

  it('lists every decision newest first, with supersession links both ways and where it belongs', async () => {
    serveIndex(server);
    await renderPage();
    await screen.findByTestId('adr-row-stackpro-0002-version-api.md');
    expect(rows()).toEqual([
      'adr-row-stackpro-0002-version-api.md',
      'adr-row-smartstack-ADR-004-websocket-implementation.md',
      'adr-row-smartstack-ADR-002-real-time-updates.md',
    ]);
    const adr4 = screen.getByTestId(
      'adr-row-smartstack-ADR-004-websocket-implementation.md',
    );
    expect(
      within(adr4).getByRole('link', { name: 'ADR-004: Use Socket.io' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/system/smartstack/decisions?record=ADR-004-websocket-implementation.md',
    );
    expect(within(adr4).getByRole('link', { name: 'ADR-002' })).toHaveAttribute(
      'href',
      '/catalog/default/system/smartstack/decisions?record=ADR-002-real-time-updates.md',
    );
    const adr2 = screen.getByTestId(
      'adr-row-smartstack-ADR-002-real-time-updates.md',
    );
    expect(within(adr2).getByText(/Superseded by/)).toBeInTheDocument();
    expect(
      within(adr2).getByRole('link', { name: 'ADR-004' }),
    ).toBeInTheDocument();
    expect(
      screen.getByTestId('adr-row-stackpro-0002-version-api.md'),
    ).toHaveTextContent('Communication Stack');
    expect(screen.getByTestId('decisions-count')).toHaveTextContent(
      '3 of 3 decisions',
    );
    // Location problems are listed with the entity and rule.
    expect(
      screen.getByRole('list', { name: 'Location problems' }),
    ).toHaveTextContent(
      'stackpro-ai · location: catalog/stackpro/adr/ai does not exist yet',
    );
  });

  it('filters by status and keeps the filter in the URL', async () => {
    const queries = serveIndex(server);
    await renderPage();
    await screen.findByTestId('adr-row-stackpro-0002-version-api.md');
    await userEvent.click(screen.getByRole('combobox', { name: /^Status/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: /Accepted/ }),
    );
    await userEvent.keyboard('{Escape}');
    await waitFor(() =>
      expect(screen.getByTestId('decisions-count')).toHaveTextContent(
        '1 of 3 decisions',
      ),
    );
    expect(rows()).toEqual([
      'adr-row-smartstack-ADR-004-websocket-implementation.md',
    ]);
    expect(queries[queries.length - 1].getAll('status')).toEqual(['accepted']);
    expect(screen.getByTestId('address-bar')).toHaveTextContent(
      '?status=accepted',
    );
  });

  it('restores system and date filters from a shared link, dropping what cannot be valid', async () => {
    const queries = serveIndex(server);
    await renderPage(
      '/decisions?system=system:default/smartstack&from=2025-05-11&to=tomorrow&status=draft',
    );
    await screen.findByTestId(
      'adr-row-smartstack-ADR-004-websocket-implementation.md',
    );
    expect(rows()).toEqual([
      'adr-row-smartstack-ADR-004-websocket-implementation.md',
    ]);
    expect(queries[0].toString()).toBe(
      'system=system%3Adefault%2Fsmartstack&from=2025-05-11',
    );
    expect(screen.getByTestId('decisions-filter-from')).toHaveValue(
      '2025-05-11',
    );
    expect(screen.getByRole('combobox', { name: /^System/ })).toHaveTextContent(
      'SmartStack',
    );
  });

  it('says when nothing matches and clears the filters', async () => {
    serveIndex(server);
    await renderPage('/decisions?status=deprecated');
    expect(
      await screen.findByText('No decision matches these filters'),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getAllByRole('button', { name: 'Clear filters' })[0],
    );
    await screen.findByTestId('adr-row-stackpro-0002-version-api.md');
    expect(screen.getByTestId('address-bar')).toBeEmptyDOMElement();
  });

  it('searches the words typed, through the backend, and keeps them in the URL', async () => {
    const queries = serveIndex(server);
    await renderPage('/decisions?status=superseded');
    await screen.findByTestId(
      'adr-row-smartstack-ADR-002-real-time-updates.md',
    );
    const box = screen.getByRole('searchbox', { name: 'Search decisions' });
    await userEvent.type(box, 'raw websocket');
    await waitFor(() =>
      expect(screen.getByTestId('address-bar')).toHaveTextContent(
        '?status=superseded&q=raw+websocket',
      ),
    );
    // asked once, after typing paused, with the other filters kept
    expect(queries[queries.length - 1].toString()).toBe(
      'status=superseded&q=raw+websocket',
    );
    expect(queries.filter(q => q.has('q'))).toHaveLength(1);
    expect(rows()).toEqual(['adr-row-smartstack-ADR-002-real-time-updates.md']);

    await userEvent.clear(box);
    await userEvent.type(box, 'use socket.io{Enter}');
    await waitFor(() =>
      expect(
        screen.getByText(
          'No decision matches “use socket.io” with these filters',
        ),
      ).toBeInTheDocument(),
    );
    await userEvent.click(
      screen.getAllByRole('button', { name: 'Clear filters' })[0],
    );
    await screen.findByTestId('adr-row-stackpro-0002-version-api.md');
    expect(box).toHaveValue('');
    expect(screen.getByTestId('address-bar')).toBeEmptyDOMElement();
  });

  it('restores the text search from a shared link', async () => {
    const queries = serveIndex(server);
    await renderPage('/decisions?q=Socket.io');
    await screen.findByTestId(
      'adr-row-smartstack-ADR-004-websocket-implementation.md',
    );
    expect(rows()).toEqual([
      'adr-row-smartstack-ADR-004-websocket-implementation.md',
    ]);
    expect(queries[0].toString()).toBe('q=Socket.io');
    expect(
      screen.getByRole('searchbox', { name: 'Search decisions' }),
    ).toHaveValue('Socket.io');
    expect(screen.getByTestId('decisions-count')).toHaveTextContent(
      '1 of 3 decisions',
    );
  });

  it("shows the backend's error with a retry", async () => {
    server.use(
      http.get(`${BASE}/adrs`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'You may not read decision records',
            },
          },
          { status: 403 },
        ),
      ),
    );
    await renderPage();
    expect(
      await screen.findByText(/Could not load the decisions/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/You may not read decision records/).length,
    ).toBeGreaterThan(0);
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
