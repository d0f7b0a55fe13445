import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { stacksApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  serveStacks,
  STACKS_URL,
  testStacksClient,
} from '../../__testUtils__/fixtures';
import {
  StacksSummaryWidgetActions,
  StacksSummaryWidgetContent,
} from './StacksSummaryWidget';

describe('Stacks summary widget', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the summary over every stack and links to the overview', async () => {
    const queries = serveStacks(server);
    await renderInTestApp(
      <>
        <StacksSummaryWidgetContent />
        <StacksSummaryWidgetActions />
      </>,
      {
        apis: [[stacksApiRef, testStacksClient()]],
        mountedRoutes: { '/stacks': rootRouteRef },
      },
    );

    const medium = await screen.findByRole('region', { name: 'Medium stacks' });
    expect(within(medium).getByText('1 missing')).toBeInTheDocument();
    expect(
      screen.getByRole('region', { name: 'All stacks' }),
    ).toHaveTextContent('4 stacks in the review');
    expect(
      screen.getByRole('link', { name: 'View all stacks' }),
    ).toHaveAttribute('href', '/stacks');
    expect(queries.map(query => query.toString())).toEqual(['']);
  });

  it('says so when the summary cannot be loaded', async () => {
    server.use(
      http.get(STACKS_URL, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'catalog unavailable' } },
          { status: 503 },
        ),
      ),
    );
    await renderInTestApp(<StacksSummaryWidgetContent />, {
      apis: [[stacksApiRef, testStacksClient()]],
    });

    expect(
      await screen.findByText(/Could not load the stacks summary/),
    ).toBeInTheDocument();
  });
});
