import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { auditLogApiRef } from '../../api';
import {
  permissionsOf,
  serveAuditLog,
  testAuditLogClient,
} from '../../__testUtils__/fixtures';
import { EntityAuditContent } from '../EntityAuditContent';
import { CompliancePage } from './CompliancePage';

/** Engineers: neither the page nor the entity tab show them the log. */
describe('the audit log for an engineer', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const apis = [
    [auditLogApiRef, testAuditLogClient()],
    permissionsOf('engineer'),
  ] as const;

  it('refuses the Compliance page without asking the backend', async () => {
    const recorded = serveAuditLog(server);
    await renderInTestApp(<CompliancePage />, {
      initialRouteEntries: ['/compliance'],
      apis,
    });

    expect(
      await screen.findByText(/You need the compliance or admin role/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Only the Compliance group and Platform Admins/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Compliance' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.queryByText('Chain integrity')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Export' }),
    ).not.toBeInTheDocument();
    expect(recorded.events).toHaveLength(0);
    expect(recorded.verifications).toBe(0);
  });

  it("refuses an entity's Audit tab too", async () => {
    const recorded = serveAuditLog(server);
    await renderInTestApp(
      <EntityProvider
        entity={{
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'payments-api', namespace: 'default' },
          spec: {},
        }}
      >
        <EntityAuditContent />
      </EntityProvider>,
      { apis },
    );

    expect(
      await screen.findByText(/You need the compliance or admin role/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(recorded.events).toHaveLength(0);
  });
});
