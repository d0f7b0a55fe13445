import { screen, within } from '@testing-library/react';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { auditLogApiRef } from '../../api';
import {
  impersonatedDelete,
  permissionsOf,
  serveAuditLog,
  testAuditLogClient,
} from '../../__testUtils__/fixtures';
import { CompliancePage } from './CompliancePage';

/** Platform admins read the log but may not export it (compliance only). */
describe('CompliancePage for an admin', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the events and their details but offers no Export', async () => {
    serveAuditLog(server);
    await renderInTestApp(<CompliancePage />, {
      initialRouteEntries: ['/compliance'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [[auditLogApiRef, testAuditLogClient()], permissionsOf('admin')],
    });

    const row = await screen.findByTestId(`audit-row-${impersonatedDelete.id}`);
    expect(within(row).getByText('entity-delete')).toBeInTheDocument();
    expect(await screen.findByTestId('audit-chain-status')).toHaveTextContent(
      'Chain verified up to #5',
    );
    expect(
      screen.getByRole('search', { name: 'Filter audit events' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Export' }),
    ).not.toBeInTheDocument();
  });
});
