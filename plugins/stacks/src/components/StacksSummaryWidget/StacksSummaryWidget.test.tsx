import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { stacksApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { stacksResponse } from '../../testing/fixtures';
import {
  StacksSummaryWidgetActions,
  StacksSummaryWidgetContent,
} from './StacksSummaryWidget';

describe('Stacks summary widget', () => {
  it('shows the summary over every stack and links to the overview', async () => {
    const getStacks = jest.fn().mockResolvedValue(stacksResponse());
    await renderInTestApp(
      <>
        <StacksSummaryWidgetContent />
        <StacksSummaryWidgetActions />
      </>,
      {
        apis: [[stacksApiRef, { getStacks }]],
        mountedRoutes: { '/stacks': rootRouteRef },
      },
    );

    const medium = await screen.findByRole('region', { name: 'Medium priority' });
    expect(within(medium).getByText('1 missing')).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'All stacks' })).toHaveTextContent(
      '4 stacks in the review',
    );
    expect(screen.getByRole('link', { name: 'View all stacks' })).toHaveAttribute(
      'href',
      '/stacks',
    );
    expect(getStacks).toHaveBeenCalledTimes(1);
    expect(getStacks).toHaveBeenCalledWith();
  });

  it('says so when the summary cannot be loaded', async () => {
    const getStacks = jest.fn().mockRejectedValue(
      await ResponseError.fromResponse(
        new Response(JSON.stringify({ error: { name: 'Error', message: 'boom' } }), {
          status: 503,
          statusText: 'Service Unavailable',
          headers: { 'content-type': 'application/json' },
        }),
      ),
    );
    await renderInTestApp(<StacksSummaryWidgetContent />, {
      apis: [[stacksApiRef, { getStacks }]],
    });

    expect(await screen.findByText(/Could not load the stacks summary/)).toBeInTheDocument();
  });
});
