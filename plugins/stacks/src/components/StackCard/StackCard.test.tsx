import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  aiStackEntity,
  integrationStackEntity,
} from '../../__testUtils__/fixtures';
import { StackCard } from './StackCard';

describe('StackCard', () => {
  it("shows the stack's layer, priority, status and both feature lists", async () => {
    await renderInTestApp(
      <EntityProvider entity={aiStackEntity}>
        <StackCard />
      </EntityProvider>,
    );

    expect(await screen.findByText('L6 Application')).toBeInTheDocument();
    expect(screen.getByText('Low')).toBeInTheDocument();
    expect(screen.getByText('Complete')).toBeInTheDocument();
    const system = screen.getByRole('list', { name: 'System features' });
    expect(
      within(system)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(['Model gateway', 'Embeddings']);
    const user = screen.getByRole('list', { name: 'User features' });
    expect(within(user).getByText('AI assistant chat')).toBeInTheDocument();
    expect(
      screen.queryByText('No User Features section yet'),
    ).not.toBeInTheDocument();
  });

  it('warns that the User Features section is missing on an incomplete stack', async () => {
    await renderInTestApp(
      <EntityProvider entity={integrationStackEntity}>
        <StackCard />
      </EntityProvider>,
    );

    expect(await screen.findByText('L4 Integration')).toBeInTheDocument();
    expect(screen.getByText('Critical')).toBeInTheDocument();
    expect(screen.getByText('Incomplete')).toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'System features' })).getByText(
        'Outbound webhooks with signing and retries',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('list', { name: 'User features' }),
    ).not.toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(
      'No User Features section yet',
    );
  });
});
