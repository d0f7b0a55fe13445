import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { useLocation } from 'react-router-dom';
import { stacksApiRef } from '../../api';
import {
  COVERAGE_URL,
  serveCoverage,
  serveStacks,
  STACKS_URL,
  testStacksClient,
} from '../../__testUtils__/fixtures';
import { StacksPage } from './StacksPage';

// the page renders two tabs of tables, charts and filters: slow to render in
// jsdom when the test command runs many suites at once on two cores
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });

/** Shows the query string, as the address bar would. */
const AddressBar = () => (
  <output data-testid="address-bar">{useLocation().search}</output>
);

describe('StacksPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const renderPage = (url = '/stacks') =>
    renderInTestApp(
      <>
        <StacksPage />
        <AddressBar />
      </>,
      {
        initialRouteEntries: [url],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
        apis: [[stacksApiRef, testStacksClient()]],
      },
    );

  it('shows the review summary and the stacks grouped by domain', async () => {
    const queries = serveStacks(server);
    await renderPage();

    await screen.findByTestId('stack-row-integration-stack');
    const core = screen.getByRole('region', {
      name: 'Core Infrastructure',
    });
    expect(
      within(core).getByText('The stacks every product stands on.'),
    ).toBeInTheDocument();
    const integration = within(core).getByTestId('stack-row-integration-stack');
    expect(
      within(integration).getByRole('link', { name: 'Integration Stack' }),
    ).toHaveAttribute('href', '/catalog/default/system/integration-stack');
    expect(within(integration).getByText('L4 Integration')).toBeInTheDocument();
    expect(within(integration).getByText('Critical')).toBeInTheDocument();
    expect(within(integration).getByText('Incomplete')).toBeInTheDocument();
    expect(
      within(integration).getByRole('link', { name: 'Platform Team' }),
    ).toHaveAttribute('href', '/catalog/default/group/team-platform');
    // Most urgent first: the review ranks Integration Stack first.
    expect(
      within(core)
        .getAllByRole('row')
        .map(row => row.getAttribute('aria-label')),
    ).toEqual([null, 'Integration Stack', 'Auth Stack']);

    // Domains in the backend's order.
    expect(
      screen
        .getAllByRole('region')
        .map(region => region.getAttribute('aria-label'))
        .filter(name =>
          [
            'Core Infrastructure',
            'Business & Product',
            'AI & Communication',
          ].includes(name!),
        ),
    ).toEqual([
      'Core Infrastructure',
      'Business & Product',
      'AI & Communication',
    ]);

    const critical = screen.getByRole('region', { name: 'Critical stacks' });
    expect(within(critical).getByText('2 stacks')).toBeInTheDocument();
    expect(within(critical).getByText('1 incomplete')).toBeInTheDocument();
    expect(within(critical).getByText('1 missing')).toBeInTheDocument();
    expect(within(critical).getByText('0 complete')).toBeInTheDocument();
    expect(screen.getByTestId('stacks-count')).toHaveTextContent(
      '4 of 4 stacks',
    );
    expect(queries).toHaveLength(1);
  });

  it('re-queries the backend with a chosen filter and shows only what matches', async () => {
    const queries = serveStacks(server);
    await renderPage();
    await screen.findByTestId('stack-row-ai-stack');

    await userEvent.click(screen.getByRole('combobox', { name: /^Layer/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'L6 Application' }),
    );
    await userEvent.keyboard('{Escape}');

    await waitFor(() =>
      expect(screen.getByTestId('stacks-count')).toHaveTextContent(
        '2 of 4 stacks',
      ),
    );
    expect(queries).toHaveLength(2);
    expect(queries[1].getAll('layer')).toEqual(['L6']);
    expect(screen.getByTestId('address-bar')).toHaveTextContent('?layer=L6');
    expect(screen.getByTestId('stack-row-ai-stack')).toBeInTheDocument();
    expect(
      screen.getByTestId('stack-row-experimentation-stack'),
    ).toBeInTheDocument();
    expect(
      screen.queryByTestId('stack-row-integration-stack'),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Core Infrastructure' }),
    ).not.toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: /^Layer/ })).toHaveTextContent(
      'L6 Application',
    );
    // The summary still covers every stack.
    expect(
      within(screen.getByRole('region', { name: 'Critical stacks' })).getByText(
        '2 stacks',
      ),
    ).toBeInTheDocument();
  });

  it('restores the filters from a shared URL', async () => {
    const queries = serveStacks(server);
    await renderPage('/stacks?priority=critical&status=missing&layer=L99');

    expect(
      await screen.findByTestId('stack-row-auth-stack'),
    ).toBeInTheDocument();
    expect(
      screen.queryByTestId('stack-row-integration-stack'),
    ).not.toBeInTheDocument();
    expect(screen.getByTestId('stacks-count')).toHaveTextContent(
      '1 of 4 stacks',
    );
    expect(queries).toHaveLength(1);
    expect(queries[0].getAll('priority')).toEqual(['critical']);
    expect(queries[0].getAll('status')).toEqual(['missing']);
    // An unknown layer in the link is dropped, not sent.
    expect(queries[0].has('layer')).toBe(false);
    expect(
      screen.getByRole('combobox', { name: /^Priority/ }),
    ).toHaveTextContent('Critical');
    expect(
      screen.getByRole('combobox', { name: /^Documentation status/ }),
    ).toHaveTextContent('Missing');
  });

  it('says when no stack matches and clears the filters on request', async () => {
    const queries = serveStacks(server);
    await renderPage('/stacks?layer=L3');

    expect(
      await screen.findByText('No stack matches these filters'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('stacks-count')).toHaveTextContent(
      '0 of 4 stacks',
    );

    await userEvent.click(
      screen.getAllByRole('button', { name: 'Clear filters' })[0],
    );

    expect(
      await screen.findByTestId('stack-row-integration-stack'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('stacks-count')).toHaveTextContent(
      '4 of 4 stacks',
    );
    expect(queries.map(query => query.toString())).toEqual(['layer=L3', '']);
    expect(screen.getByTestId('address-bar')).toBeEmptyDOMElement();
  });

  it("shows the backend's error when the stacks cannot be loaded", async () => {
    serveCoverage(server);
    server.use(
      http.get(STACKS_URL, () =>
        HttpResponse.json(
          {
            error: {
              name: 'AuthenticationError',
              message: 'Missing credentials',
            },
            response: { statusCode: 401 },
          },
          { status: 401 },
        ),
      ),
    );
    await renderPage();

    expect(
      await screen.findByText(/Could not load the stacks/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/Missing credentials/).length).toBeGreaterThan(
      0,
    );
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(screen.queryByTestId('stacks-count')).not.toBeInTheDocument();
  });

  it('measures each stack’s documentation by the six parts, in review order, and says where the catalog differs', async () => {
    serveStacks(server);
    await renderPage('/stacks?view=coverage');
    const matrix = await screen.findByRole('table', {
      name: 'Documentation coverage',
    });
    expect(
      within(matrix)
        .getAllByRole('row')
        .map(row => row.getAttribute('aria-label'))
        .slice(1),
    ).toEqual([
      'Integration Stack',
      'Auth Stack',
      'Experimentation Stack',
      'AI Stack',
    ]);
    expect(
      within(matrix).getByRole('columnheader', { name: 'User features' }),
    ).toBeInTheDocument();
    const integration = within(matrix).getByTestId(
      'coverage-row-integration-stack',
    );
    expect(
      within(integration).getByTestId(
        'coverage-integration-stack-user-features',
      ),
    ).toHaveAttribute('data-present', 'false');
    expect(
      within(integration).getByTitle(/User Features: missing/),
    ).toBeInTheDocument();
    expect(
      within(integration).getByTestId(
        'coverage-integration-stack-trade-off-analysis',
      ),
    ).toHaveAttribute('data-present', 'true');
    expect(within(integration).getByText('Incomplete')).toBeInTheDocument();
    expect(
      within(matrix).getByTestId('coverage-row-experimentation-stack'),
    ).toHaveTextContent('No document');
    // the reason is said once above the table, not once per row
    expect(screen.getByTestId('coverage-missing')).toHaveTextContent(
      '1 stack has no document: no documentation location (stackportal.io/docs-location)',
    );
    // Auth is documented in full, the catalog says missing: both places say so.
    expect(
      within(matrix).getByTestId('coverage-differs-auth-stack'),
    ).toHaveTextContent('Catalog says Missing');
    expect(screen.getByTestId('coverage-summary')).toHaveTextContent(
      'Measured: 2 complete · 1 incomplete · 1 missing · 1 stack differs from the catalog',
    );
    await userEvent.click(
      screen.getByRole('tab', { name: 'Stacks by domain' }),
    );
    const authRow = await screen.findByTestId('stack-row-auth-stack');
    expect(within(authRow).getByText('Complete')).toBeInTheDocument();
    expect(
      within(authRow).getByTestId('stack-status-differs-auth-stack'),
    ).toHaveTextContent('Catalog says Missing');
  });

  it('filters the matrix to the stacks missing a part, and follows the page filters', async () => {
    serveStacks(server);
    await renderPage('/stacks?view=coverage&coverage=missing:user-features');
    const matrix = await screen.findByRole('table', {
      name: 'Documentation coverage',
    });
    await waitFor(() =>
      expect(
        within(matrix)
          .getAllByTestId(/^coverage-row-/)
          .map(r => r.getAttribute('data-testid')),
      ).toEqual([
        'coverage-row-integration-stack',
        'coverage-row-experimentation-stack',
      ]),
    );
    await userEvent.click(screen.getByRole('combobox', { name: /^Layer/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'L6 Application' }),
    );
    await userEvent.keyboard('{Escape}');
    await waitFor(() =>
      expect(
        within(matrix)
          .getAllByTestId(/^coverage-row-/)
          .map(r => r.getAttribute('data-testid')),
      ).toEqual(['coverage-row-experimentation-stack']),
    );
    expect(screen.getByTestId('address-bar')).toHaveTextContent(
      'coverage=missing%3Auser-features',
    );
  });

  it('filters by a priority when its summary card is clicked, and unfilters on a second click', async () => {
    const queries = serveStacks(server);
    await renderPage();
    await screen.findByTestId('stack-row-auth-stack');
    await userEvent.click(
      screen.getByRole('button', { name: 'Show only critical stacks' }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('address-bar')).toHaveTextContent(
        'priority=critical',
      ),
    );
    expect(
      screen.getByRole('button', { name: 'Show only critical stacks' }),
    ).toHaveAttribute('aria-pressed', 'true');
    await waitFor(() =>
      expect(queries[queries.length - 1].getAll('priority')).toEqual([
        'critical',
      ]),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Show only critical stacks' }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('address-bar')).not.toHaveTextContent(
        'priority',
      ),
    );
  }, 20_000);

  it('keeps the declared statuses when coverage cannot be measured', async () => {
    serveStacks(server);
    server.use(
      http.get(COVERAGE_URL, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'adr backend down' } },
          { status: 503 },
        ),
      ),
    );
    await renderPage();
    const authRow = await screen.findByTestId('stack-row-auth-stack');
    expect(within(authRow).getByText('Missing')).toBeInTheDocument();
    expect(
      within(authRow).queryByTestId('stack-status-differs-auth-stack'),
    ).not.toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('tab', { name: 'Documentation coverage' }),
    );
    expect(
      await screen.findByText(/Could not measure documentation coverage/),
    ).toBeInTheDocument();
  });
});
